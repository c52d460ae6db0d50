"""Real-name verification and the ways to sign in besides a password: SMS one-time codes,
TOTP second factors for staff, and links to the city's unified login (OpenID Connect)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SmsChallenge(models.Model):
    """One SMS one-time code. The phone is kept only as a blind index (and, for a
    verification, sealed so it can be bound once the code is confirmed); the code only as a
    keyed hash. A challenge is also written for a number no account uses, so requests for
    registered and unregistered numbers look and throttle the same."""

    class Purpose(models.TextChoices):
        VERIFY = "verify", _("实名核验")
        LOGIN = "login", _("短信登录")
        RECOVERY = "recovery", _("找回密码")

    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    phone_index = models.CharField(max_length=64, db_index=True)
    # Only for VERIFY: the number to bind to the person once the code is confirmed.
    phone_sealed = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    code_salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["phone_index", "purpose", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose__in=["verify", "login", "recovery"]),
                name="smschallenge_purpose_known",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="smschallenge_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=~models.Q(purpose="verify") | models.Q(user__isnull=False),
                name="smschallenge_verify_has_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class TotpDevice(models.Model):
    """An authenticator app enrolled as a second factor. The shared secret is sealed; the
    last accepted time step is kept so that a code is never accepted twice. A replacement
    being enrolled waits in `pending_secret_sealed` while the active secret stays in force;
    an administrator's reset (a lost phone) clears the secrets and sets `reset_at` until a
    new device is confirmed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret_sealed = models.TextField(blank=True)
    pending_secret_sealed = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)
    reset_at = models.DateTimeField(_("重置时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("动态口令设备")
        verbose_name_plural = _("动态口令设备")
        constraints = [
            # An active device always has a secret; a replacement only waits beside one.
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | ~models.Q(secret_sealed=""),
                name="totpdevice_active_has_secret",
            ),
            models.CheckConstraint(
                condition=models.Q(pending_secret_sealed="") | models.Q(confirmed_at__isnull=False),
                name="totpdevice_pending_beside_active",
            ),
        ]

    def __str__(self) -> str:
        return f"totp ({self.user_id})"


class OidcIdentity(models.Model):
    """A person's identity at the city's unified login (issuer + subject), linked to the
    account it signs in."""

    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identities"
    )
    created_at = models.DateTimeField()
    last_login_at = models.DateTimeField()

    class Meta:
        verbose_name = _("统一身份认证账号")
        verbose_name_plural = _("统一身份认证账号")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidcidentity_unique_sub"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
