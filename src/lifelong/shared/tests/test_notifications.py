"""One interface reaches people on every channel: the in-app inbox is written with the change
it announces; SMS and WeChat leave only after the change has committed."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction
from django.test import override_settings

from lifelong.shared import notifications
from lifelong.shared.models import Notification
from lifelong.shared.notifications import (
    IN_APP,
    SMS,
    WECHAT,
    NotificationBackend,
    list_inbox,
    mark_read,
    notify,
    outbox,
    render,
)

SAMPLE_CONTEXTS = {
    "waitlist_promoted": {"offering": "太极拳（初级班）"},
    "lottery_result": {"offering": "书法（提高班）", "outcome": "won"},
    "refund_processed": {"item": "油画基础课", "amount": "1280.00"},
    "verification_code": {"code": "482913", "minutes": 5},
    "data_export_ready": {"days": 7},
}


class Rollback(Exception):
    pass


class BrokenGateway(NotificationBackend):
    channels = frozenset({SMS})

    def send(self, message, channels):
        raise ConnectionError("gateway down")


class NotABackend:
    pass


@pytest.fixture(autouse=True)
def empty_outbox():
    outbox.clear()
    yield
    outbox.clear()


def test_in_app_message_is_in_the_inbox_within_the_same_transaction(db):
    notify(
        recipient_id="p1",
        template="waitlist_promoted",
        context=SAMPLE_CONTEXTS["waitlist_promoted"],
    )
    row = Notification.objects.get(recipient_id="p1")
    assert row.template == "waitlist_promoted"
    assert row.title == "候补成功"
    assert "太极拳（初级班）" in row.body and "正式报名" in row.body
    assert row.context == {"offering": "太极拳（初级班）"}
    assert row.read_at is None


def test_sms_and_wechat_leave_only_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient_id="p1",
            template="refund_processed",
            context=SAMPLE_CONTEXTS["refund_processed"],
        )
        assert outbox == []
    assert sorted(e.channel for e in outbox) == [IN_APP, SMS, WECHAT]
    assert all("1280.00" in e.message.body_zh for e in outbox)


def test_nothing_is_sent_or_stored_when_the_transaction_rolls_back(
    db, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        notify(
            recipient_id="p1",
            template="lottery_result",
            context=SAMPLE_CONTEXTS["lottery_result"],
        )
        assert Notification.objects.filter(recipient_id="p1").exists()
        raise Rollback
    assert callbacks == []
    assert outbox == []
    assert not Notification.objects.filter(recipient_id="p1").exists()


def test_only_the_requested_channels_are_used(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient_id="p1",
            template="verification_code",
            context=SAMPLE_CONTEXTS["verification_code"],
            channels=(SMS,),
        )
    assert [e.channel for e in outbox] == [SMS]
    assert "482913" in outbox[0].message.body_zh
    assert not Notification.objects.filter(recipient_id="p1").exists()


@override_settings(NOTIFICATION_BACKENDS=["lifelong.shared.notifications.InAppBackend"])
def test_only_the_configured_backends_are_used(db, django_capture_on_commit_callbacks, caplog):
    with (
        caplog.at_level(logging.WARNING, logger="lifelong.shared.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(recipient_id="p1", template="data_export_ready", context={"days": 7})
    assert outbox == []
    assert Notification.objects.filter(recipient_id="p1").count() == 1
    # Nobody serves SMS or WeChat here; operators must be able to see that.
    assert any("sms" in r.getMessage() and "wechat" in r.getMessage() for r in caplog.records)


@override_settings(
    NOTIFICATION_BACKENDS=[
        "lifelong.shared.tests.test_notifications.BrokenGateway",
        "lifelong.shared.notifications.LoggingBackend",
    ]
)
def test_a_gateway_failing_after_commit_is_logged_not_raised(
    db, django_capture_on_commit_callbacks, caplog
):
    with (
        caplog.at_level(logging.ERROR, logger="lifelong.shared.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(
            recipient_id="p1",
            template="waitlist_promoted",
            context=SAMPLE_CONTEXTS["waitlist_promoted"],
        )
    assert any("BrokenGateway" in r.getMessage() for r in caplog.records)
    assert {e.channel for e in outbox} == {IN_APP, SMS, WECHAT}


@override_settings(NOTIFICATION_BACKENDS=["lifelong.shared.tests.test_notifications.NotABackend"])
def test_a_configured_class_that_is_not_a_backend_is_refused(db):
    with pytest.raises(TypeError):
        notify(recipient_id="p1", template="data_export_ready", context={"days": 7})


def test_the_kernels_own_templates_render_in_both_languages():
    assert set(SAMPLE_CONTEXTS) <= set(notifications.TEMPLATES)
    for name, context in SAMPLE_CONTEXTS.items():
        for language in ("zh-hans", "en"):
            rendered = render(name, context, language)
            assert rendered.title and rendered.body
            assert "{" not in rendered.title + rendered.body
    assert render("refund_processed", SAMPLE_CONTEXTS["refund_processed"], "en").body == (
        "Your refund of CNY 1280.00 for “油画基础课” has been processed."
    )


def test_every_registered_template_uses_only_the_fields_it_is_given():
    # Domains add their own templates to the registry; each must render in both languages
    # from its named fields alone (a stray brace or a positional field would break it).
    for name, template in notifications.TEMPLATES.items():
        context = {field: f"<{field}>" for field in template.fields()}
        for field, options in template.choices.items():
            context[field] = next(iter(options))
        for language in ("zh-hans", "en"):
            rendered = render(name, context, language)
            assert rendered.title and rendered.body, name
            for field in template.fields() - set(template.choices):
                assert f"<{field}>" in rendered.title + rendered.body, (name, field)


def test_registering_a_template_twice_must_not_change_it():
    template = notifications.TEMPLATES["waitlist_promoted"]
    notifications.register_template("waitlist_promoted", template)
    with pytest.raises(ValueError):
        notifications.register_template(
            "waitlist_promoted",
            notifications.Template(title_zh="x", body_zh="x", title_en="x", body_en="x"),
        )
    assert notifications.TEMPLATES["waitlist_promoted"] is template


@pytest.mark.parametrize(
    "outcome, zh, en",
    [
        ("won", "已中签", "you have a place"),
        ("waitlisted", "候补", "waiting list"),
        ("lost", "未中签", "no place this time"),
    ],
)
def test_a_lottery_outcome_is_worded_in_each_language(outcome, zh, en):
    context = {"offering": "书法（提高班）", "outcome": outcome}
    assert zh in render("lottery_result", context, "zh-hans").body
    assert en in render("lottery_result", context, "en").body


def test_an_unknown_lottery_outcome_is_refused(db):
    with pytest.raises(ValueError):
        notify(
            recipient_id="p1",
            template="lottery_result",
            context={"offering": "x", "outcome": "maybe"},
        )


def test_an_unknown_template_is_refused(db):
    with pytest.raises(ValueError):
        notify(recipient_id="p1", template="no_such_template", context={})


def test_a_missing_field_is_refused_before_anything_is_stored(db):
    with pytest.raises(ValueError, match="offering"):
        notify(recipient_id="p1", template="waitlist_promoted", context={})
    assert not Notification.objects.filter(recipient_id="p1").exists()


def test_an_unknown_channel_is_refused(db):
    with pytest.raises(ValueError):
        notify(
            recipient_id="p1", template="data_export_ready", context={"days": 7}, channels=("fax",)
        )


@pytest.mark.parametrize("recipient", ["", "   "])
def test_a_notification_needs_a_recipient(db, recipient):
    with pytest.raises(ValueError):
        notify(recipient_id=recipient, template="data_export_ready", context={"days": 7})


def test_a_context_that_cannot_be_stored_as_json_is_refused(db):
    with pytest.raises(TypeError):
        notify(recipient_id="p1", template="data_export_ready", context={"days": {1, 2}})


def test_the_inbox_lists_newest_first_and_marks_read_only_ones_own(db):
    for days in (1, 2, 3):
        notify(
            recipient_id="p1",
            template="data_export_ready",
            context={"days": days},
            channels=(IN_APP,),
        )
    notify(recipient_id="p2", template="data_export_ready", context={"days": 9}, channels=(IN_APP,))
    inbox = list_inbox(recipient_id="p1")
    assert [("3 天" in item.body) for item in inbox] == [True, False, False]
    newest = inbox[0]

    assert mark_read(recipient_id="p2", notification_id=newest.id) is False
    assert mark_read(recipient_id="p1", notification_id=newest.id) is True
    assert mark_read(recipient_id="p1", notification_id=newest.id) is False

    assert [item.id for item in list_inbox(recipient_id="p1", unread_only=True)] == [
        item.id for item in inbox[1:]
    ]
    assert list_inbox(recipient_id="p1")[0].read is True
    assert len(list_inbox(recipient_id="p2")) == 1
