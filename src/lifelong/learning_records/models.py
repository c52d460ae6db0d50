"""Tables of learning_records: the xAPI learning-record store.

Statements are immutable: every table here except `LrsClient` is append-only (database
triggers refuse UPDATE and DELETE). Voiding is therefore a row in `VoidedStatement`, never a flag
changed on the statement. The statement itself is kept as the exact JSON text that is returned
to readers; the other columns are extracted from it once, at storage time, for queries.

The tables written for every statement carry no foreign-key constraints in the database (a
constraint runs a look-up per inserted row, a fifth of the database's work of storing a
statement). What they would guard cannot happen here: statements and their index rows are
inserted together, in one transaction, by one function, and are never deleted (the triggers
refuse it); clients are never deleted either (`on_delete=PROTECT`, no delete in the back
office). The rare voidings keep theirs.

The verb and activity indexes compare their text byte by byte (`varchar_pattern_ops`): they
serve equality only, and a locale's collation would make every insert several times dearer.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class LrsClient(models.Model):
    """A system allowed to talk to /xapi/ with HTTP Basic credentials (key + secret)."""

    class Scope(models.TextChoices):
        READ = "read", "只读 / read statements"
        WRITE = "write", "只写 / write statements"
        READ_WRITE = "read write", "读写 / read and write statements"
        ALL = "all", "全部 / everything, incl. voiding other clients' statements"

    key = models.CharField("密钥名 key", max_length=64, unique=True)
    name = models.CharField("名称 name", max_length=200)
    secret_hash = models.CharField("密钥散列 secret hash", max_length=256)
    authority = models.JSONField("权威代理 authority agent")
    scope = models.CharField(
        "权限 scope", max_length=16, choices=Scope.choices, default=Scope.READ_WRITE
    )
    active = models.BooleanField("启用 active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "学习记录客户端 LRS client"
        verbose_name_plural = "学习记录客户端 LRS clients"
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["read", "write", "read write", "all"]),
                name="lrs_client_scope_known",
            ),
            models.CheckConstraint(condition=~Q(key=""), name="lrs_client_key_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    @property
    def can_read(self) -> bool:
        return self.scope in (self.Scope.READ, self.Scope.READ_WRITE, self.Scope.ALL)

    @property
    def can_write(self) -> bool:
        return self.scope in (self.Scope.WRITE, self.Scope.READ_WRITE, self.Scope.ALL)

    @property
    def can_void_others(self) -> bool:
        return self.scope == self.Scope.ALL


class Statement(models.Model):
    """One stored xAPI statement. `payload` is the statement exactly as the store returns it."""

    id = models.UUIDField(primary_key=True)
    payload = models.TextField("语句 statement JSON")
    client = models.ForeignKey(
        LrsClient, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    verb_id = models.CharField(max_length=2048)
    # Hashed inverse functional identifiers (see validation.ifi_key): 16 bytes each, so that
    # every index is narrow whatever the agent's account name.
    actor_ifi = models.UUIDField(null=True, blank=True)
    object_agent_ifi = models.UUIDField(null=True, blank=True)
    activity_id = models.CharField(max_length=2048, null=True, blank=True)
    ref_target = models.UUIDField(null=True, blank=True)
    registration = models.UUIDField(null=True, blank=True)
    timestamp = models.DateTimeField()
    stored = models.DateTimeField()

    class Meta:
        verbose_name = "学习记录语句 xAPI statement"
        verbose_name_plural = "学习记录语句 xAPI statements"
        indexes = [
            models.Index(fields=["stored", "id"], name="lr_stmt_stored"),
            models.Index(fields=["actor_ifi", "stored"], name="lr_stmt_actor"),
            models.Index(
                fields=["verb_id", "stored"],
                name="lr_stmt_verb",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            models.Index(
                fields=["activity_id", "stored"],
                name="lr_stmt_activity",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            models.Index(
                fields=["object_agent_ifi"],
                name="lr_stmt_object_agent",
                condition=Q(object_agent_ifi__isnull=False),
            ),
            models.Index(
                fields=["registration"],
                name="lr_stmt_registration",
                condition=Q(registration__isnull=False),
            ),
            models.Index(
                fields=["ref_target"],
                name="lr_stmt_ref_target",
                condition=Q(ref_target__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return str(self.id)


class StatementAgent(models.Model):
    """An agent a statement names besides its actor and agent object: members of those groups
    (relation `member`, matched by the `agent` filter) and every other agent (relation
    `related`: instructor, team, sub-statement; matched only with `related_agents=true`)."""

    class Relation(models.TextChoices):
        MEMBER = "member", "group member of actor or object"
        RELATED = "related", "instructor, team or sub-statement agent"

    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    ifi = models.UUIDField()
    relation = models.CharField(max_length=8, choices=Relation.choices)

    class Meta:
        indexes = [models.Index(fields=["ifi", "relation"], name="lr_stmt_agent_ifi")]
        constraints = [
            models.CheckConstraint(
                condition=Q(relation__in=["member", "related"]), name="lr_stmt_agent_relation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.relation} {self.ifi}"


class StatementActivity(models.Model):
    """An activity a statement names besides its object: context activities and the activities
    of a sub-statement, matched only with `related_activities=true`."""

    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    activity_id = models.CharField(max_length=2048)

    class Meta:
        indexes = [
            models.Index(
                fields=["activity_id"],
                name="lr_stmt_activity_rel",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.activity_id}"


class VoidedStatement(models.Model):
    """`target_id` is voided by `voiding`, unless the target is itself a voiding statement."""

    target_id = models.UUIDField(unique=True)
    voiding = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "已作废语句 voided statement"
        verbose_name_plural = "已作废语句 voided statements"

    def __str__(self) -> str:
        return f"{self.target_id} voided by {self.voiding_id}"


class AttachmentData(models.Model):
    """The raw octets of an attachment received in a multipart/mixed request, by SHA-2."""

    sha2 = models.CharField(max_length=128, unique=True)
    content_type = models.CharField(max_length=255)
    data = models.BinaryField()

    def __str__(self) -> str:
        return self.sha2
