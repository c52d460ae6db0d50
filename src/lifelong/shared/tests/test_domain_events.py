"""Domain events reach their subscribers only once the publishing transaction has committed,
never when it rolls back; durable ones go through a task that commits with the change."""

from __future__ import annotations

import datetime as dt
import logging
import math

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from lifelong.shared import events

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

received: list[tuple[str, dict]] = []


def record(name, payload):
    received.append((name, payload))


def record_and_scribble(name, payload):
    payload["scribbled"] = True
    received.append((name, payload))


def explode(name, payload):
    raise RuntimeError("subscriber is broken")


class Rollback(Exception):
    pass


@pytest.fixture
def subscribed():
    """`subscribed(name, handler, …)` registers handlers for one test only."""
    registered = []
    received.clear()

    def add(name, *handlers):
        for handler in handlers:
            events.subscribe(name, handler)
            registered.append((name, handler))

    yield add
    for name, handler in registered:
        events.unsubscribe(name, handler)
    received.clear()


def test_delivered_after_the_transaction_commits_and_not_before(
    db, subscribed, django_capture_on_commit_callbacks
):
    subscribed("catalog.course_completed", record)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("catalog.course_completed", {"person_id": "p1", "course_id": 7})
        assert received == []
    assert received == [("catalog.course_completed", {"person_id": "p1", "course_id": 7})]


def test_not_delivered_when_the_transaction_rolls_back(
    db, subscribed, django_capture_on_commit_callbacks
):
    subscribed("catalog.course_completed", record)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        events.publish("catalog.course_completed", {"person_id": "p1"})
        raise Rollback
    assert callbacks == []
    assert received == []


def test_only_the_committed_one_of_two_nested_blocks_is_delivered(
    db, subscribed, django_capture_on_commit_callbacks
):
    subscribed("catalog.course_completed", record)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.publish("catalog.course_completed", {"n": 1})
        with pytest.raises(Rollback), transaction.atomic():
            events.publish("catalog.course_completed", {"n": 2})
            raise Rollback
    assert [payload for _, payload in received] == [{"n": 1}]


def test_events_of_other_names_do_not_reach_a_subscriber(
    db, subscribed, django_capture_on_commit_callbacks
):
    subscribed("catalog.course_completed", record)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("catalog.course_started", {"person_id": "p1"})
    assert received == []


def test_each_subscriber_gets_its_own_copy_of_the_payload(
    db, subscribed, django_capture_on_commit_callbacks
):
    subscribed("catalog.course_completed", record_and_scribble, record)
    payload = {"person_id": "p1"}
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("catalog.course_completed", payload)
    assert payload == {"person_id": "p1"}
    assert {"person_id": "p1"} in [p for _, p in received]


def test_a_failing_subscriber_is_logged_and_does_not_stop_the_others(
    db, subscribed, django_capture_on_commit_callbacks, caplog
):
    subscribed("catalog.course_completed", explode, record)
    with (
        caplog.at_level(logging.ERROR, logger="lifelong.shared.events"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        events.publish("catalog.course_completed", {"person_id": "p1"})
    assert received == [("catalog.course_completed", {"person_id": "p1"})]
    assert any("explode" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "payload",
    [
        {"when": dt.date(2026, 1, 1)},
        {"ids": {1, 2}},
        {"pair": (1, 2)},
        {1: "integer key"},
        {"ratio": math.nan},
        ["not", "a", "dict"],
    ],
)
def test_payloads_that_are_not_plain_json_are_refused_at_once(db, subscribed, payload):
    subscribed("catalog.course_completed", record)
    with pytest.raises(TypeError):
        events.publish("catalog.course_completed", payload)
    with pytest.raises(TypeError):
        events.publish("catalog.course_completed", payload, durable=True)


@pytest.mark.parametrize("name", ["", "completed", "Catalog.Completed", "catalog. completed", 7])
def test_event_names_are_lower_case_domain_dot_event(name):
    with pytest.raises(ValueError):
        events.publish(name, {})
    with pytest.raises(ValueError):
        events.subscribe(name, record)


def test_subscribing_the_same_handler_twice_delivers_once(
    db, subscribed, django_capture_on_commit_callbacks
):
    subscribed("catalog.course_completed", record, record)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("catalog.course_completed", {})
    assert len(received) == 1


def test_two_different_handlers_under_one_name_are_refused(subscribed):
    subscribed("catalog.course_completed", record)

    def impostor(name, payload):
        pass

    impostor.__qualname__ = "record"
    impostor.__module__ = record.__module__
    with pytest.raises(ValueError):
        events.subscribe("catalog.course_completed", impostor)


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_a_durable_event_is_delivered_through_a_task_after_commit(
    db, subscribed, django_capture_on_commit_callbacks
):
    subscribed("credit_bank.outcome_recognised", record)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("credit_bank.outcome_recognised", {"outcome_id": 42}, durable=True)
        assert received == []
    assert received == [("credit_bank.outcome_recognised", {"outcome_id": 42})]


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_a_durable_event_is_not_delivered_when_the_transaction_rolls_back(
    db, subscribed, django_capture_on_commit_callbacks
):
    subscribed("credit_bank.outcome_recognised", record)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        events.publish("credit_bank.outcome_recognised", {"outcome_id": 42}, durable=True)
        raise Rollback
    assert received == []


def delivery_tasks():
    return DBTaskResult.objects.filter(task_path="lifelong.shared.tasks.deliver_event")


def test_with_the_database_backend_a_durable_event_is_a_task_row_in_the_same_transaction(
    db, subscribed
):
    subscribed("credit_bank.outcome_recognised", record, record_and_scribble)
    earlier = set(delivery_tasks().values_list("id", flat=True))
    with pytest.raises(Rollback), transaction.atomic():
        events.publish("credit_bank.outcome_recognised", {"outcome_id": 42}, durable=True)
        # One queued task per subscriber, so that one failing does not redeliver to the others.
        queued = sorted(
            (list(row.task_result.args) for row in delivery_tasks().exclude(id__in=earlier)),
            key=lambda args: args[2],
        )
        assert queued == sorted(
            (
                ["credit_bank.outcome_recognised", {"outcome_id": 42}, events.subscriber_key(h)]
                for h in (record, record_and_scribble)
            ),
            key=lambda args: args[2],
        )
        raise Rollback
    # Rolled back with the change it announced: the worker will never see it.
    assert set(delivery_tasks().values_list("id", flat=True)) == earlier
    assert received == []


def test_the_worker_delivers_a_stored_durable_event(db, subscribed):
    subscribed("credit_bank.outcome_recognised", record)
    events.publish("credit_bank.outcome_recognised", {"outcome_id": 42}, durable=True)
    assert received == []
    row = delivery_tasks().latest("enqueued_at")
    # What the worker does with the row it claims: call the task with the stored arguments.
    row.task.call(*row.task_result.args, **row.task_result.kwargs)
    assert received == [("credit_bank.outcome_recognised", {"outcome_id": 42})]


def test_a_durable_delivery_to_a_subscriber_that_is_gone_fails_loudly(db):
    with pytest.raises(LookupError):
        events.deliver("credit_bank.outcome_recognised", {}, "nowhere.handler")


def test_a_durable_event_with_no_subscribers_queues_nothing(db):
    before = delivery_tasks().count()
    events.publish("credit_bank.nobody_listens", {"x": 1}, durable=True)
    assert delivery_tasks().count() == before
