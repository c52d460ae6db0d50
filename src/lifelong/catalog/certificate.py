"""Completion certificates as PDF, with a TrueType CJK font embedded (subset) so that the
certificate renders the same on any reader, with its Chinese text extractable.

The font is WenQuanYi Micro Hei (Debian package fonts-wqy-microhei), whose TrueType outlines
reportlab can embed; Noto CJK's CFF outlines it cannot. `CATALOG_CERTIFICATE_FONT` may name
another TrueType/TTC file."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from django.conf import settings

from lifelong.catalog.models import Certificate
from lifelong.shared import clock
from lifelong.shared.errors import DomainError

FONT_NAME = "WenQuanYiMicroHei"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
)


class FontMissing(DomainError):
    status = 503
    code = "certificate_font_missing"


def font_path() -> Path | None:
    configured = getattr(settings, "CATALOG_CERTIFICATE_FONT", "")
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


def render_certificate(certificate: Certificate, person_name: str, provider: str) -> bytes:
    """The certificate as PDF bytes (A4 landscape)."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    path = font_path()
    if path is None:
        raise FontMissing(
            "服务器缺少证书字体（fonts-wqy-microhei） / The certificate font is not installed"
        )
    font = _register_font(str(path))
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=True)
    pdf.setTitle(f"结业证书 {certificate.title}")
    pdf.setAuthor("上海市民终身学习公共服务平台")
    pdf.setStrokeColor(HexColor("#0b5394"))
    pdf.setLineWidth(6)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setFillColor(HexColor("#0b5394"))
    pdf.setFont(font, 40)
    pdf.drawCentredString(width / 2, height - 130, "结业证书")
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, height - 160, "Certificate of Completion")
    pdf.setFillColor(HexColor("#1a1a1a"))
    pdf.setFont(font, 24)
    pdf.drawCentredString(width / 2, height - 230, f"{person_name} 同志")
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, height - 280, "已完成上海市民终身学习云课程")
    pdf.setFont(font, 26)
    pdf.drawCentredString(width / 2, height - 330, f"《{certificate.title}》")
    pdf.setFont(font, 14)
    issued = certificate.issued_at.astimezone(clock.SHANGHAI)
    pdf.drawCentredString(width / 2, height - 380, f"课程提供：{provider}")
    pdf.drawCentredString(
        width / 2, height - 405, f"颁发日期：{issued.year}年{issued.month}月{issued.day}日"
    )
    pdf.setFont(font, 11)
    pdf.drawCentredString(width / 2, 60, f"证书编号 / Certificate No. {certificate.pk}")
    pdf.drawCentredString(width / 2, 44, "上海市民终身学习公共服务平台")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def certificate_pdf_for(actor, enrolment_id: int) -> tuple[bytes, str]:
    """The actor's own certificate for one completed enrolment: PDF bytes and a file name."""
    from lifelong.catalog import selectors
    from lifelong.identity import api as identity

    certificate = selectors.certificate_of(actor, enrolment_id)
    brief = identity.person_briefs([certificate.person_id]).get(str(certificate.person_id))
    provider = certificate.resource.provider.name
    pdf = render_certificate(certificate, brief.name if brief else "", provider)
    return pdf, f"certificate-{certificate.pk}.pdf"
