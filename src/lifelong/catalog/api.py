"""Public interface of catalog for the domains above it."""

from __future__ import annotations

__all__ = ["load_demo"]


def load_demo() -> dict[str, int]:
    """Load the catalog's Shanghai demo data (idempotent): 2,000+ resources, live classes in
    the coming week, senior MOOCs, and the demo citizen's learning."""
    from lifelong.catalog.demo import load_demo as load

    return load()
