"""HTTP endpoints of learning_map under /api/v1."""

from ninja import Router

router = Router(tags=["learning_map"])
