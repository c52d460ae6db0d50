"""Verifiable credentials: signing keys per issuing organisation, issued credentials (Open
Badges 3.0 and CLR 2.0), their revocations and Bitstring Status Lists, and the Yangtze River
Delta exchange (trusted partner credit banks, the mutual recognition table, and credentials
imported from partners).

Issued and imported credentials, revocations and signing keys are append-only: the database
refuses UPDATE and DELETE on them. A revocation is a new row, never a change of the credential.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

STATUS_LIST_BITS = 131_072  # 16 KiB, the minimum size the Bitstring Status List spec allows


class SigningKey(models.Model):
    """The Ed25519 key an organisation signs credentials with, published as a did:key. The
    private key is sealed (AES-GCM, context "credit_bank.signing_key")."""

    organisation = models.OneToOneField(
        "identity.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签发机构"),
    )
    did = models.CharField(_("DID"), max_length=120, unique=True)
    verification_method = models.CharField(_("验证方法"), max_length=240, unique=True)
    public_key_multibase = models.CharField(_("公钥"), max_length=80)
    private_key_sealed = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("签名密钥")
        verbose_name_plural = _("签名密钥")

    def __str__(self) -> str:
        return self.did


class StatusList(models.Model):
    """One Bitstring Status List (revocation) of an issuing organisation. Its bits are not
    stored: bit i is set exactly when the credential holding index i has a revocation."""

    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(max_length=16, default="revocation")
    size = models.PositiveIntegerField(default=STATUS_LIST_BITS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("状态列表")
        verbose_name_plural = _("状态列表")
        constraints = [
            models.CheckConstraint(condition=Q(purpose="revocation"), name="statuslist_purpose"),
            models.CheckConstraint(
                condition=Q(size__gte=STATUS_LIST_BITS), name="statuslist_min_size"
            ),
        ]

    def __str__(self) -> str:
        return f"status list {self.pk}"


class Credential(models.Model):
    """A credential we issued. Its id, learner, achievement and status slot are fixed when it
    is issued; its proof may follow: a credential issued in bulk (an enterprise import) is
    stored with its unsigned document and `signed_at` empty, and is signed once, by the
    background signer or the first time anyone reads it (`credentials.signing`). Once signed,
    `document` is the JSON text served to anyone holding the id, exactly as signed; the
    database refuses any other change."""

    class Kind(models.TextChoices):
        OPEN_BADGE = "ob", _("开放徽章 OpenBadgeCredential")
        CLR = "clr", _("综合学习记录 ClrCredential")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=4, choices=Kind.choices)
    issuer_organisation = models.ForeignKey(
        "identity.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签发机构"),
    )
    # Indexes are few on purpose (an import adds a credential per row): the learner is
    # covered by credential_learner_kind, the status list by credential_status_slot and an
    # outcome's badge by credential_one_badge_per_outcome.
    learner = models.ForeignKey(
        "identity.Person",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("学习者"),
    )
    # The certified outcome this Open Badge attests (empty for a transcript).
    outcome_id = models.CharField(max_length=64, blank=True)
    name = models.CharField(_("名称"), max_length=300)
    code = models.CharField(_("标准代码"), max_length=100, blank=True)
    credits = models.DecimalField(_("学分"), null=True, blank=True, max_digits=7, decimal_places=2)
    # For a transcript: the audience it was exported for (a partner code), if any.
    audience = models.CharField(max_length=40, blank=True)
    # Read it only through `credentials.signing`, which signs a pending credential first.
    document = models.TextField(editable=False)
    status_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status_index = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("签发时间"))
    # When the proof was added; empty while it is pending (`document` is then unsigned).
    signed_at = models.DateTimeField(_("签名时间"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("可验证凭证")
        verbose_name_plural = _("可验证凭证")
        indexes = [
            models.Index(fields=["learner", "kind"], name="credential_learner_kind"),
            models.Index(
                fields=["issued_at"],
                condition=Q(signed_at__isnull=True),
                name="credential_pending_proof",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["ob", "clr"]), name="credential_kind"),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="credential_status_slot"
            ),
            models.UniqueConstraint(
                fields=["outcome_id"],
                condition=Q(kind="ob") & ~Q(outcome_id=""),
                name="credential_one_badge_per_outcome",
            ),
            models.CheckConstraint(
                condition=Q(kind="clr") | ~Q(outcome_id=""), name="credential_badge_has_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.pk})"


class Revocation(models.Model):
    """The revocation of one issued credential (sets its bit in the status list)."""

    credential = models.OneToOneField(
        Credential, on_delete=models.PROTECT, related_name="revocation"
    )
    reason = models.CharField(_("撤销原因"), max_length=500)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"))

    class Meta:
        verbose_name = _("凭证撤销")
        verbose_name_plural = _("凭证撤销")

    def __str__(self) -> str:
        return f"revocation of {self.credential_id}"


class Partner(models.Model):
    """A trusted partner credit bank of the Yangtze River Delta (长三角) exchange: its DID and
    the public key its credentials must be signed with."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    province = models.CharField(_("省市"), max_length=40)
    did = models.CharField(_("DID"), max_length=240, unique=True)
    verification_method = models.CharField(_("验证方法"), max_length=400, unique=True)
    public_key_multibase = models.CharField(_("公钥"), max_length=80)
    active = models.BooleanField(_("有效"), default=True)
    registered_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("合作学分银行")
        verbose_name_plural = _("合作学分银行")

    def __str__(self) -> str:
        return self.name


class RecognitionRule(models.Model):
    """Mutual recognition (互认): a partner's standard counts as one of ours. An imported
    credential of that partner standard is deposited as an outcome certified against ours,
    carrying our standard's credits."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="recognitions")
    partner_standard_code = models.CharField(_("对方标准代码"), max_length=100)
    partner_standard_name = models.CharField(_("对方标准名称"), max_length=200)
    standard_code = models.CharField(_("本市标准代码"), max_length=40)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner", "partner_standard_code"]
        verbose_name = _("互认规则")
        verbose_name_plural = _("互认规则")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "partner_standard_code"], name="recognition_one_per_standard"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.partner_standard_code} → {self.standard_code}"


class ImportedCredential(models.Model):
    """A partner-signed credential, verified and deposited with its provenance."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="imports")
    learner = models.ForeignKey(
        "identity.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("学习者")
    )
    credential_id = models.CharField(_("凭证编号"), max_length=300)
    document = models.TextField(editable=False)
    document_hash = models.CharField(max_length=64)
    achievement_code = models.CharField(_("对方标准代码"), max_length=100, blank=True)
    achievement_name = models.CharField(_("成果名称"), max_length=300)
    credits = models.DecimalField(
        _("对方学分"), null=True, blank=True, max_digits=7, decimal_places=2
    )
    recognition = models.ForeignKey(
        RecognitionRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recognised_credits = models.DecimalField(
        _("认定学分"), null=True, blank=True, max_digits=7, decimal_places=2
    )
    # The outcome deposited in the learner's archive, when the archive took it.
    outcome_id = models.CharField(max_length=64, blank=True)
    verified_at = models.DateTimeField(_("验证时间"))
    imported_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-verified_at"]
        verbose_name = _("互认导入凭证")
        verbose_name_plural = _("互认导入凭证")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "credential_id"], name="import_once_per_credential"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.credential_id}"
