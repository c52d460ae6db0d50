"""Request and response shapes of the training-market API. Amounts are decimal strings in
yuan ("4800.00"); identifiers of contracts and transfers are UUIDs."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from ninja import Schema
from pydantic import Field

# ---- registry ---------------------------------------------------------------------------------


class PremisesIn(Schema):
    address: str = Field(max_length=300)
    lease_end: dt.date
    lease_start: dt.date | None = None


class InstitutionIn(Schema):
    name: str = Field(max_length=200)
    uscc: str = Field(max_length=32)
    district_code: str = Field(max_length=12)
    for_profit: bool
    categories: list[str] = Field(max_length=10)
    premises: list[PremisesIn] = Field(default_factory=list, max_length=50)
    address: str = Field("", max_length=300)
    licence_number: str = Field("", max_length=64)
    licence_issued_by: str = Field("", max_length=200)
    licence_valid_from: dt.date | None = None
    licence_valid_until: dt.date | None = None


class PremisesOut(Schema):
    address: str
    lease_end: dt.date


class BranchIn(Schema):
    name: str = Field(max_length=200)
    address: str = Field(max_length=300)
    district_code: str = Field(max_length=12)


class BranchOut(Schema):
    name: str
    address: str
    district_code: str


class InstitutionOut(Schema):
    id: int
    name: str
    uscc: str
    district_code: str
    for_profit: bool
    categories: list[str]
    status: str
    premises: list[PremisesOut]
    branches: list[BranchOut]


class PublicInstitutionOut(Schema):
    id: int
    name: str
    uscc: str
    district_code: str
    district_name: str
    district_name_en: str
    address: str
    for_profit: bool
    categories: list[str]
    status: str
    licensed: bool
    licence_number: str
    licence_valid_until: dt.date | None
    escrow: bool
    penalties: int
    complaints: int
    joint_punishment: bool


class PublicInstitutionPage(Schema):
    items: list[PublicInstitutionOut]
    count: int
    page: int
    page_size: int


class PenaltyOut(Schema):
    title: str
    status: str
    decided_at: dt.datetime | None
    decision: str


class CreditEntryOut(Schema):
    list: str
    list_label: str
    reason: str
    listed_on: dt.date
    until: dt.date | None


class InstitutionDetailOut(PublicInstitutionOut):
    premises: list[PremisesOut]
    branches: list[BranchOut]
    penalty_records: list[PenaltyOut]
    credit_entries: list[CreditEntryOut]
    complaints_resolved: int
    complaints_open: int


class StatusIn(Schema):
    status: str = Field(max_length=12)
    reason: str = Field(max_length=500)


class EscrowIn(Schema):
    bank_id: int
    account_number: str = Field(max_length=40)
    opened_on: dt.date


class EscrowOut(Schema):
    id: int
    bank_id: int
    account_number_masked: str
    opened_on: dt.date


class ReserveIn(Schema):
    action: str = Field(max_length=8)
    amount: str = Field(max_length=32)
    note: str = Field("", max_length=300)


# ---- contracts and money ----------------------------------------------------------------------


class ContractIn(Schema):
    institution_id: int
    learner_name: str = Field(max_length=100)
    learner_id_number: str = Field(max_length=32)
    guardian_id_number: str | None = Field(None, max_length=32)
    course: str = Field(max_length=200)
    category: str = Field(max_length=24)
    class_hours: int = Field(ge=1, le=10_000)
    months: int = Field(ge=1, le=120)
    total_amount: str = Field(max_length=32)
    start_date: dt.date


class ChargingRuleOut(Schema):
    id: int
    category: str
    effective_from: dt.date
    max_months: int | None
    max_hours: int | None
    max_amount: str | None
    collect_months_before_start: int | None
    within_lease: bool
    source: str


class ChargingRuleIn(Schema):
    category: str = Field(max_length=24)
    effective_from: dt.date
    max_months: int | None = Field(None, ge=1, le=120)
    max_hours: int | None = Field(None, ge=1, le=10_000)
    max_amount: str | None = Field(None, max_length=32)
    collect_months_before_start: int | None = Field(None, ge=0, le=24)
    within_lease: bool = True
    source: str = Field(max_length=300)


class BalanceOut(Schema):
    contract_id: UUID
    paid: str
    released: str
    refunded: str
    unconsumed: str
    pending: str
    refundable: str
    releasable: str
    total: str
    class_hours: int
    hours_taught: int
    hours_left: int


class ContractOut(Schema):
    id: UUID
    number: str
    institution_id: int
    institution_name: str
    course: str
    category: str
    class_hours: int
    months: int
    total_amount: str
    start_date: dt.date
    end_date: dt.date
    learner_name: str
    learner_id_masked: str
    learner_is_minor: bool
    guardian_id_masked: str
    signed_channel: str
    signed_on: dt.date
    rule_id: int
    balance: BalanceOut


class ContractPage(Schema):
    items: list[ContractOut]
    count: int
    page: int
    page_size: int


class PaymentIn(Schema):
    amount: str = Field(max_length=32)
    idempotency_key: str = Field(min_length=1, max_length=100)


class TransferOut(Schema):
    id: UUID
    kind: str
    institution_id: int
    contract_id: UUID | None
    amount: str
    status: str
    idempotency_key: str | None
    occurred_at: dt.datetime


class ConsumptionIn(Schema):
    hours: int = Field(ge=1, le=10_000)
    taught_on: dt.date | None = None


class ConsumptionOut(Schema):
    id: int
    contract_id: UUID
    hours: int
    taught_on: dt.date
    release: TransferOut | None
    balance: BalanceOut


class RefundIn(Schema):
    amount: str = Field(max_length=32)
    reason: str = Field("", max_length=500)


class RefundOut(Schema):
    id: int
    contract_id: UUID
    amount: str
    channel: str
    reason: str
    status: str
    transfer_id: UUID
    requested_at: dt.datetime
    settled_at: dt.datetime | None


class RefundList(Schema):
    items: list[RefundOut]
    count: int


class SettlementIn(Schema):
    outcome: str = Field(max_length=8)
    bank_reference: str = Field("", max_length=100)


class SettlementOut(Schema):
    transfer: TransferOut
    settlement_id: UUID
    settlement_kind: str


class TransferList(Schema):
    items: list[TransferOut]
    count: int


class FamilyContractOut(Schema):
    contract: ContractOut
    relation: str
    refunds: list[RefundOut]


class FamilyContractList(Schema):
    items: list[FamilyContractOut]
    count: int


# ---- risk -------------------------------------------------------------------------------------


class SignalOut(Schema):
    code: str
    label: str
    value: float | None
    points: int
    detail: str


class RiskOut(Schema):
    institution_id: int
    institution_name: str
    district_code: str
    score: int
    level: str
    signals: list[SignalOut]


class RiskPage(Schema):
    items: list[RiskOut]
    count: int
