"""Learning archives, certification standards, outcomes, hash-chained postings, conversion
rules and applications, and enterprise bulk imports."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

CREDITS: dict[str, Any] = {"max_digits": 7, "decimal_places": 2}
SCORE: dict[str, Any] = {"max_digits": 5, "decimal_places": 2}


class OutcomeType(models.TextChoices):
    DEGREE_COURSE = "degree_course", _("学历教育课程")
    NON_DEGREE_TRAINING = "non_degree_training", _("非学历培训")
    ENTERPRISE_TRAINING = "enterprise_training", _("企业培训")
    VOCATIONAL_CERTIFICATE = "vocational_certificate", _("职业资格/技能等级证书")
    CULTURE_LEISURE = "culture_leisure", _("文化休闲学习")


class SourceKind(models.TextChoices):
    CATALOG = "catalog", _("学习平台课程完成")
    INSTITUTION = "institution", _("机构报送")
    ENTERPRISE_IMPORT = "enterprise_import", _("企业集中导入")
    PARTNER_BANK = "partner_bank", _("长三角合作学分银行")
    OFFICER = "officer", _("学分银行登记")


class Archive(models.Model):
    """One person's learning archive (学习档案). It exists as soon as anything is deposited for
    the person, whether or not they have an account yet (a dormant archive): it is keyed to the
    Person, so it becomes the account's archive the moment identity links a verified account
    to that Person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.OneToOneField(
        "identity.Person",
        on_delete=models.PROTECT,
        related_name="credit_archive",
        verbose_name=_("人员"),
    )
    # Hash-chain head: the last posting's sequence number and hash. Updated only under a row
    # lock together with the insertion of the posting it points at.
    head_seq = models.PositiveBigIntegerField(default=0, editable=False)
    head_hash = models.CharField(max_length=64, default="0" * 64, editable=False)
    balance = models.DecimalField(_("累计学分"), default=0, editable=False, **CREDITS)
    opened_at = models.DateTimeField(_("首次查看时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("学习档案")
        verbose_name_plural = _("学习档案")

    def __str__(self) -> str:
        return f"archive {self.person_id}"


class Standard(models.Model):
    """One version of a certification standard (认证标准). A new version is a new row with the
    same code; an outcome points at the exact version it was certified against."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("有效")
        RETIRED = "retired", _("已停用")

    code = models.CharField(_("标准代码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    type = models.CharField(_("成果类型"), max_length=32, choices=OutcomeType.choices)
    level = models.CharField(_("等级"), max_length=40, blank=True)
    credits = models.DecimalField(_("学分"), **CREDITS)
    criteria = models.TextField(_("认证标准"))
    awarding_body = models.CharField(_("颁发机构"), max_length=200)
    validity_months = models.PositiveIntegerField(_("有效期（月）"), null=True, blank=True)
    qualification_level = models.PositiveSmallIntegerField(_("资历框架等级"), null=True, blank=True)
    catalog_category = models.CharField(
        _("对应学习平台课程类别"), max_length=40, blank=True, db_index=True
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("认证标准")
        verbose_name_plural = _("认证标准")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="standard_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="active"), name="standard_one_active_version"
            ),
            models.CheckConstraint(condition=Q(type__in=OutcomeType.values), name="standard_type"),
            models.CheckConstraint(condition=Q(credits__gte=0), name="standard_credits_gte_0"),
            models.CheckConstraint(
                condition=Q(qualification_level__isnull=True)
                | Q(qualification_level__gte=1, qualification_level__lte=10),
                name="standard_qualification_level_1_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} {self.name}"


class Certifier(models.Model):
    """An organisation allowed to certify outcomes against a standard code (all its versions)."""

    standard_code = models.CharField(_("标准代码"), max_length=40, db_index=True)
    organisation = models.ForeignKey(
        "identity.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("认证机构"),
    )
    active = models.BooleanField(_("有效"), default=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("认证机构授权")
        verbose_name_plural = _("认证机构授权")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "standard_code"], name="certifier_org_standard"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.standard_code}"


class Outcome(models.Model):
    """One learning outcome in an archive: where it came from, what it is, and whether it has
    been certified. The credits it carries live in the postings; `status` is its
    certification state and changes only pending → certified/rejected and certified → revoked
    (a revocation is posted as a reversing posting)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待认证")
        CERTIFIED = "certified", _("已认证")
        REJECTED = "rejected", _("未通过认证")
        REVOKED = "revoked", _("已撤销")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexes are few on purpose: this table grows by millions of rows per import.
    archive = models.ForeignKey(
        Archive,
        on_delete=models.PROTECT,
        related_name="outcomes",
        db_index=False,  # covered by outcome_archive_date
        verbose_name=_("学习档案"),
    )
    source_kind = models.CharField(_("来源"), max_length=20, choices=SourceKind.choices)
    # Unique reference of the source record ("import:<org>:<external id>", "catalog:…"): the
    # same record arriving twice is recognised and not deposited again.
    # (A unique constraint rather than `unique=True`: no second, LIKE-pattern index.)
    source_key = models.CharField(max_length=200)
    source_organisation = models.ForeignKey(
        "identity.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("来源机构"),
    )
    # The source organisation's path, so an organisation's scope is one prefix match (one
    # index, `outcome_source_path`, made for prefix matches: scopes never look up a whole path).
    source_path = models.CharField(max_length=255, blank=True, editable=False)
    external_id = models.CharField(_("外部记录编号"), max_length=100, blank=True)
    title = models.CharField(_("名称"), max_length=200)
    type = models.CharField(_("成果类型"), max_length=32, choices=OutcomeType.choices)
    standard = models.ForeignKey(
        Standard,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcomes",
        db_index=False,
        verbose_name=_("认证标准"),
    )
    credits = models.DecimalField(_("学分"), null=True, blank=True, **CREDITS)
    score = models.DecimalField(_("成绩"), null=True, blank=True, **SCORE)
    hours = models.DecimalField(_("学时"), null=True, blank=True, max_digits=7, decimal_places=1)
    achieved_on = models.DateField(_("取得日期"))
    evidence = models.CharField(_("佐证材料"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    status_reason = models.CharField(_("说明"), max_length=500, blank=True)
    certified_by = models.ForeignKey(
        "identity.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("认证机构"),
    )
    certified_at = models.DateTimeField(_("认证时间"), null=True, blank=True)
    credential_id = models.UUIDField(_("可验证证书编号"), null=True, blank=True, unique=True)
    import_job = models.ForeignKey(
        "ImportJob", null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-achieved_on", "-created_at"]
        verbose_name = _("学习成果")
        verbose_name_plural = _("学习成果")
        indexes = [
            models.Index(fields=["archive", "achieved_on"], name="outcome_archive_date"),
            # PostgreSQL: the pattern operator class, which `LIKE 'prefix%'` can use under any
            # collation (a plain index serves it only under "C"); SQLite ignores the class.
            models.Index(
                fields=["source_path"],
                name="outcome_source_path",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source_key"], name="outcome_source_key"),
            models.CheckConstraint(condition=Q(type__in=OutcomeType.values), name="outcome_type"),
            models.CheckConstraint(
                condition=Q(source_kind__in=SourceKind.values), name="outcome_source_kind"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "certified", "rejected", "revoked"]),
                name="outcome_status",
            ),
            # A certified outcome carries its standard, credits, certifier and credential.
            models.CheckConstraint(
                condition=~Q(status="certified")
                | Q(
                    standard__isnull=False,
                    credits__isnull=False,
                    certified_at__isnull=False,
                    credential_id__isnull=False,
                ),
                name="outcome_certified_complete",
            ),
            models.CheckConstraint(
                condition=Q(credits__isnull=True) | Q(credits__gte=0), name="outcome_credits_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="outcome_score_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"


class Posting(models.Model):
    """One credit movement of an archive. Append-only (database triggers refuse UPDATE and
    DELETE) and hash-chained per archive: `hash` = SHA-256 over the previous hash and this
    row's content, so altering, removing or reordering a row breaks the chain. A correction is
    a reversing posting that names the posting it reverses and why."""

    class Kind(models.TextChoices):
        ACCRUAL = "accrual", _("学分存入")
        REVERSAL = "reversal", _("冲正")

    id = models.BigAutoField(primary_key=True)
    archive = models.ForeignKey(
        Archive,
        on_delete=models.PROTECT,
        related_name="postings",
        db_index=False,  # covered by posting_archive_seq
        verbose_name=_("学习档案"),
    )
    seq = models.PositiveBigIntegerField(_("序号"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, related_name="postings", verbose_name=_("学习成果")
    )
    credits = models.DecimalField(_("学分"), **CREDITS)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    posted_at = models.DateTimeField(_("记账时间"))
    actor_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["archive", "seq"]
        verbose_name = _("学分记账")
        verbose_name_plural = _("学分记账")
        constraints = [
            models.UniqueConstraint(fields=["archive", "seq"], name="posting_archive_seq"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="posting_seq_gte_1"),
            models.CheckConstraint(
                condition=Q(kind="accrual", credits__gte=0, reverses__isnull=True)
                | Q(kind="reversal", credits__lte=0, reverses__isnull=False) & ~Q(reason=""),
                name="posting_kind_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.archive_id}#{self.seq} {self.credits}"


class Programme(models.Model):
    """A target programme whose courses learners may be exempted from (an open-university or
    self-study major), with its courses in `courses` ({code: {name, credits}})."""

    code = models.CharField(_("专业代码"), max_length=40, unique=True)
    name = models.CharField(_("专业名称"), max_length=200)
    institution = models.ForeignKey(
        "identity.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("院校")
    )
    total_credits = models.DecimalField(_("毕业总学分"), **CREDITS)
    courses = models.JSONField(_("课程"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("目标专业")
        verbose_name_plural = _("目标专业")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RuleSet(models.Model):
    """One version of the conversion rules into a programme, with its caps. Applications are
    decided under the active version and keep a reference to it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("有效")
        RETIRED = "retired", _("已停用")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="rule_sets", verbose_name=_("目标专业")
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Caps, in credits of the programme: overall, per source (awarding body of the standard)
    # and per calendar year of the learning.
    cap_total = models.DecimalField(_("转换学分总上限"), **CREDITS)
    cap_per_source = models.DecimalField(_("同一来源上限"), **CREDITS)
    cap_per_year = models.DecimalField(_("同一年度上限"), **CREDITS)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "-version"]
        verbose_name = _("转换规则集")
        verbose_name_plural = _("转换规则集")
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="ruleset_version"),
            models.UniqueConstraint(
                fields=["programme"], condition=Q(status="active"), name="ruleset_one_active"
            ),
            models.CheckConstraint(
                condition=Q(cap_total__gte=0, cap_per_source__gte=0, cap_per_year__gte=0),
                name="ruleset_caps_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} v{self.version}"


class Rule(models.Model):
    """A standard (by code) converts into one course of the programme, under conditions.
    `automatic` rules decide by themselves; others send the item to staff review."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="rules")
    standard_code = models.CharField(_("来源标准代码"), max_length=40)
    course_code = models.CharField(_("免修课程代码"), max_length=40)
    course_name = models.CharField(_("免修课程名称"), max_length=200)
    course_credits = models.DecimalField(_("课程学分"), **CREDITS)
    min_score = models.DecimalField(_("最低成绩"), null=True, blank=True, **SCORE)
    max_age_years = models.PositiveSmallIntegerField(_("有效年限（年）"), null=True, blank=True)
    automatic = models.BooleanField(_("自动认定"), default=True)

    class Meta:
        ordering = ["rule_set", "standard_code", "course_code"]
        verbose_name = _("转换规则")
        verbose_name_plural = _("转换规则")
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "standard_code", "course_code"], name="rule_unique"
            ),
            models.CheckConstraint(condition=Q(course_credits__gt=0), name="rule_credits_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.standard_code} → {self.course_code}"


class Application(models.Model):
    """A learner's application to convert outcomes of their archive into a programme."""

    class Status(models.TextChoices):
        UNDER_REVIEW = "under_review", _("待人工审核")
        DECIDED = "decided", _("已决定")
        WITHDRAWN = "withdrawn", _("已撤回")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    archive = models.ForeignKey(
        Archive, on_delete=models.PROTECT, related_name="applications", verbose_name=_("学习档案")
    )
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    granted_credits = models.DecimalField(_("认定学分"), default=0, **CREDITS)
    submitted_at = models.DateTimeField(_("申请时间"))
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("学分转换申请")
        verbose_name_plural = _("学分转换申请")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["under_review", "decided", "withdrawn"]),
                name="application_status",
            ),
            models.CheckConstraint(
                condition=Q(granted_credits__gte=0), name="application_granted_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"application {self.pk} ({self.status})"


class ApplicationItem(models.Model):
    """One outcome asked to be converted, and what became of it: granted (which course, how
    many credits), denied, or waiting for review — with the reasons."""

    class Decision(models.TextChoices):
        GRANTED = "granted", _("予以认定")
        DENIED = "denied", _("不予认定")
        REVIEW = "review", _("待人工审核")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="items")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.PROTECT)
    # Copied so that the no-double-counting constraints are plain unique indexes.
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    archive = models.ForeignKey(Archive, on_delete=models.PROTECT, related_name="+")
    course_code = models.CharField(max_length=40, blank=True)
    credits = models.DecimalField(_("认定学分"), default=0, **CREDITS)
    decision = models.CharField(_("结论"), max_length=10, choices=Decision.choices)
    reasons = models.JSONField(_("理由"), default=list)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("转换明细")
        verbose_name_plural = _("转换明细")
        constraints = [
            # No double counting: one outcome converts at most once into a programme, and a
            # course of a programme is granted at most once per learner.
            models.UniqueConstraint(
                fields=["outcome", "programme"],
                condition=Q(decision="granted"),
                name="item_outcome_once_per_programme",
            ),
            models.UniqueConstraint(
                fields=["archive", "programme", "course_code"],
                condition=Q(decision="granted"),
                name="item_course_once_per_learner",
            ),
            models.UniqueConstraint(
                fields=["application", "outcome"], name="item_outcome_once_per_application"
            ),
            models.CheckConstraint(
                condition=Q(decision="granted", credits__gt=0) & ~Q(course_code="")
                | Q(decision__in=["denied", "review"], credits=0),
                name="item_decision_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome_id}: {self.decision}"


class ImportJob(models.Model):
    """One uploaded file of an enterprise's training outcomes and how its import went. The
    shared Job row (same id) carries the status and progress the uploader watches; this row
    keeps the credit-bank counts, the source file and the error reports."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    id = models.UUIDField(primary_key=True, editable=False)
    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    file_path = models.CharField(max_length=500)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_format = models.CharField(max_length=4, choices=[("csv", "CSV"), ("xlsx", "Excel")])
    dry_run = models.BooleanField(_("试运行"), default=False)
    all_or_nothing = models.BooleanField(_("全部成功才导入"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    duplicate_rows = models.PositiveIntegerField(default=0)
    invalid_rows = models.PositiveIntegerField(default=0)
    batches_committed = models.PositiveIntegerField(default=0)
    error_report_csv = models.CharField(max_length=500, blank=True)
    error_report_xlsx = models.CharField(max_length=500, blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("集中导入")
        verbose_name_plural = _("集中导入")
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=F("total_rows")) | Q(total_rows=0),
                name="import_processed_le_total",
            ),
        ]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"


class ImportRowError(models.Model):
    """One reason one row of an import was refused (a row may have several)."""

    id = models.BigAutoField(primary_key=True)
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("行号"))
    column = models.CharField(_("列"), max_length=40)
    reason = models.CharField(_("原因"), max_length=500)

    class Meta:
        ordering = ["job", "row", "id"]
        verbose_name = _("导入错误")
        verbose_name_plural = _("导入错误")
        indexes = [models.Index(fields=["job", "row"], name="import_error_job_row")]

    def __str__(self) -> str:
        return f"{self.job_id} row {self.row}: {self.column}"
