"""The scope matrix across every domain: a district officer of 徐汇区 and one of 黄浦区 never
see a row of another district, through any list endpoint of the API or any changelist of the
back office. The identity domain's own matrix (identity/tests/test_scope_matrix.py) checks
people and organisations in detail with planted markers; this one walks everything that is
served, so an endpoint or admin added later is covered without anyone remembering to.

What is checked, generically:
- API: every GET operation of the served OpenAPI document that needs a token and has no path
  parameter is called as each officer (first page, largest page size); every district code
  found anywhere in the answer (`district_code`, `district`, `residence_code`, `region_code`
  values that are Shanghai district or street codes) lies inside the officer's district.
- Back office: every registered model's changelist answers (never a 5xx), and for every model
  with a `district` link, a `residence_code` or a `region` link, the rows the officer's
  changelist query returns all lie inside the officer's district.
People are the one exception: a person who belongs to an organisation in the officer's district
(a volunteer, a teacher) is the district's to see though they live elsewhere, so their
residence may lie outside; identity's own matrix checks people with planted markers.
Both walks must actually find district-bearing rows (their count is asserted), so the check
cannot pass by finding nothing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory

OFFICERS = {"district_officer": "310104", "district_officer_huangpu": "310101"}
DISTRICT_KEYS = {"district_code", "district", "residence_code", "region_code"}
SHANGHAI_CODE = re.compile(r"^31\d{4}(\d{3})?$")
# Seen by membership as well as by residence (see the module's docstring).
PEOPLE_ENDPOINTS = {"/api/v1/people"}
PEOPLE_MODELS = {"identity.Person"}
# Models whose scope is not where they are held but who keeps them: a resource belongs to its
# provider's district, wherever the course itself takes place.
SCOPE_COLUMNS = {"catalog.Resource": "provider__region_id"}


def _codes(value: Any, found: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in DISTRICT_KEYS and isinstance(item, str) and SHANGHAI_CODE.match(item):
                # A city-level code (310000) names no district.
                if item != "310000":
                    found.append(item)
            else:
                _codes(item, found)
    elif isinstance(value, list):
        for item in value:
            _codes(item, found)


def _listing_operations(document: dict) -> list[str]:
    paths = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if not get or "{" in path or not get.get("security") or path in PEOPLE_ENDPOINTS:
            continue
        required = [p for p in get.get("parameters", []) if p.get("required")]
        if not required:
            paths.append(path)
    return sorted(paths)


@pytest.mark.parametrize("account", sorted(OFFICERS))
def test_no_list_endpoint_shows_an_officer_another_district(api, as_user, account):
    document = api.get("/api/v1/openapi.json").json()
    operations = _listing_operations(document)
    assert len(operations) > 20
    client = as_user(account)
    district = OFFICERS[account]
    with_codes = 0
    for path in operations:
        response = client.get(path, page_size=100)
        assert response.status_code < 500, (path, response.status_code)
        if response.status_code != 200 or not response["Content-Type"].startswith(
            "application/json"
        ):
            continue
        found: list[str] = []
        _codes(response.json(), found)
        outside = sorted({code for code in found if not code.startswith(district)})
        assert not outside, f"{account} sees districts {outside} through GET {path}"
        with_codes += bool(found)
    assert with_codes >= 3, "too few endpoints answered with district-bearing rows"


def _scoped_values(model_admin, request) -> tuple[str, list[str]] | None:
    """The district-bearing column of the admin's changelist rows, if it has one."""
    model = model_admin.model
    names = {f.name for f in model._meta.get_fields()}
    queryset = model_admin.get_queryset(request)
    if model._meta.label in SCOPE_COLUMNS:
        column = SCOPE_COLUMNS[model._meta.label]
        return column, [str(v or "") for v in queryset.values_list(column, flat=True)]
    if "district" in names and model._meta.get_field("district").is_relation:
        return "district", [str(v) for v in queryset.values_list("district_id", flat=True)]
    if "residence_code" in names:
        return "residence_code", [
            v or "" for v in queryset.values_list("residence_code", flat=True)
        ]
    if "region" in names and model._meta.get_field("region").is_relation:
        return "region", [str(v or "") for v in queryset.values_list("region_id", flat=True)]
    return None


@pytest.mark.parametrize("account", sorted(OFFICERS))
def test_no_changelist_shows_an_officer_another_district(db, account):
    user = get_user_model().objects.get(username=account)
    client = Client()
    client.force_login(user)
    request = RequestFactory().get("/admin/")
    request.user = user
    district = OFFICERS[account]
    checked: set[str] = set()
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        response = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert response.status_code < 500, (meta.label, response.status_code)
        if not model_admin.has_view_permission(request):
            assert response.status_code in (302, 403), meta.label
            continue
        scoped = None if meta.label in PEOPLE_MODELS else _scoped_values(model_admin, request)
        if scoped is None:
            continue
        column, values = scoped
        # City-level rows (the city itself, a commission) carry the city code or none.
        outside = sorted({v for v in values if v and v != "310000" and not v.startswith(district)})
        assert not outside, f"{account} sees {meta.label}.{column} in {outside[:5]}"
        if values:
            checked.add(meta.label)
    # The walk found rows to check (the demo's course providers are all in 徐汇区).
    expected = {"identity.Organisation"} | ({"catalog.Resource"} if district == "310104" else set())
    assert expected <= checked, checked
