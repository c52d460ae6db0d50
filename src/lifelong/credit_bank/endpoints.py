"""HTTP endpoints of credit_bank under /api/v1."""

from ninja import Router

router = Router(tags=["credit_bank"])
