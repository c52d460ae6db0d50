"""HTTP endpoints of training_market under /api/v1/market, one module per concern."""

from ninja import Router

from lifelong.training_market.endpoints import (
    applications,
    complaints,
    contracts,
    enforcement,
    registry,
    staff,
)

router = Router(tags=["training_market"])
for _module in (registry, contracts, complaints, staff, enforcement, applications):
    router.add_router("/market", _module.router)
