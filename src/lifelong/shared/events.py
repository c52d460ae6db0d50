"""Named domain events: how a lower domain tells higher ones that something happened without
importing them.

A higher domain subscribes in its `AppConfig.ready()`:

    events.subscribe("catalog.course_completed", post_credits_for_completion)

and the lower domain publishes inside its service's transaction:

    events.publish("catalog.course_completed", {"person_id": ..., "course_id": ...})

Subscribers run only after that transaction commits, so they never act on a change that was
rolled back. Ordinary events are delivered in-process right after the commit; a subscriber
that fails is logged and does not disturb the others or the publisher, whose work is already
committed. Events whose loss would lose someone's rights (credits, refunds) are published with
`durable=True`: each subscriber then gets its own background task, which with the database task
backend is written in the publisher's own transaction, so it exists exactly when the change
does and survives a crash of the process; a failed delivery stays visible as a failed task.
Durable subscribers must therefore be idempotent (a task may run again after a crash).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Handler = Callable[[str, dict[str, Any]], None]
"""A subscriber is called with the event name and a fresh copy of the payload."""

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")

_lock = threading.Lock()
_subscribers: dict[str, dict[str, Handler]] = {}


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValueError(
            f"事件名应为“领域.事件”形式的小写名称 / "
            f"An event name is lower-case 'domain.event', got {name!r}"
        )


def subscriber_key(handler: Handler) -> str:
    """The stable name under which a handler is registered; a durable delivery task carries it
    to find the handler again in the worker process."""
    return f"{handler.__module__}.{handler.__qualname__}"


def subscribe(name: str, handler: Handler) -> None:
    """Call `handler(name, payload)` after each commit that published `name`. Subscribing the
    same handler twice is harmless (`ready()` may run more than once in tests)."""
    _check_name(name)
    key = subscriber_key(handler)
    with _lock:
        handlers = _subscribers.setdefault(name, {})
        existing = handlers.get(key)
        if existing is not None and existing is not handler:
            raise ValueError(
                f"事件 {name} 已有同名订阅者 {key}，请使用具名的模块级函数 / "
                f"Another subscriber of {name} is already named {key}; use a named "
                f"module-level function"
            )
        handlers[key] = handler


def unsubscribe(name: str, handler: Handler) -> None:
    with _lock:
        handlers = _subscribers.get(name, {})
        if handlers.get(subscriber_key(handler)) is handler:
            del handlers[subscriber_key(handler)]


def subscribers(name: str) -> dict[str, Handler]:
    """A snapshot of the subscribers of `name`, keyed by `subscriber_key`."""
    with _lock:
        return dict(_subscribers.get(name, {}))


def _json_copy(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as it will look after travelling through a task queue, or TypeError now,
    while the publisher's stack still explains where the bad value came from."""
    if not isinstance(payload, dict):
        raise TypeError(f"事件内容必须是 dict / An event payload must be a dict, got {payload!r}")
    try:
        encoded = json.dumps(payload, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"事件内容必须可序列化为 JSON / An event payload must be JSON-serialisable: {exc}"
        ) from exc
    copy: dict[str, Any] = json.loads(encoded)
    # Tuples would arrive as lists and integer keys as strings: refuse rather than let the
    # in-process and the durable delivery hand subscribers different values.
    if copy != payload:
        raise TypeError(
            "事件内容只能包含 dict、list、str、数字、布尔值和 None，且键为字符串 / "
            "An event payload may hold only dicts with string keys, lists, strings, numbers, "
            "booleans and None"
        )
    return copy


def publish(name: str, payload: dict[str, Any], *, durable: bool = False) -> None:
    """Announce that `name` happened. Delivery waits for the current transaction to commit
    (immediate when there is none); nothing is delivered if it rolls back."""
    _check_name(name)
    copy = _json_copy(payload)
    if durable:
        _publish_durably(name, copy)
    else:
        transaction.on_commit(lambda: _deliver_all(name, copy))


def _deliver_all(name: str, payload: dict[str, Any]) -> None:
    for key, handler in subscribers(name).items():
        try:
            # Each subscriber gets its own copy: one must not see another's changes.
            handler(name, json.loads(json.dumps(payload)))
        except Exception:
            logger.exception("Subscriber %s of event %s failed", key, name)


def _publish_durably(name: str, payload: dict[str, Any]) -> None:
    from django_tasks_db.backend import DatabaseBackend

    from lifelong.shared.tasks import deliver_event

    keys = list(subscribers(name))
    if isinstance(deliver_event.get_backend(), DatabaseBackend):
        # The task rows are written in the publisher's transaction: they commit with it or
        # vanish with it, and the worker cannot see them before the commit.
        for key in keys:
            deliver_event.enqueue(name, payload, key)
        return

    # Other backends are outside the database transaction: hand over only after the commit.
    # (A crash between commit and hand-over loses the event; use the database backend where
    # that matters.)
    def hand_over() -> None:
        for key in keys:
            deliver_event.enqueue(name, payload, key)

    transaction.on_commit(hand_over)


def deliver(name: str, payload: dict[str, Any], key: str) -> None:
    """Run one subscriber of one event (the body of the durable delivery task). Raises if the
    subscriber is gone or fails, so that the task is recorded as failed and can be retried."""
    handler = subscribers(name).get(key)
    if handler is None:
        raise LookupError(f"No subscriber {key} for event {name} in this process")
    handler(name, payload)
