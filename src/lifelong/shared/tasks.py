"""Background tasks of the kernel."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from lifelong.shared import events


@task()
def deliver_event(name: str, payload: dict[str, Any], subscriber: str) -> None:
    """Durable delivery of one domain event to one subscriber (see `events.publish`)."""
    events.deliver(name, payload, subscriber)
