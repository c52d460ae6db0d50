"""HTTP endpoints of real-name verification and of signing in without a password, under
/api/v1: SMS verification, in-person verification, login by SMS code, account recovery, and the
staff TOTP second factor (enrolment, replacement, switching off, an administrator's reset)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.conf import settings
from ninja import Router, Schema, Status
from pydantic import Field

from lifelong.identity import sign_in, totp, verification
from lifelong.identity.auth import BearerAuth
from lifelong.identity.sms_codes import CodeSent

router = Router(tags=["verification"])
bearer = BearerAuth()

PHONE = Field(min_length=1, max_length=20, description="大陆手机号 / mainland mobile number")
SMS_CODE = Field(
    pattern=r"^\s*\d{6}\s*$", max_length=10, description="6位短信验证码 / 6-digit code"
)
OTP = Field(None, max_length=10, description="动态口令 / TOTP code, for accounts that enrolled one")


class PhoneIn(Schema):
    phone: str = PHONE


class CodeIn(Schema):
    code: str = SMS_CODE


class SmsTokenIn(Schema):
    phone: str = PHONE
    code: str = SMS_CODE
    otp: str | None = OTP


class RecoveryConfirmIn(Schema):
    phone: str = PHONE
    code: str = SMS_CODE
    new_password: str = Field(min_length=1, max_length=256)


class InPersonIn(Schema):
    document_checked: str = Field(
        min_length=1,
        max_length=200,
        description="核验的证件，如“居民身份证原件” / the document checked",
    )


class TotpCodeIn(Schema):
    code: str = Field(pattern=r"^\s*\d{6}\s*$", max_length=10)


class TotpOwnerIn(Schema):
    password: str = Field(min_length=1, max_length=256, description="当前密码 / your password")
    code: str = Field(
        pattern=r"^\s*\d{6}\s*$",
        max_length=10,
        description="当前设备的动态口令 / a code from your current authenticator",
    )


class TotpResetIn(Schema):
    reason: str = Field(
        min_length=1,
        max_length=200,
        description="重置原因，如“手机遗失，本人到场申请” / why the device is reset",
    )


class CodeSentOut(Schema):
    message: str
    expires_in: int
    resend_after: int


class VerificationOut(Schema):
    person_id: UUID
    verification_level: str
    verified_at: dt.datetime | None
    phone_masked: str


class VerifiedTokenOut(Schema):
    token: str
    expires_in: int
    totp_enrolment_required: bool = Field(
        False,
        description="动态口令已被管理员重置，请重新绑定 / the authenticator was reset: enrol a new one",
    )


class MessageOut(Schema):
    message: str


class TotpEnrolmentOut(Schema):
    secret: str
    otpauth_uri: str


def _sent(sent: CodeSent) -> dict:
    return {
        "message": sent.message,
        "expires_in": sent.expires_in,
        "resend_after": sent.resend_after,
    }


def _verification_out(person) -> dict:
    return {
        "person_id": person.pk,
        "verification_level": person.verification_level,
        "verified_at": person.verified_at,
        "phone_masked": person.phone_masked,
    }


@router.post(
    "/me/verification/sms",
    response={202: CodeSentOut},
    auth=bearer,
    summary="Send a code to a phone registered to your ID number",
)
def start_sms_verification(request, payload: PhoneIn):
    sent = verification.start_sms_verification(actor=request.auth, phone=payload.phone)
    return Status(202, _sent(sent))


@router.post(
    "/me/verification/sms/confirm",
    response=VerificationOut,
    auth=bearer,
    summary="Echo the code: bind the phone and become SMS-verified",
)
def confirm_sms_verification(request, payload: CodeIn):
    person = verification.confirm_sms_verification(actor=request.auth, code=payload.code)
    return _verification_out(person)


@router.post(
    "/people/{person_id}/verification/in-person",
    response=VerificationOut,
    auth=bearer,
    summary="Record that you checked this person's identity document in person",
)
def verify_in_person(request, person_id: UUID, payload: InPersonIn):
    person = verification.verify_in_person(
        actor=request.auth, person_id=person_id, document_checked=payload.document_checked
    )
    return _verification_out(person)


@router.post(
    "/auth/sms",
    response={202: CodeSentOut},
    auth=None,
    summary="Ask for a login code (the same answer whether or not the number has an account)",
)
def request_login_code(request, payload: PhoneIn):
    return Status(202, _sent(sign_in.request_login_code(phone=payload.phone)))


@router.post(
    "/auth/sms/token",
    response=VerifiedTokenOut,
    auth=None,
    summary="Exchange a phone and its login code for a bearer token",
)
def sms_token(request, payload: SmsTokenIn):
    issued = sign_in.issue_api_token_by_sms(phone=payload.phone, code=payload.code, otp=payload.otp)
    return {
        "token": issued.token,
        "expires_in": settings.API_TOKEN_TTL_SECONDS,
        "totp_enrolment_required": issued.totp_enrolment_required,
    }


@router.post(
    "/auth/recovery",
    response={202: CodeSentOut},
    auth=None,
    summary="Ask for a recovery code to the account's phone (the same answer either way)",
)
def request_recovery_code(request, payload: PhoneIn):
    return Status(202, _sent(sign_in.request_recovery_code(phone=payload.phone)))


@router.post(
    "/auth/recovery/confirm",
    response=MessageOut,
    auth=None,
    summary="Set a new password with a recovery code; every API token is revoked",
)
def recover_account(request, payload: RecoveryConfirmIn):
    sign_in.recover_account(
        phone=payload.phone, code=payload.code, new_password=payload.new_password
    )
    return {
        "message": "密码已重设，请重新登录 / Your password has been reset; please sign in again"
    }


@router.post(
    "/me/totp",
    response={201: TotpEnrolmentOut},
    auth=bearer,
    summary="Enrol an authenticator app (staff); the secret is shown only this once",
)
def enrol_totp(request):
    enrolment = totp.enrol_totp(actor=request.auth)
    return Status(201, {"secret": enrolment.secret, "otpauth_uri": enrolment.otpauth_uri})


@router.post(
    "/me/totp/confirm",
    response=MessageOut,
    auth=bearer,
    summary="Activate the enrolled authenticator (or its replacement) with a code from it",
)
def confirm_totp(request, payload: TotpCodeIn):
    totp.confirm_totp(actor=request.auth, code=payload.code)
    return {
        "message": "动态口令已启用，今后登录需输入 / The one-time password is now required to sign in"
    }


@router.post(
    "/me/totp/reenrol",
    response={201: TotpEnrolmentOut},
    auth=bearer,
    summary="Start replacing your authenticator (password and a current code); "
    "the old one works until the new one is confirmed",
)
def reenrol_totp(request, payload: TotpOwnerIn):
    enrolment = totp.reenrol_totp(actor=request.auth, password=payload.password, code=payload.code)
    return Status(201, {"secret": enrolment.secret, "otpauth_uri": enrolment.otpauth_uri})


@router.post(
    "/me/totp/disable",
    response=MessageOut,
    auth=bearer,
    summary="Switch your authenticator off (password and a current code)",
)
def disable_totp(request, payload: TotpOwnerIn):
    totp.disable_totp(actor=request.auth, password=payload.password, code=payload.code)
    return {"message": "动态口令已停用 / The one-time password is switched off"}


@router.post(
    "/accounts/{username}/totp/reset",
    response=MessageOut,
    auth=bearer,
    summary="Reset the lost authenticator of a staff account you administer (audited; "
    "the owner is notified and enrols a new one at the next sign-in)",
)
def reset_totp(request, username: str, payload: TotpResetIn):
    totp.reset_totp(actor=request.auth, username=username, reason=payload.reason)
    return {
        "message": "动态口令已重置，该用户下次登录时需重新绑定 / The authenticator is reset; "
        "the user enrols a new one at the next sign-in"
    }
