"""HTTP endpoints of learning_records under /api/v1."""

from ninja import Router

router = Router(tags=["learning_records"])
