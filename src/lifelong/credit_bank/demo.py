"""Shanghai demo data for the credit bank: a catalogue of certification standards (open-
university courses, vocational certificates, enterprise training, culture and leisure
learning, and one standard per learning-cloud category), who may certify them, the demo
citizen's certified outcomes (each with its credential), an enterprise import by 上海示范科技
有限公司 with one bad row, two programmes with conversion rules, and an application.
Idempotent: running it again changes nothing. Only `lifelong load_demo` calls this."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction

from lifelong.credit_bank.importing import reader, reports, writer
from lifelong.credit_bank.importing.columns import COLUMNS
from lifelong.credit_bank.importing.validate import RowValidator
from lifelong.credit_bank.models import (
    Application,
    Archive,
    Certifier,
    ImportJob,
    Outcome,
    OutcomeType,
    Posting,
    Programme,
    RuleSet,
    SourceKind,
    Standard,
)
from lifelong.credit_bank.services import conversions, outcomes
from lifelong.identity import api as identity
from lifelong.shared import clock, jobs
from lifelong.shared.ids import ric_check_character

T = OutcomeType
CREDIT_BANK = "上海市终身教育学分银行"
OPEN_UNIVERSITY = "上海开放大学"
ENTERPRISE = "上海示范科技有限公司"
ART_CENTRE = "阳光艺术培训中心"
SENIOR_UNIVERSITY = "上海老年大学"
HRSS = "上海市人力资源和社会保障局"
EXAM_AUTHORITY = "教育部教育考试院"

# (code, name, English name, type, level, credits, awarding body, validity months,
#  qualification level, learning-cloud category, criteria)
STANDARDS = [
    (
        "SOU-11001",
        "计算机应用基础",
        "Computer applications",
        T.DEGREE_COURSE,
        "专科",
        "4",
        OPEN_UNIVERSITY,
        None,
        5,
        "",
        "上海开放大学课程考核合格（60分及以上）",
    ),
    (
        "SOU-11002",
        "大学英语（1）",
        "College English 1",
        T.DEGREE_COURSE,
        "专科",
        "3",
        OPEN_UNIVERSITY,
        None,
        5,
        "",
        "上海开放大学课程考核合格（60分及以上）",
    ),
    (
        "SOU-21001",
        "学前儿童发展心理学",
        "Child development psychology",
        T.DEGREE_COURSE,
        "专科",
        "4",
        OPEN_UNIVERSITY,
        None,
        5,
        "",
        "上海开放大学课程考核合格（60分及以上）",
    ),
    (
        "SOU-21002",
        "婴幼儿卫生与保育",
        "Infant health and care",
        T.DEGREE_COURSE,
        "专科",
        "4",
        OPEN_UNIVERSITY,
        None,
        5,
        "",
        "上海开放大学课程考核合格（60分及以上）",
    ),
    (
        "SOU-31001",
        "老年护理学基础",
        "Basics of elderly nursing",
        T.DEGREE_COURSE,
        "专科",
        "3",
        OPEN_UNIVERSITY,
        None,
        5,
        "",
        "上海开放大学课程考核合格（60分及以上）",
    ),
    (
        "SOU-41001",
        "电工电子技术",
        "Electrical and electronic technology",
        T.DEGREE_COURSE,
        "专科",
        "4",
        OPEN_UNIVERSITY,
        None,
        5,
        "",
        "上海开放大学课程考核合格（60分及以上）",
    ),
    (
        "SOU-51001",
        "管理学基础",
        "Principles of management",
        T.DEGREE_COURSE,
        "本科",
        "4",
        OPEN_UNIVERSITY,
        None,
        6,
        "",
        "上海开放大学课程考核合格（60分及以上）",
    ),
    (
        "VC-YYY-4",
        "育婴员（四级/中级工）",
        "Infant carer, level 4",
        T.VOCATIONAL_CERTIFICATE,
        "四级",
        "6",
        HRSS,
        60,
        4,
        "",
        "取得育婴员职业技能等级证书（四级）",
    ),
    (
        "VC-YLHL-4",
        "养老护理员（四级/中级工）",
        "Elderly carer, level 4",
        T.VOCATIONAL_CERTIFICATE,
        "四级",
        "6",
        HRSS,
        60,
        4,
        "",
        "取得养老护理员职业技能等级证书（四级）",
    ),
    (
        "VC-DG-4",
        "电工（四级/中级工）",
        "Electrician, level 4",
        T.VOCATIONAL_CERTIFICATE,
        "四级",
        "8",
        HRSS,
        72,
        4,
        "",
        "取得电工职业技能等级证书（四级）",
    ),
    (
        "VC-DG-3",
        "电工（三级/高级工）",
        "Electrician, level 3",
        T.VOCATIONAL_CERTIFICATE,
        "三级",
        "10",
        HRSS,
        72,
        5,
        "",
        "取得电工职业技能等级证书（三级）",
    ),
    (
        "VC-ZSPT-5",
        "中式烹调师（五级/初级工）",
        "Chinese cook, level 5",
        T.VOCATIONAL_CERTIFICATE,
        "五级",
        "4",
        HRSS,
        60,
        3,
        "",
        "取得中式烹调师职业技能等级证书（五级）",
    ),
    (
        "VC-JZFW-4",
        "家政服务员（四级/中级工）",
        "Domestic service worker, level 4",
        T.VOCATIONAL_CERTIFICATE,
        "四级",
        "5",
        HRSS,
        60,
        4,
        "",
        "取得家政服务员职业技能等级证书（四级）",
    ),
    (
        "VC-NCRE-1",
        "全国计算机等级考试一级",
        "NCRE level 1",
        T.VOCATIONAL_CERTIFICATE,
        "一级",
        "3",
        EXAM_AUTHORITY,
        None,
        3,
        "",
        "全国计算机等级考试一级合格",
    ),
    (
        "VC-NCRE-2",
        "全国计算机等级考试二级",
        "NCRE level 2",
        T.VOCATIONAL_CERTIFICATE,
        "二级",
        "4",
        EXAM_AUTHORITY,
        None,
        4,
        "",
        "全国计算机等级考试二级合格",
    ),
    (
        "ET-AQSC",
        "安全生产培训",
        "Workplace safety training",
        T.ENTERPRISE_TRAINING,
        "",
        "1",
        ENTERPRISE,
        36,
        None,
        "",
        "完成16学时企业安全生产培训并考核合格",
    ),
    (
        "ET-SZBG",
        "数字化办公技能培训",
        "Digital office skills",
        T.ENTERPRISE_TRAINING,
        "",
        "1.5",
        ENTERPRISE,
        None,
        None,
        "",
        "完成24学时培训并通过实操考核",
    ),
    (
        "ET-JYSC",
        "精益生产培训",
        "Lean production",
        T.ENTERPRISE_TRAINING,
        "",
        "2",
        ENTERPRISE,
        None,
        None,
        "",
        "完成32学时培训并提交改善项目报告",
    ),
    (
        "ET-KHFW",
        "客户服务规范培训",
        "Customer service standards",
        T.ENTERPRISE_TRAINING,
        "",
        "1",
        ENTERPRISE,
        None,
        None,
        "",
        "完成16学时培训并考核合格",
    ),
    (
        "ND-XMGL",
        "项目管理实务",
        "Project management in practice",
        T.NON_DEGREE_TRAINING,
        "",
        "2",
        CREDIT_BANK,
        None,
        5,
        "",
        "完成36学时课程并通过结业考核",
    ),
    (
        "ND-RGZN",
        "人工智能通识",
        "AI literacy",
        T.NON_DEGREE_TRAINING,
        "",
        "2",
        CREDIT_BANK,
        None,
        4,
        "",
        "完成36学时课程并通过结业考核",
    ),
    (
        "CL-SF",
        "书法（楷书）",
        "Calligraphy (regular script)",
        T.CULTURE_LEISURE,
        "初级",
        "1",
        ART_CENTRE,
        None,
        None,
        "",
        "完成32学时书法课程并提交结业作品",
    ),
    (
        "CL-GH",
        "国画（花鸟）",
        "Chinese painting",
        T.CULTURE_LEISURE,
        "初级",
        "1",
        ART_CENTRE,
        None,
        None,
        "",
        "完成32学时课程并提交结业作品",
    ),
    (
        "CL-TJQ",
        "太极拳（二十四式）",
        "Tai chi (24 forms)",
        T.CULTURE_LEISURE,
        "",
        "1",
        SENIOR_UNIVERSITY,
        None,
        None,
        "",
        "完成32学时课程并通过套路展示",
    ),
    (
        "CL-HC",
        "声乐合唱",
        "Choir singing",
        T.CULTURE_LEISURE,
        "",
        "1",
        SENIOR_UNIVERSITY,
        None,
        None,
        "",
        "完成一学期课程并参加汇报演出",
    ),
    (
        "CL-HJ",
        "沪剧欣赏",
        "Shanghai opera appreciation",
        T.CULTURE_LEISURE,
        "",
        "0.5",
        SENIOR_UNIVERSITY,
        None,
        None,
        "",
        "完成16学时课程",
    ),
    (
        "CL-SY",
        "摄影基础",
        "Photography basics",
        T.CULTURE_LEISURE,
        "",
        "1",
        ART_CENTRE,
        None,
        None,
        "",
        "完成32学时课程并提交作品集",
    ),
]
# One standard per learning-cloud category: completions there are certified automatically.
CATALOG_STANDARDS = [
    ("health", "健康养生", T.CULTURE_LEISURE),
    ("arts", "文化艺术", T.CULTURE_LEISURE),
    ("digital", "信息技术", T.NON_DEGREE_TRAINING),
    ("life", "生活技能", T.CULTURE_LEISURE),
    ("career", "职业技能", T.NON_DEGREE_TRAINING),
    ("language", "语言学习", T.NON_DEGREE_TRAINING),
    ("law", "法律与安全", T.CULTURE_LEISURE),
    ("family", "家庭教育", T.CULTURE_LEISURE),
    ("humanities", "人文历史", T.CULTURE_LEISURE),
]
CERTIFIERS = {
    OPEN_UNIVERSITY: ["SOU-"],
    ENTERPRISE: ["ET-", "VC-DG-4", "VC-NCRE-1"],
    ART_CENTRE: ["CL-SF", "CL-GH", "CL-SY"],
    SENIOR_UNIVERSITY: ["CL-TJQ", "CL-HC", "CL-HJ"],
}


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


def _standards() -> int:
    for row in STANDARDS:
        code, name, name_en, kind, level, credits, body, validity, qlevel, category, criteria = row
        Standard.objects.get_or_create(
            code=code,
            version=1,
            defaults={
                "name": name,
                "name_en": name_en,
                "type": kind,
                "level": level,
                "credits": Decimal(credits),
                "awarding_body": body,
                "validity_months": validity,
                "qualification_level": qlevel,
                "catalog_category": category,
                "criteria": criteria,
            },
        )
    for category, label, kind in CATALOG_STANDARDS:
        Standard.objects.get_or_create(
            code=f"CAT-{category.upper()}",
            version=1,
            defaults={
                "name": f"学习平台课程（{label}）",
                "name_en": f"Learning-cloud course ({category})",
                "type": kind,
                "credits": Decimal("0.5"),
                "awarding_body": CREDIT_BANK,
                "catalog_category": category,
                "criteria": "在上海市民终身学习云完成一门课程的全部学习单元",
            },
        )
    # A second version, to show versioning: the 2024 revision of the NCRE level-1 standard.
    if not Standard.objects.filter(code="VC-NCRE-1", version=2).exists():
        Standard.objects.filter(code="VC-NCRE-1", version=1).update(status="retired")
        first = Standard.objects.get(code="VC-NCRE-1", version=1)
        first.pk = None
        first.version = 2
        first.status = Standard.Status.ACTIVE
        first.criteria = "全国计算机等级考试一级合格（2024年版考试大纲）"
        first.save()
    return Standard.objects.count()


def _org(name: str, kind: str) -> identity.OrganisationBrief:
    found = identity.find_organisation(name)
    return found or identity.ensure_demo_organisation(name, kind, "310000")


def _certifiers() -> dict[str, identity.OrganisationBrief]:
    orgs = {
        CREDIT_BANK: _org(CREDIT_BANK, "credit_bank"),
        OPEN_UNIVERSITY: _org(OPEN_UNIVERSITY, "open_university"),
        ENTERPRISE: _org(ENTERPRISE, "enterprise"),
        ART_CENTRE: _org(ART_CENTRE, "training_institution"),
        SENIOR_UNIVERSITY: _org(SENIOR_UNIVERSITY, "senior_university"),
    }
    codes = list(Standard.objects.values_list("code", flat=True).distinct())
    for code in codes:
        Certifier.objects.get_or_create(organisation_id=orgs[CREDIT_BANK].id, standard_code=code)
    for org_name, prefixes in CERTIFIERS.items():
        for code in codes:
            if any(code == p or (p.endswith("-") and code.startswith(p)) for p in prefixes):
                Certifier.objects.get_or_create(
                    organisation_id=orgs[org_name].id, standard_code=code
                )
    return orgs


def _citizen_outcomes(orgs: dict[str, identity.OrganisationBrief]) -> None:
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


def _enterprise_import(orgs: dict[str, identity.OrganisationBrief]) -> None:
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


PROGRAMMES = [
    (
        "SOU-ZK-XQJY",
        "学前教育（专科）",
        {
            "XQ101": ("学前儿童发展心理学", 4),
            "XQ102": ("婴幼儿卫生与保育", 4),
            "XQ201": ("幼儿园艺术教育", 3),
            "JC001": ("计算机应用基础", 4),
            "JC002": ("大学英语（1）", 3),
        },
        Decimal("76"),
        (Decimal("20"), Decimal("12"), Decimal("15")),
        [
            ("VC-YYY-4", "XQ102", None, 5, True),
            ("SOU-21002", "XQ102", Decimal("60"), None, True),
            ("SOU-21001", "XQ101", Decimal("60"), None, True),
            ("SOU-11001", "JC001", Decimal("60"), None, True),
            ("VC-NCRE-1", "JC001", None, 5, True),
            ("VC-NCRE-2", "JC001", None, 5, True),
            ("SOU-11002", "JC002", Decimal("60"), None, True),
            ("CL-SF", "XQ201", Decimal("85"), 5, False),
            ("CL-GH", "XQ201", Decimal("85"), 5, False),
        ],
    ),
    (
        "SOU-ZK-LNFW",
        "老年服务与管理（专科）",
        {
            "LN101": ("老年护理学基础", 3),
            "LN102": ("养老护理实务", 4),
            "LN201": ("老年人活动策划", 3),
            "JC001": ("计算机应用基础", 4),
        },
        Decimal("76"),
        (Decimal("18"), Decimal("10"), Decimal("12")),
        [
            ("VC-YLHL-4", "LN102", None, 5, True),
            ("SOU-31001", "LN101", Decimal("60"), None, True),
            ("SOU-11001", "JC001", Decimal("60"), None, True),
            ("VC-NCRE-1", "JC001", None, 5, True),
            ("CL-TJQ", "LN201", None, 5, False),
            ("CL-HC", "LN201", None, 5, False),
        ],
    ),
]


def _programmes(orgs: dict[str, identity.OrganisationBrief]) -> None:
    for code, name, courses, total, caps, rules in PROGRAMMES:
        programme, _ = Programme.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "institution_id": orgs[OPEN_UNIVERSITY].id,
                "total_credits": total,
                "courses": {k: {"name": n, "credits": c} for k, (n, c) in courses.items()},
            },
        )
        rule_set, _ = RuleSet.objects.get_or_create(
            programme=programme,
            version=1,
            defaults={"cap_total": caps[0], "cap_per_source": caps[1], "cap_per_year": caps[2]},
        )
        for standard_code, course_code, min_score, max_age, automatic in rules:
            conversions.ensure_rule(
                rule_set,
                standard_code=standard_code,
                course_code=course_code,
                course_name=courses[course_code][0],
                course_credits=Decimal(courses[course_code][1]),
                min_score=min_score,
                max_age_years=max_age,
                automatic=automatic,
            )


def _application() -> None:
    person_id = identity.find_person_by_id_number(CITIZEN[1])
    archive = Archive.objects.filter(person_id=person_id).first() if person_id else None
    if archive is None or Application.objects.filter(archive=archive).exists():
        return
    user = get_user_model().objects.filter(username="citizen").first()
    if user is None:
        return
    wanted = list(
        Outcome.objects.filter(
            archive=archive,
            status=Outcome.Status.CERTIFIED,
            standard__code__in=["VC-YYY-4", "SOU-11001", "CL-SF"],
        ).values_list("pk", flat=True)
    )
    conversions.apply_for_conversion(
        actor=identity.actor_for_user(user), programme_code="SOU-ZK-XQJY", outcome_ids=wanted
    )


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the credit bank's demo data (idempotent)."""
    _standards()
    orgs = _certifiers()
    _citizen_outcomes(orgs)
    _enterprise_import(orgs)
    _programmes(orgs)
    _application()
    return {
        "standards": Standard.objects.count(),
        "archives": Archive.objects.count(),
        "outcomes": Outcome.objects.count(),
        "postings": Posting.objects.count(),
        "programmes": Programme.objects.count(),
        "applications": Application.objects.count(),
    }
