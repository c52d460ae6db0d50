"""The core's endpoints moved from one module into `core_endpoints/`; clients generated from the
OpenAPI document know them by operation ids derived from the old module, which stay."""

from __future__ import annotations


def test_core_operations_keep_their_operation_ids(api):
    document = api.get("/api/v1/openapi.json").json()

    ids = {
        (method, path): operation["operationId"]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if path.startswith(("/api/v1/credit-bank/", "/api/v1/me/archive"))
    }

    assert len(ids) == 28
    assert ids[("get", "/api/v1/me/archive")] == "lifelong_credit_bank_core_endpoints_my_archive"
    assert ids[("post", "/api/v1/credit-bank/imports")] == (
        "lifelong_credit_bank_core_endpoints_create_import"
    )
    assert ids[("post", "/api/v1/credit-bank/conversions")] == (
        "lifelong_credit_bank_core_endpoints_apply_conversion"
    )
    assert all(i.startswith("lifelong_credit_bank_core_endpoints_") for i in ids.values())
    assert len(set(ids.values())) == len(ids)
