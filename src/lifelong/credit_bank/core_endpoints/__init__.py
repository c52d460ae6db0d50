"""HTTP endpoints of the credit-bank core under /api/v1, one module per responsibility: my
archive and staff views of archives and outcomes (`archives`), standards (`standards`),
enterprise imports (`imports`) and conversions (`conversions`)."""

from __future__ import annotations

from ninja import Router

from lifelong.credit_bank.core_endpoints import archives, conversions, imports, standards

router = Router(tags=["credit_bank"])

for _module in (archives, standards, imports, conversions):
    # ninja names an operation after its module and function; these endpoints were written
    # in one module, `core_endpoints`, and clients generated from the OpenAPI document know
    # them by the ids that gave them, so the split keeps those ids.
    for _path_view in _module.router.path_operations.values():
        for _operation in _path_view.operations:
            if _operation.operation_id is None:
                _name = _operation.view_func.__name__
                _operation.operation_id = f"lifelong_credit_bank_core_endpoints_{_name}"
    router.add_router("", _module.router)
