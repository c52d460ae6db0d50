"""Writes of learning_map: one function per use case."""
