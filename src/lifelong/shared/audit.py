"""Writing to the append-only audit log."""

from __future__ import annotations

from typing import Any

from lifelong.shared import context
from lifelong.shared.models import AuditEntry


def record_audit(
    *,
    action: str,
    actor_id: str | int = "",
    actor_label: str = "",
    role: str = "",
    on_behalf_of: str = "",
    object_type: str = "",
    object_id: str = "",
    outcome: str = AuditEntry.Outcome.OK,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit record. The client address comes from the current request, if any."""
    return AuditEntry.objects.create(
        action=action,
        actor_id=str(actor_id),
        actor_label=actor_label[:150],
        role=role,
        on_behalf_of=str(on_behalf_of),
        object_type=object_type,
        object_id=str(object_id),
        ip=context.client_ip(),
        outcome=outcome,
        detail=detail or {},
    )
