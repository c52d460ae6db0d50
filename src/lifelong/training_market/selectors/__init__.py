"""Reads of training-market data, always filtered by the caller's scope."""
