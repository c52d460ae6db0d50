"""Public interface of catalog for the domains above it."""

__all__: list[str] = []
