"""The demo archives: the demo citizen's certified outcomes (each with its credential), the
records a Yangtze River Delta partner credit bank sent for them, and an enterprise import by
上海示范科技有限公司 with one bad row, written as the import job writes it."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from lifelong.credit_bank.credentials import demo as exchange_demo
from lifelong.credit_bank.credentials import signing
from lifelong.credit_bank.demo.standards import ART_CENTRE, CREDIT_BANK, ENTERPRISE, OPEN_UNIVERSITY
from lifelong.credit_bank.importing import reader, reports, writer
from lifelong.credit_bank.importing.columns import COLUMNS
from lifelong.credit_bank.importing.validate import RowValidator
from lifelong.credit_bank.models import Certifier, ImportJob, SourceKind, Standard
from lifelong.credit_bank.services import outcomes
from lifelong.identity import api as identity
from lifelong.shared import clock, jobs
from lifelong.shared.ids import ric_check_character


def _id(area: str, birth: str, seq: str) -> str:
    first17 = area + birth + seq
    return first17 + ric_check_character(first17)


CITIZEN = ("王晓明", _id("310104", "19850315", "003"))
EMPLOYEES = [
    CITIZEN,
    ("刘建国", _id("310115", "19880412", "031")),
    ("陈佳怡", _id("310106", "19930726", "042")),
    ("张伟", _id("310108", "19790118", "015")),  # 310108 闸北区: an abolished area code
    ("周敏", _id("320102", "19900903", "028")),
]


def load_citizen_outcomes(orgs: dict[str, identity.OrganisationBrief]) -> None:
    name, number = CITIZEN
    today = clock.today()
    deposits = [
        (OPEN_UNIVERSITY, SourceKind.INSTITUTION, "SOU-11001", "SOU-2021-0001", Decimal("86"), 4),
        (CREDIT_BANK, SourceKind.OFFICER, "VC-YYY-4", "CB-2022-0107", None, 3),
        (ART_CENTRE, SourceKind.INSTITUTION, "CL-SF", "YG-SF-2023-018", Decimal("92"), 2),
        (CREDIT_BANK, SourceKind.OFFICER, "VC-NCRE-1", "CB-2023-0311", Decimal("78"), 1),
    ]
    for org_name, source, code, external_id, score, years_ago in deposits:
        standard = Standard.objects.get(code=code, status=Standard.Status.ACTIVE)
        outcomes.deposit_certified(
            organisation_id=orgs[org_name].id,
            source_kind=source,
            name=name,
            id_number=number,
            standard=standard,
            achieved_on=dt.date(today.year - years_ago, 6, 20),
            external_id=external_id,
            score=score,
            evidence=f"证书/成绩单编号 {external_id}",
            actor_id="demo",
        )


def load_partner_records() -> int:
    """The Zhejiang credit bank's records of the demo citizen (who learned there before moving
    to Shanghai), imported through the exchange by the demo credit-bank officer: signature
    checked, recognised records deposited in the archive with their provenance."""
    officer = get_user_model().objects.filter(username="credit_bank_officer").first()
    person_id = identity.find_person_by_id_number(CITIZEN[1])
    if officer is None or person_id is None:
        return 0
    id_number = identity.id_number_for_credential(person_id)
    if id_number is None:
        return 0
    return exchange_demo.import_partner_records(
        actor=identity.actor_for_user(officer), person_id=str(person_id), id_number=id_number
    )


def demo_import_csv(uscc: str) -> str:
    today = clock.today()
    lines = [",".join(c.label for c in COLUMNS)]
    rows = [
        ("HR-2024-0001", *EMPLOYEES[0], "ET-AQSC", f"{today.year - 1}-03-15", "95", "16", ""),
        ("HR-2024-0002", *EMPLOYEES[1], "ET-AQSC", f"{today.year - 1}-03-15", "88", "16", ""),
        ("HR-2024-0003", *EMPLOYEES[2], "ET-SZBG", f"{today.year - 1}-05-10", "90", "24", ""),
        (
            "HR-2024-0004",
            *EMPLOYEES[3],
            "VC-DG-4",
            f"{today.year - 1}-09-01",
            "",
            "",
            "证书编号 DG4-2023-88",
        ),
        ("HR-2024-0005", *EMPLOYEES[4], "ET-JYSC", f"{today.year - 1}-11-20", "85", "32", ""),
        (
            "HR-2024-0006",
            "孙丽",
            "31010419900101000X",
            "ET-KHFW",
            f"{today.year - 1}-12-01",
            "80",
            "16",
            "",
        ),
    ]
    for external_id, name, number, code, day, score, hours, evidence in rows:
        lines.append(",".join([external_id, name, number, uscc, code, day, score, hours, evidence]))
    return "\n".join(lines) + "\n"


def load_enterprise_import(orgs: dict[str, identity.OrganisationBrief]) -> None:
    enterprise = orgs[ENTERPRISE]
    if ImportJob.objects.filter(organisation_id=enterprise.id).exists():
        return
    hr = get_user_model().objects.filter(username="enterprise_hr").first()
    uscc = identity.organisation_uscc(enterprise.id)
    if hr is None or not uscc:
        return
    content = demo_import_csv(uscc).encode("utf-8")
    import_id = uuid.uuid4()
    path = storages[jobs.PRIVATE_STORAGE].save(
        f"credit_bank/imports/{import_id}/demo-training-records.csv", ContentFile(content)
    )
    ImportJob.objects.create(
        id=import_id,
        organisation_id=enterprise.id,
        uploaded_by=hr,
        file_name="demo-training-records.csv",
        file_path=path,
        file_sha256=hashlib.sha256(content).hexdigest(),
        file_format="csv",
        status=ImportJob.Status.RUNNING,
    )
    standards = {
        s.code: s
        for s in Standard.objects.filter(
            status=Standard.Status.ACTIVE,
            code__in=Certifier.objects.filter(organisation_id=enterprise.id).values(
                "standard_code"
            ),
        )
    }
    validator = RowValidator(uscc=uscc, standards=standards, today=clock.today())
    target = writer.Enterprise(
        import_id, enterprise.id, enterprise.name, enterprise.path, str(hr.pk)
    )
    with (
        storages[jobs.PRIVATE_STORAGE].open(path, "rb") as fh,
        reader.open_sheet(fh, "csv") as sheet,
    ):
        valid, errors, read = [], [], 0
        for number, cells in sheet.rows:
            row, row_errors = validator(number, cells, sheet.positions)
            read += 1
            if row is not None:
                valid.append(row)
            errors.extend(row_errors)
    writer.write_batch(target, valid, errors, processed=read)
    signing.sign_pending_credentials()  # what the background signer does after an import
    xlsx = storages[jobs.PRIVATE_STORAGE].save(
        f"credit_bank/imports/{import_id}/errors.xlsx",
        ContentFile(reports.error_report_xlsx(errors)),
    )
    ImportJob.objects.filter(pk=import_id).update(
        status=ImportJob.Status.SUCCEEDED,
        total_rows=read,
        error_report_xlsx=xlsx,
        message="导入完成 / Import finished",
        finished_at=clock.now(),
    )
