"""Notifications to people: one call, `notify`, whatever the channel.

    notify(recipient_id=str(person.id), template="waitlist_promoted",
           context={"offering": "太极拳（初级班）"})

The message is rendered from a template of this module's registry, in Chinese and English, then
handed to every backend listed in `settings.NOTIFICATION_BACKENDS` (dotted paths) that handles
one of the requested channels: "in_app", "sms", "wechat".

Backends that write to our own database (the in-app inbox) write at once, inside the caller's
transaction, so the message exists exactly when the change it announces does. Backends that
leave the machine (SMS, WeChat, and the logging stand-in for them) run only after the caller's
transaction commits: a rolled-back lottery must never text anyone. In a test that runs inside a
transaction, wrap the call in `django_capture_on_commit_callbacks(execute=True)` to see them.
"""

from __future__ import annotations

import abc
import datetime as dt
import functools
import json
import logging
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from lifelong.shared import clock
from lifelong.shared.models import Notification

logger = logging.getLogger(__name__)

IN_APP = "in_app"
SMS = "sms"
WECHAT = "wechat"
CHANNELS = frozenset({IN_APP, SMS, WECHAT})


# ---- Templates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """Format strings with named fields. A field listed in `choices` takes one of a few fixed
    values from the caller (e.g. a lottery's outcome) and is shown as that value's wording in
    each language."""

    title_zh: str
    body_zh: str
    title_en: str
    body_en: str
    choices: Mapping[str, Mapping[str, tuple[str, str]]] = field(default_factory=dict)

    def fields(self) -> set[str]:
        names: set[str] = set()
        for text in (self.title_zh, self.body_zh, self.title_en, self.body_en):
            names.update(f for _, f, _, _ in string.Formatter().parse(text) if f)
        return names


TEMPLATES: dict[str, Template] = {
    "waitlist_promoted": Template(
        title_zh="候补成功",
        body_zh="您候补的「{offering}」有了空位，已为您转为正式报名。",
        title_en="Off the waiting list",
        body_en="A place opened up in “{offering}”: you are now enrolled.",
    ),
    "lottery_result": Template(
        title_zh="摇号结果",
        body_zh="您报名的「{offering}」摇号结果：{outcome}。",
        title_en="Lottery result",
        body_en="The lottery for “{offering}” is drawn: {outcome}.",
        choices={
            "outcome": {
                "won": ("已中签，报名成功", "you have a place"),
                "waitlisted": (
                    "未中签，已进入候补名单",
                    "no place yet; you are on the waiting list",
                ),
                "lost": ("未中签", "no place this time"),
            }
        },
    ),
    "refund_processed": Template(
        title_zh="退款已办理",
        body_zh="「{item}」的退款 {amount} 元已办理。",
        title_en="Refund processed",
        body_en="Your refund of CNY {amount} for “{item}” has been processed.",
    ),
    "verification_code": Template(
        title_zh="验证码",
        body_zh="您的验证码是 {code}，{minutes} 分钟内有效。请勿告诉他人。",
        title_en="Verification code",
        body_en="Your verification code is {code}, valid for {minutes} minutes. Do not share it.",
    ),
    "data_export_ready": Template(
        title_zh="个人数据导出已完成",
        body_zh="您申请导出的个人数据已准备好，请在 {days} 天内登录下载。",
        title_en="Your data export is ready",
        body_en="The copy of your personal data you asked for is ready. Sign in within {days} "
        "days to download it.",
    ),
}


def register_template(name: str, template: Template) -> None:
    """Add a domain's own template to the registry (from its `AppConfig.ready()`). Registering
    the same template again is harmless; another one under a taken name is a mistake."""
    existing = TEMPLATES.setdefault(name, template)
    if existing != template:
        raise ValueError(f"通知模板 {name} 已存在 / Template {name} is already registered")


@dataclass(frozen=True)
class Message:
    """A rendered notification, and the channels it was asked to go through."""

    recipient_id: str
    template: str
    context: dict[str, Any]
    title_zh: str
    body_zh: str
    title_en: str
    body_en: str
    channels: frozenset[str]


@dataclass(frozen=True)
class RenderedText:
    title: str
    body: str


def render(template: str, context: Mapping[str, Any], language: str = "zh-hans") -> RenderedText:
    """The title and body of `template` in `language` ("zh-hans" or "en")."""
    spec = TEMPLATES.get(template)
    if spec is None:
        raise ValueError(f"未知的通知模板 / Unknown notification template {template!r}")
    missing = spec.fields() - set(context)
    if missing:
        raise ValueError(
            f"通知模板 {template} 缺少字段 / Template {template} needs {sorted(missing)}"
        )
    english = language.lower().startswith("en")
    values = {name: context[name] for name in spec.fields()}
    for name, options in spec.choices.items():
        wording = options.get(str(context[name]))
        if wording is None:
            raise ValueError(
                f"通知模板 {template} 的字段 {name} 只能是 / "
                f"Template {template} field {name} must be one of {sorted(options)}"
            )
        values[name] = wording[1] if english else wording[0]
    if english:
        return RenderedText(spec.title_en.format(**values), spec.body_en.format(**values))
    return RenderedText(spec.title_zh.format(**values), spec.body_zh.format(**values))


# ---- Backends --------------------------------------------------------------------------------


class NotificationBackend(abc.ABC):
    """A way of reaching people. `channels` names the channels it serves; `after_commit` says
    whether it must wait for the caller's transaction (anything that leaves the database)."""

    channels: ClassVar[frozenset[str]] = frozenset()
    after_commit: ClassVar[bool] = True

    @abc.abstractmethod
    def send(self, message: Message, channels: frozenset[str]) -> None:
        """Deliver `message` through `channels` (those requested that this backend serves)."""


class InAppBackend(NotificationBackend):
    """The in-app inbox: a `Notification` row, written in the caller's transaction."""

    channels = frozenset({IN_APP})
    after_commit = False

    def send(self, message: Message, channels: frozenset[str]) -> None:
        Notification.objects.create(
            recipient_id=message.recipient_id,
            template=message.template,
            title=message.title_zh,
            body=message.body_zh,
            context=message.context,
        )


@dataclass(frozen=True)
class OutboxEntry:
    channel: str
    message: Message


outbox: list[OutboxEntry] = []
"""What `LoggingBackend` sent, in order, for tests to read (and `clear()`)."""


class LoggingBackend(NotificationBackend):
    """Development and test stand-in for the SMS and WeChat gateways: logs every channel and
    appends to the module's `outbox`."""

    channels = CHANNELS
    outbox = outbox

    def send(self, message: Message, channels: frozenset[str]) -> None:
        for channel in sorted(channels):
            logger.info(
                "notify %s via %s: %s — %s",
                message.recipient_id,
                channel,
                message.title_zh,
                message.body_zh,
            )
            outbox.append(OutboxEntry(channel, message))


@functools.cache
def _load_backends(paths: tuple[str, ...]) -> tuple[NotificationBackend, ...]:
    backends = []
    for path in paths:
        cls = import_string(path.strip())
        if not (isinstance(cls, type) and issubclass(cls, NotificationBackend)):
            raise TypeError(f"{path} is not a NotificationBackend")
        backends.append(cls())
    return tuple(backends)


def backends() -> tuple[NotificationBackend, ...]:
    """The configured backends, one instance each per process and setting."""
    return _load_backends(tuple(p for p in settings.NOTIFICATION_BACKENDS if p.strip()))


# ---- The one entry point ---------------------------------------------------------------------


def notify(
    *,
    recipient_id: str,
    template: str,
    context: dict[str, Any],
    channels: Iterable[str] = (IN_APP, SMS, WECHAT),
) -> Message:
    """Render `template` with `context` for `recipient_id` and send it through every requested
    channel a configured backend serves. Raises ValueError for an unknown template or channel
    or a missing field, TypeError for a context that is not JSON (it is stored)."""
    if not isinstance(recipient_id, str) or not recipient_id.strip():
        raise ValueError("通知必须有接收人 / A notification needs a recipient")
    wanted = frozenset(channels)
    unknown = wanted - CHANNELS
    if unknown:
        raise ValueError(f"未知的通知渠道 / Unknown channels {sorted(unknown)}")
    try:
        stored_context = json.loads(json.dumps(context, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"通知内容必须可序列化为 JSON / The context must be JSON: {exc}") from exc
    zh = render(template, context, "zh-hans")
    en = render(template, context, "en")
    message = Message(
        recipient_id=recipient_id,
        template=template,
        context=stored_context,
        title_zh=zh.title,
        body_zh=zh.body,
        title_en=en.title,
        body_en=en.body,
        channels=wanted,
    )
    served: set[str] = set()
    for backend in backends():
        mine = wanted & backend.channels
        if not mine:
            continue
        served |= mine
        if backend.after_commit:
            transaction.on_commit(functools.partial(_send_quietly, backend, message, mine))
        else:
            backend.send(message, mine)
    if wanted - served:
        logger.warning(
            "No notification backend serves %s; %s to %s not sent there",
            sorted(wanted - served),
            template,
            recipient_id,
        )
    return message


def _send_quietly(backend: NotificationBackend, message: Message, channels: frozenset[str]) -> None:
    # After the commit the caller's work is done and cannot be undone; a gateway that is down
    # must not turn that into an error page. The failure is logged for operators to resend.
    try:
        backend.send(message, channels)
    except Exception:
        logger.exception(
            "%s failed to send %s to %s",
            type(backend).__name__,
            message.template,
            message.recipient_id,
        )


# ---- The in-app inbox ------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxItem:
    id: int
    template: str
    title: str
    body: str
    created_at: dt.datetime
    read: bool


def list_inbox(*, recipient_id: str, unread_only: bool = False, limit: int = 50) -> list[InboxItem]:
    """The newest notifications of one person."""
    rows = Notification.objects.filter(recipient_id=recipient_id)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return [
        InboxItem(n.id, n.template, n.title, n.body, n.created_at, n.read_at is not None)
        for n in rows[:limit]
    ]


def mark_read(*, recipient_id: str, notification_id: int) -> bool:
    """Mark one of the person's own notifications read. False if there is no such unread
    notification of theirs (someone else's id changes nothing)."""
    updated = Notification.objects.filter(
        id=notification_id, recipient_id=recipient_id, read_at__isnull=True
    ).update(read_at=clock.now())
    return updated == 1
