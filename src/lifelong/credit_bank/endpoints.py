"""HTTP endpoints of credit_bank under /api/v1."""

from ninja import Router

from lifelong.credit_bank.core_endpoints import router as core_router
from lifelong.credit_bank.credentials_endpoints import router as credentials_router

router = Router(tags=["credit_bank"])
router.add_router("", credentials_router)
router.add_router("", core_router)
