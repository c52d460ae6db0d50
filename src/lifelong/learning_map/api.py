"""Public interface of learning_map for the domains above it."""

__all__: list[str] = []
