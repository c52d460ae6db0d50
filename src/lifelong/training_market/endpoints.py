"""HTTP endpoints of training_market under /api/v1."""

from ninja import Router

router = Router(tags=["training_market"])
