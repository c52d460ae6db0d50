"""Public interface of learning_records for the domains above it."""

__all__: list[str] = []
