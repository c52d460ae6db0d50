"""Signing in and out: by password (with the staff TOTP second factor as a second step), by an
SMS code, and recovering an account by a code to its phone. Each view parses the form, calls
one function of identity's api, and renders or redirects."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lifelong.identity import api as identity
from lifelong.portal.web import (
    ENTER_SMS_CODE,
    SIX_DIGITS,
    FormError,
    apply_account_display,
    bilingual,
    error_status,
    form_error,
    form_error_from,
    safe_next,
    typed_code,
)
from lifelong.shared import clock, context
from lifelong.shared.errors import DomainError

# The password step leaves the account half signed in for this long: enough to open an
# authenticator app, too short to leave a usable half-login on a shared computer.
SECOND_STEP_SECONDS = 300
PENDING_LOGIN = "portal.pending_login"

ENTER_SIX_DIGITS = "请输入6位数字动态口令 / Enter the 6-digit code from your authenticator app"
SECOND_STEP_EXPIRED = (
    "登录已超时，请重新输入用户名和密码 / The sign-in timed out; "
    "enter your username and password again"
)
OTP_NEEDED = (
    "该账号已启用动态口令，请同时输入身份验证器中的6位动态口令 / This account uses a "
    "one-time password: also enter the 6-digit code from your authenticator app"
)
PASSWORDS_DIFFER = "两次输入的新密码不一致 / The two new passwords do not match"
PASSWORD_RULES = "新密码不符合要求 / The new password does not meet the requirements"
PASSWORD_RESET = "密码已重设，请用新密码登录 / Your password has been reset; sign in with it"
ENROL_AGAIN = (
    "管理员已重置您的动态口令设备，请现在登记新的身份验证器 / An administrator reset your "
    "authenticator; enrol a new one now"
)

GET_OR_POST = ["GET", "HEAD", "POST"]


def _sign_in(request: HttpRequest, user, next_url: str) -> HttpResponse:
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    if identity.totp_enrolment_required(user):
        # After a lost device was reset, sign-in is by password alone until a new one is
        # enrolled: lead there first rather than wherever `next` pointed.
        messages.warning(request, ENROL_AGAIN)
        next_url = reverse("portal:security")
    response = HttpResponseRedirect(next_url)
    apply_account_display(response, request, identity.prefers_elder_mode(user))
    return response


def _login_page(
    request: HttpRequest,
    *,
    error: FormError | None = None,
    username: str = "",
    next_url: str | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "portal/login.html",
        {
            "error": error,
            "username": username,
            "next": safe_next(request, "") if next_url is None else next_url,
            "oidc_enabled": identity.oidc_enabled(),
        },
        status=status,
    )


# ---- password, then the second factor -------------------------------------------------------


@require_http_methods(GET_OR_POST)
def login_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _login_page(request)
    username = request.POST.get("username", "").strip()
    try:
        user = identity.check_credentials(
            username=username, password=request.POST.get("password", ""), ip=context.client_ip()
        )
    except DomainError as exc:
        return _login_page(
            request,
            error=form_error_from(exc, "username", "password"),
            username=username,
            status=error_status(exc),
        )
    next_url = safe_next(request, "/me/")
    if identity.has_second_factor(user):
        _begin_second_step(request, user, next_url)
        return HttpResponseRedirect(reverse("portal:login_otp"))
    return _sign_in(request, user, next_url)


def _begin_second_step(request: HttpRequest, user, next_url: str) -> None:
    """Remember, in the still anonymous session, whose password was right. The hash of the
    password goes with it, so a password reset in between ends the half-login too."""
    request.session[PENDING_LOGIN] = {
        "user_id": user.pk,
        "auth_hash": user.get_session_auth_hash(),
        "expires": clock.now().timestamp() + SECOND_STEP_SECONDS,
        "next": next_url,
    }


def _pending_user(pending: Any):
    """The user the password step let through, if that step is still valid."""
    if not isinstance(pending, dict) or pending.get("expires", 0) <= clock.now().timestamp():
        return None
    user_id = pending.get("user_id")
    if not isinstance(user_id, int):
        return None
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not constant_time_compare(
        user.get_session_auth_hash(), pending.get("auth_hash", "")
    ):
        return None
    return user


def _second_step_page(
    request: HttpRequest, user, *, error: FormError | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "portal/login_otp.html",
        {"error": error, "username": user.get_username()},
        status=status,
    )


@never_cache
@require_http_methods(GET_OR_POST)
def login_otp(request: HttpRequest) -> HttpResponse:
    """The second step of a password login for accounts with an authenticator app. Nobody is
    signed in until the code checks out."""
    pending = request.session.get(PENDING_LOGIN)
    if pending is None:
        return HttpResponseRedirect(reverse("portal:login"))
    user = _pending_user(pending)
    if user is None:
        del request.session[PENDING_LOGIN]
        return _login_page(
            request,
            error=form_error(SECOND_STEP_EXPIRED, "username", "password"),
            next_url=pending.get("next", "") if isinstance(pending, dict) else "",
        )
    if request.method != "POST":
        return _second_step_page(request, user)
    otp = typed_code(request.POST.get("otp"))
    if not SIX_DIGITS.fullmatch(otp):
        error = form_error(ENTER_SIX_DIGITS, "otp")
        return _second_step_page(request, user, error=error, status=422)
    try:
        identity.check_second_factor(user, otp)
    except DomainError as exc:
        if exc.status == 429:
            # Locked out: the password step must be done again once the lock has passed.
            del request.session[PENDING_LOGIN]
        error = form_error_from(exc, "otp")
        return _second_step_page(request, user, error=error, status=error_status(exc))
    del request.session[PENDING_LOGIN]
    return _sign_in(request, user, pending["next"])


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect("/")


# ---- by SMS code ----------------------------------------------------------------------------


@require_http_methods(GET_OR_POST)
def sms_login(request: HttpRequest) -> HttpResponse:
    """Step "phone" asks for a code (the same answer whether or not the number has an
    account); step "code" signs in with it, and with a one-time password for accounts that
    have an authenticator app."""
    page: dict[str, Any] = {"step": "phone", "phone": "", "code": "", "need_otp": False}
    status = 200
    if request.method == "POST":
        page["phone"] = phone = request.POST.get("phone", "").strip()
        if request.POST.get("step") == "code":
            page["step"] = "code"
            code = typed_code(request.POST.get("code"))
            otp = typed_code(request.POST.get("otp")) or None
            if not SIX_DIGITS.fullmatch(code):
                page["error"], status = form_error(ENTER_SMS_CODE, "code"), 422
            else:
                try:
                    user = identity.login_with_sms_code(phone, code, otp)
                except DomainError as exc:
                    status = error_status(exc)
                    if exc.code in ("otp_required", "otp_invalid"):
                        page["need_otp"], page["code"] = True, code
                        message = OTP_NEEDED if exc.code == "otp_required" else exc.message
                        page["error"] = form_error(message, "otp")
                    else:
                        page["error"] = form_error_from(exc, "code")
                else:
                    return _sign_in(request, user, safe_next(request, "/me/"))
        else:
            try:
                sent = identity.request_login_code(phone)
            except DomainError as exc:
                page["error"], status = form_error_from(exc, "phone"), error_status(exc)
            else:
                page["step"], page["notice"] = "code", bilingual(sent.message)
    page["next"] = safe_next(request, "")
    return render(request, "portal/sms_login.html", page, status=status)


# ---- account recovery -----------------------------------------------------------------------


@require_http_methods(GET_OR_POST)
def recover(request: HttpRequest) -> HttpResponse:
    """Step "phone" sends a recovery code to the account's phone (the same answer whether or
    not one uses it); step "reset" sets the new password, typed twice."""
    page: dict[str, Any] = {
        "step": "phone",
        "phone": "",
        "password_rules": password_validators_help_texts(),
    }
    status = 200
    if request.method == "POST":
        page["phone"] = phone = request.POST.get("phone", "").strip()
        if request.POST.get("step") == "reset":
            page["step"] = "reset"
            new_password = request.POST.get("new_password1", "")
            if new_password != request.POST.get("new_password2", ""):
                page["error"], status = form_error(PASSWORDS_DIFFER, "new_password2"), 422
            else:
                try:
                    identity.recover_account(
                        phone, typed_code(request.POST.get("code")), new_password
                    )
                except DomainError as exc:
                    page["error"], status = _recovery_error(exc), error_status(exc)
                else:
                    messages.success(request, PASSWORD_RESET)
                    return HttpResponseRedirect(reverse("portal:login"))
        else:
            try:
                sent = identity.request_recovery_code(phone)
            except DomainError as exc:
                page["error"], status = form_error_from(exc, "phone"), error_status(exc)
            else:
                page["step"], page["notice"] = "reset", bilingual(sent.message)
    return render(request, "portal/recover.html", page, status=status)


def _recovery_error(exc: DomainError) -> FormError:
    if "new_password" in exc.fields:
        # Django's validators speak the reader's language; the headline is ours, in both.
        return form_error(
            PASSWORD_RULES, "new_password1", "new_password2", detail=exc.fields["new_password"]
        )
    return form_error_from(exc, "code")
