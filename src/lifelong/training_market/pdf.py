"""The contract as PDF on the fields of the national model contract (《中小学生校外培训服务合同
（示范文本）》, 教育部 · 国家市场监督管理总局 2021), with a TrueType CJK font embedded (subset) so
that it prints the same everywhere and its Chinese text can be extracted.

The font is WenQuanYi Micro Hei (Debian fonts-wqy-microhei); `TRAINING_MARKET_PDF_FONT` in the
settings may name another TrueType file."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import translation

from lifelong.shared.errors import DomainError
from lifelong.training_market.models import Category, Contract, EscrowAgreement
from lifelong.training_market.money import yuan_str

FONT_NAME = "LifelongContractCJK"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
)


class FontMissing(DomainError):
    status = 503
    code = "contract_font_missing"


def font_path() -> Path | None:
    configured = getattr(settings, "TRAINING_MARKET_PDF_FONT", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@cache
def _font(path: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
    return FONT_NAME


def _chinese(label) -> str:
    # The contract is a Chinese legal text whatever the language of the page that asks for it.
    with translation.override("zh-hans"):
        return str(label)


def contract_pdf(contract: Contract) -> bytes:
    """The signed contract's terms as an A4 PDF."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    path = font_path()
    if path is None:
        raise FontMissing("服务器缺少合同字体（fonts-wqy-microhei） / The contract font is missing")
    font = _font(str(path))
    institution = contract.institution
    escrow = (
        EscrowAgreement.objects.filter(institution=institution, closed_on__isnull=True)
        .order_by("-opened_on")
        .first()
    )
    per_hour = contract.total_fen // contract.class_hours
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=20, spaceBefore=8)
    rows = [
        ("合同编号", contract.number),
        ("甲方（学员）", f"{contract.learner_name}（身份证号 {contract.learner_id_masked}）"),
        ("监护人", contract.guardian_id_masked or "—"),
        ("乙方（培训机构）", institution.name),
        ("统一社会信用代码", institution.uscc),
        ("办学许可证号", institution.licence_number or "—"),
        ("培训项目", contract.course),
        ("培训类别", _chinese(Category(contract.category).label)),
        ("课时", f"{contract.class_hours} 课时"),
        ("服务期", f"{contract.start_date:%Y-%m-%d} 至 {contract.end_date:%Y-%m-%d}"),
        (
            "培训费用",
            f"人民币 {yuan_str(contract.total_fen)} 元（每课时约 {yuan_str(per_hour)} 元）",
        ),
        (
            "收费监管账户",
            f"{escrow.account_number_masked}（存管银行编号 {escrow.bank_id}）"
            if escrow
            else "未开设",
        ),
        ("签订日期", f"{contract.signed_on:%Y-%m-%d}"),
    ]
    table = Table(
        [[Paragraph(k, body), Paragraph(v, body)] for k, v in rows], colWidths=[38 * mm, 122 * mm]
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "#767676"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), "#f3f7fb"),
            ]
        )
    )
    terms = [
        "一、乙方收取的培训费用全部进入上述监管账户，由存管银行按课消进度释放；乙方不得在监管账户外收取任何费用。",
        f"二、本合同一次性收费不超过 {contract.rule.max_months or '—'} 个月或 "
        f"{contract.rule.max_hours or '—'} 课时，收费时间不早于开课前 "
        f"{contract.rule.collect_months_before_start or 0} 个月，服务期不超出乙方场所租赁期。"
        f"（收费规则依据：{contract.rule.source}，自 {contract.rule.effective_from:%Y-%m-%d} 起施行）",
        "三、开课前甲方申请退费的，乙方全额退还；开课后退还未消课部分的费用（已缴费用 − 已上课时对应费用）。",
        "四、甲方可通过上海市民终身学习公共服务平台查询课时、缴费、释放和可退金额，并在线申请退费。",
        "五、因乙方停业、跑路等原因无法继续提供服务的，未消课费用由监管账户和风险保证金优先退还甲方。",
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"培训服务合同 {contract.number}",
        author="上海市民终身学习公共服务平台",
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        invariant=True,
    )
    story = [
        Paragraph("校外培训服务合同", title),
        Paragraph("（依据国家示范文本生成 · Training service contract on the model text）", body),
        Spacer(1, 6 * mm),
        table,
        Paragraph("主要条款", heading),
        *[Paragraph(t, body) for t in terms],
    ]
    doc.build(story)
    return buffer.getvalue()
