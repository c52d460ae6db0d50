"""The OpenAPI document names each request and response shape by its class name, and django-ninja
files them all under one `components/schemas` map: two different classes with the same name
would silently share one entry, documenting one domain's shape for another's operation (and
the fuzz test would then find responses that "violate" the wrong schema). So every schema class
the API serves has a name of its own across all domains."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import lifelong.config.urls  # noqa: F401 -- imports every domain's endpoints and their schemas


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_every_served_schema_class_has_a_name_of_its_own():
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("lifelong.") and ".tests" not in cls.__module__:
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not clashes, f"schema classes sharing a name in the OpenAPI document: {clashes}"
    # The walk itself found the domains' schemas, so an empty result above means something.
    assert len(by_name) > 50


def test_the_document_lists_one_component_per_schema_class(api):
    document = api.get("/api/v1/openapi.json").json()
    names = set(document["components"]["schemas"])
    assert {"ComplaintEventOut", "ApplicationEventOut", "ChargingRuleOut", "EventOut"} <= names
