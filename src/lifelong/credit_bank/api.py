"""Public interface of credit_bank for the domains above it."""

__all__: list[str] = []
