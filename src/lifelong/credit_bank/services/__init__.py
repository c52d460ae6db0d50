"""Use cases that change credit-bank data, one module per concern."""
