"""Use cases that change training-market data, one module per concern."""
