"""Public interface of the kernel for the domains above it."""

from lifelong.shared.audit import record_audit
from lifelong.shared.regions import (
    RegionInfo,
    ensure_city_regions,
    get_region,
    list_all_streets,
    list_districts,
    list_streets,
    load_streets_csv,
)

__all__ = [
    "RegionInfo",
    "ensure_city_regions",
    "get_region",
    "list_all_streets",
    "list_districts",
    "list_streets",
    "load_streets_csv",
    "record_audit",
]
