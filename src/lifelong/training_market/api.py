"""Public interface of training_market for the domains above it."""

__all__: list[str] = []
