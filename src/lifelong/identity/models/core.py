"""People, accounts, organisations, memberships with roles and data scopes, API tokens."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    COMMISSION = "commission", _("教育委员会")
    DISTRICT_BUREAU = "district_bureau", _("区教育局")
    STREET_OFFICE = "street_office", _("街道/镇")
    COMMUNITY_COLLEGE = "community_college", _("社区学院")
    COMMUNITY_SCHOOL = "community_school", _("社区学校")
    SENIOR_UNIVERSITY = "senior_university", _("老年大学")
    UNIVERSITY = "university", _("高校")
    OPEN_UNIVERSITY = "open_university", _("开放大学")
    ENTERPRISE = "enterprise", _("企业")
    TRAINING_INSTITUTION = "training_institution", _("培训机构")
    EXPERIENCE_BASE = "experience_base", _("体验基地")
    ASSOCIATION = "association", _("协会")
    CREDIT_BANK = "credit_bank", _("学分银行")
    BANK = "bank", _("银行")


class Role(models.TextChoices):
    CITIZEN = "citizen", _("市民")
    TEACHER = "teacher", _("教师")
    VOLUNTEER = "volunteer", _("志愿者")
    SCHOOL_STAFF = "school_staff", _("学校工作人员")
    DISTRICT_OFFICER = "district_officer", _("区教育局工作人员")
    COMMISSION_OFFICER = "commission_officer", _("市教委工作人员")
    CREDIT_BANK_OFFICER = "credit_bank_officer", _("学分银行工作人员")
    REGULATOR = "regulator", _("培训市场监管人员")
    ENTERPRISE_HR = "enterprise_hr", _("企业人力资源")
    INSTITUTION_STAFF = "institution_staff", _("培训机构工作人员")
    PARTNER_SYSTEM = "partner_system", _("合作系统")
    BANK_GATEWAY = "bank_gateway", _("存管银行系统")


class VerificationLevel(models.TextChoices):
    UNVERIFIED = "unverified", _("未实名")
    SMS = "sms", _("短信实名核验")
    IN_PERSON = "in_person", _("现场核验")
    OIDC = "oidc", _("一网通办统一身份认证")


class Organisation(models.Model):
    """One registry of organisations: a school, a base, an enterprise, a training institution
    *is* an organisation; domains key their extra data to it."""

    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=OrgKind.choices, db_index=True)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )
    # Materialised path of ids, "/3/17/": a subtree is one prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="/")
    region = models.ForeignKey(
        "shared.Region", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("所在区划")
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrgKind.values), name="organisation_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A natural person. The ID number is stored sealed (AES-GCM) with a blind index; gender
    and birth date are derived from it when it is set."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("姓名"), max_length=100)
    id_number_sealed = models.TextField(blank=True, editable=False)
    id_number_index = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    gender = models.CharField(
        _("性别"), max_length=1, blank=True, choices=[("M", _("男")), ("F", _("女"))]
    )
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone_sealed = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(
        max_length=64, null=True, blank=True, db_index=True, editable=False
    )
    phone_masked = models.CharField(_("手机号"), max_length=11, blank=True, editable=False)
    district = models.ForeignKey(
        "shared.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("居住区"),
    )
    street = models.ForeignKey(
        "shared.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("街道/镇"),
    )
    # Copied from the residence so a scope filter is one indexed prefix match.
    residence_code = models.CharField(max_length=12, blank=True, db_index=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    verification_level = models.CharField(
        _("实名等级"),
        max_length=16,
        choices=VerificationLevel.choices,
        default=VerificationLevel.UNVERIFIED,
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    prefers_elder_mode = models.BooleanField(_("长者模式"), default=False)
    registered_by = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role at an organisation. The data scope is that organisation's subtree
    (and the region it sits in), or the whole city for city-wide roles."""

    class Scope(models.TextChoices):
        SELF = "self", _("本人")
        SUBTREE = "subtree", _("本机构及下属")
        CITY = "city", _("全市")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.SUBTREE)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.organisation}"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 digest is stored."""

    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name or 'token'} ({self.user_id})"


class LoginFailure(models.Model):
    """One failed login, counted per account and per address to lock brute force out."""

    key = models.CharField(max_length=200, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.key} {self.at:%Y-%m-%d %H:%M}"
