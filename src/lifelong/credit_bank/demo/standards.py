"""The demo catalogue of certification standards (open-university courses, vocational
certificates, enterprise training, culture and leisure learning, and one standard per
learning-cloud category, with a second version of one to show versioning), the organisations
that award them, and who may certify which."""

from __future__ import annotations

from decimal import Decimal

from lifelong.credit_bank.models import Certifier, OutcomeType, Standard
from lifelong.identity import api as identity

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


def load_standards() -> int:
    """The catalogue, version 1 of each standard and version 2 of VC-NCRE-1."""
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


def load_certifiers() -> dict[str, identity.OrganisationBrief]:
    """The awarding organisations and their grants: the credit bank certifies everything."""
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
