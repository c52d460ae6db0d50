"""The staff member's own authenticator app (TOTP second factor): enrol one, replace it with a
new phone, or switch it off. Each POST calls one function of identity's api; a new secret is
shown once, on the answer to the POST that made it, as a QR code and as text."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lifelong.identity import api as identity
from lifelong.portal.web import (
    SIX_DIGITS,
    FormError,
    error_status,
    form_error_from,
    typed_code,
)
from lifelong.shared.errors import DomainError, Invalid

ENTER_SIX_DIGITS = "请输入6位数字动态口令 / Enter the 6-digit code from your authenticator app"
ENTER_PASSWORD = "请输入登录密码 / Enter your password"
ACTIVATED = "动态口令已启用，今后登录需输入动态口令 / Your authenticator app is now active"
REPLACED = "新的身份验证器已启用，旧设备不再有效 / The new authenticator app is active"
DISABLED = "动态口令已关闭 / The one-time password has been switched off"
QR_LABEL = "动态口令二维码 / QR code of the one-time-password secret"


def _qr_svg(uri: str) -> str:
    # Inline markup, not a data: image or a script: the CSP allows it, and the secret never
    # leaves this response. A white background keeps it scannable in high-contrast mode.
    svg = segno.make(uri, error="m").svg_inline(scale=4, light="#fff", title=QR_LABEL)
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-caption" ', 1))  # noqa: S308


def _grouped(secret: str) -> str:
    """The secret in groups of four, as authenticator apps accept it typed."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _status(user) -> str:
    if identity.has_second_factor(user):
        return "active"
    if identity.totp_enrolment_required(user):
        return "reset"
    return "none"


def _code(request: HttpRequest) -> str:
    code = typed_code(request.POST.get("code"))
    if not SIX_DIGITS.fullmatch(code):
        raise Invalid(ENTER_SIX_DIGITS, fields={"code": ENTER_SIX_DIGITS})
    return code


def _password(request: HttpRequest) -> str:
    password = request.POST.get("password", "")
    if not password:
        raise Invalid(ENTER_PASSWORD, fields={"password": ENTER_PASSWORD})
    return password


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    """Step "enrol" (or "reenrol", with password and a current code) shows a new secret and
    the form to confirm it; "confirm" activates it; "disable" switches the device off."""
    actor = identity.actor_for_user(request.user)
    page: dict[str, Any] = {"may_enrol": bool(actor.grants_for(identity.TOTP_ROLES))}
    http_status = 200
    if request.method == "POST" and page["may_enrol"]:
        step = request.POST.get("step", "")
        error: FormError | None = None
        done = ""
        try:
            if step == "enrol":
                page["enrolment"] = identity.enrol_totp(actor=actor)
            elif step == "reenrol":
                password, code = _password(request), _code(request)
                page["enrolment"] = identity.reenrol_totp(actor=actor, password=password, code=code)
            elif step == "confirm":
                replacing = identity.has_second_factor(request.user)
                identity.confirm_totp(actor=actor, code=_code(request))
                done = REPLACED if replacing else ACTIVATED
            elif step == "disable":
                password, code = _password(request), _code(request)
                identity.disable_totp(actor=actor, password=password, code=code)
                done = DISABLED
            else:
                return HttpResponseRedirect(reverse("portal:security"))
        except DomainError as exc:
            error, http_status = form_error_from(exc, "code"), error_status(exc)
        if done:
            messages.success(request, done)
            return HttpResponseRedirect(reverse("portal:security"))
        page["error"], page["step"] = error, step
    page["status"] = _status(request.user)
    enrolment = page.get("enrolment")
    if enrolment is not None:
        page["qr_svg"] = _qr_svg(enrolment.otpauth_uri)
        page["secret_grouped"] = _grouped(enrolment.secret)
    # A refused confirmation keeps the confirm form: the app already holds the secret.
    page["confirming"] = enrolment is not None or (page.get("step") == "confirm")
    return render(request, "portal/security.html", page, status=http_status)
