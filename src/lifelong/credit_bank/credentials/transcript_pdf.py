"""学分证明 — the credit transcript as PDF: Chinese text in an embedded TrueType CJK font
(WenQuanYi Micro Hei, Debian fonts-wqy-microhei), the learner's certified outcomes, and a QR
code that opens the public verification page of the signed CLR transcript it renders."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import segno
from django.conf import settings

from lifelong.credit_bank.credentials import documents
from lifelong.shared.errors import DomainError

FONT_NAME = "WenQuanYiMicroHei"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
)


class FontMissing(DomainError):
    status = 503
    code = "transcript_font_missing"


@dataclass(frozen=True)
class Line:
    name: str
    code: str
    credits: Decimal | None
    issuer: str
    issued_on: str


def font_path() -> Path | None:
    configured = getattr(settings, "CREDIT_BANK_TRANSCRIPT_FONT", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@cache
def _register_font(path: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
    return FONT_NAME


def qr_matrix(url: str) -> tuple[tuple[int, ...], ...]:
    """The QR code's modules (1 = dark), without the quiet zone."""
    return tuple(tuple(row) for row in segno.make(url, error="m", micro=False).matrix)


def _fit(pdf, text: str, font: str, size: float, width: float) -> str:
    while text and pdf.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text


def render(
    *,
    learner_name: str,
    transcript_id: str,
    issuer_name: str,
    issued_on: str,
    lines: list[Line],
) -> bytes:
    """The transcript as PDF bytes (A4 portrait)."""
    from reportlab.lib.colors import HexColor, black, white
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = font_path()
    if path is None:
        raise FontMissing(
            "服务器缺少中文字体（fonts-wqy-microhei） / The transcript font is not installed"
        )
    font = _register_font(str(path))
    url = documents.verification_page_url(transcript_id)
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle("学分证明 Credit transcript")
    pdf.setAuthor(issuer_name)
    pdf.setSubject(url)

    def header(y: float) -> float:
        pdf.setFillColor(HexColor("#0b5394"))
        pdf.setFont(font, 24)
        pdf.drawCentredString(width / 2, y, "学分证明")
        pdf.setFont(font, 12)
        pdf.drawCentredString(width / 2, y - 20, "Credit Transcript · " + issuer_name)
        pdf.setFillColor(black)
        return y - 50

    y = header(height - 60)
    pdf.setFont(font, 12)
    pdf.drawString(50, y, f"学习者 Learner：{learner_name}")
    pdf.drawString(50, y - 18, f"出具日期 Issued：{issued_on}")
    pdf.drawString(50, y - 36, f"证明编号 No.：{transcript_id}")
    y -= 66
    columns = [
        (50, "序号"),
        (80, "学习成果 Outcome"),
        (290, "标准代码 Code"),
        (390, "学分 Credits"),
        (450, "签发机构 Issuer"),
    ]

    def table_head(y: float) -> float:
        pdf.setFillColor(HexColor("#dbe8f5"))
        pdf.rect(45, y - 6, width - 90, 20, stroke=0, fill=1)
        pdf.setFillColor(black)
        pdf.setFont(font, 10)
        for x, title in columns:
            pdf.drawString(x, y, title)
        return y - 22

    y = table_head(y)
    total = Decimal("0")
    for number, line in enumerate(lines, start=1):
        if y < 190:
            pdf.showPage()
            y = table_head(header(height - 60))
        pdf.setFont(font, 10)
        pdf.drawString(50, y, str(number))
        pdf.drawString(80, y, _fit(pdf, line.name, font, 10, 200))
        pdf.drawString(290, y, _fit(pdf, line.code, font, 10, 95))
        pdf.drawString(390, y, f"{line.credits}" if line.credits is not None else "—")
        pdf.drawString(450, y, _fit(pdf, line.issuer, font, 10, width - 500))
        pdf.setFont(font, 8)
        pdf.drawString(80, y - 11, f"签发 {line.issued_on}")
        total += line.credits or Decimal("0")
        y -= 28
    pdf.setFont(font, 12)
    pdf.drawString(50, y - 4, f"合计学分 Total credits：{total}")

    # QR code: drawn as vector squares, with the four-module quiet zone QR requires.
    matrix = qr_matrix(url)
    module = 3.0
    side = (len(matrix) + 8) * module
    left, bottom = width - 50 - side, 50
    pdf.setFillColor(white)
    pdf.rect(left, bottom, side, side, stroke=0, fill=1)
    pdf.setFillColor(black)
    for row_number, row in enumerate(matrix):
        for col_number, dark in enumerate(row):
            if dark:
                pdf.rect(
                    left + (col_number + 4) * module,
                    bottom + side - (row_number + 5) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )
    pdf.setFont(font, 9)
    pdf.drawString(50, 110, "扫描右侧二维码，或访问以下网址，验证本证明的真实性：")
    pdf.drawString(50, 96, "Scan the QR code or open this address to verify this transcript:")
    pdf.setFont(font, 8)
    pdf.drawString(50, 80, url)
    pdf.drawString(
        50, 60, "本证明为 W3C 可验证凭证（CLR 2.0，eddsa-rdfc-2022 签名），撤销后验证将失败。"
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
