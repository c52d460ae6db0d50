"""What every page view shares: messages in both languages, redirects that stay on the site,
the display-preference cookies, and the status a failed form answers with."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

from lifelong.portal.context_processors import (
    ELDER_COOKIE,
    ELDER_DEFAULT_TEXT_SIZE,
    TEXT_SIZE_COOKIE,
    html_lang,
    text_size_from,
)
from lifelong.shared.errors import DomainError

ONE_YEAR = 365 * 24 * 3600
SIX_DIGITS = re.compile(r"\d{6}")
ENTER_SMS_CODE = "请输入短信中的6位验证码 / Enter the 6-digit code from the text message"


def typed_code(raw: str | None) -> str:
    """A code as typed, without the spaces people copy from an app ("123 456") or add."""
    return "".join((raw or "").split())


def english() -> bool:
    return html_lang(get_language()) == "en"


@dataclass(frozen=True)
class MessagePart:
    lang: str
    text: str


def bilingual(message: str) -> list[MessagePart]:
    """Domain errors read "中文 / English"; show the reader's language first and mark each
    part's language so a screen reader speaks it with the right voice."""
    chinese, separator, english_part = str(message).partition(" / ")
    if not separator:
        return [MessagePart(lang="", text=str(message))]
    parts = [MessagePart(lang="zh-CN", text=chinese), MessagePart(lang="en", text=english_part)]
    return parts[::-1] if english() else parts


@dataclass(frozen=True)
class FormError:
    """What a refused form shows: the message in both languages, the fields to mark invalid,
    and detail in the reader's language alone (Django's password rules)."""

    parts: list[MessagePart]
    fields: frozenset[str]
    detail: str = ""


def form_error(message: str, *fields: str, detail: str = "") -> FormError:
    return FormError(bilingual(message), frozenset(fields), detail)


def form_error_from(exc: DomainError, *fallback_fields: str) -> FormError:
    """The error of a refused use case; its own fields are marked, else the fallback ones."""
    return form_error(exc.message, *(exc.fields or fallback_fields))


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` of the form or query if it stays on this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def set_pref_cookie(response: HttpResponse, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=ONE_YEAR,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )


def apply_account_display(response: HttpResponse, request: HttpRequest, elder: bool) -> None:
    """Signing in as an account that prefers elder mode turns it on (keeping a larger text size
    the visitor already chose)."""
    if not elder:
        return
    set_pref_cookie(response, ELDER_COOKIE, "1")
    if text_size_from(request.COOKIES) == "normal":
        set_pref_cookie(response, TEXT_SIZE_COOKIE, ELDER_DEFAULT_TEXT_SIZE)


def error_status(error: DomainError) -> int:
    # A 401 must carry a WWW-Authenticate challenge, which a sign-in form cannot answer; every
    # other refusal keeps its status (422 invalid input, 429 lockout) so monitoring sees it.
    return 200 if error.status == 401 else error.status
