"""Reads of learning_map."""
