"""The printable route sheet (PDF, Chinese first): the route's facts, a sketch of the walk,
every stop with its guide notes, and QR codes (the route page, and each stop's check-in).

Chinese text uses the PDF standard CJK font STSong-Light (Adobe-GB1), which every PDF reader
supplies, so no font file is embedded and the sheet stays a few kilobytes."""

from __future__ import annotations

import io
import math

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from lifelong.learning_map.models import Route

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _qr(c: canvas.Canvas, value: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(value)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Break text into lines that fit `width` (character by character: Chinese has no spaces)."""
    lines: list[str] = []
    current = ""
    for ch in text.replace("\r", ""):
        if ch == "\n":
            lines.append(current)
            current = ""
            continue
        if pdfmetrics.stringWidth(current + ch, FONT, size) > width:
            lines.append(current)
            current = ch
        else:
            current += ch
    if current:
        lines.append(current)
    return lines


def _sketch(c: canvas.Canvas, points: list[tuple[float, float]], x, y, w, h) -> None:
    """The stops joined in order, scaled into the box (an equirectangular sketch, north up)."""
    c.setStrokeGray(0.6)
    c.rect(x, y, w, h)
    if not points:
        return
    lats = [p[0] for p in points]
    lngs = [p[1] for p in points]
    k = math.cos(math.radians(sum(lats) / len(lats)))
    span = max((max(lngs) - min(lngs)) * k, max(lats) - min(lats), 1e-6)
    scale = min(w, h) * 0.85 / span
    cx, cy = (max(lngs) + min(lngs)) / 2, (max(lats) + min(lats)) / 2

    def at(lat: float, lng: float) -> tuple[float, float]:
        return x + w / 2 + (lng - cx) * k * scale, y + h / 2 + (lat - cy) * scale

    c.setStrokeColorRGB(0.75, 0.1, 0.1)
    c.setLineWidth(2)
    path = c.beginPath()
    for i, (lat, lng) in enumerate(points):
        px, py = at(lat, lng)
        if i == 0:
            path.moveTo(px, py)
        else:
            path.lineTo(px, py)
    c.drawPath(path, stroke=1, fill=0)
    c.setLineWidth(1)
    for i, (lat, lng) in enumerate(points, start=1):
        px, py = at(lat, lng)
        c.setFillColorRGB(1, 1, 1)
        c.circle(px, py, 7, stroke=1, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.setFont("Helvetica-Bold", 8)
        c.drawCentredString(px, py - 3, str(i))


def route_sheet_pdf(route: Route, *, site: str = "") -> bytes:
    """The sheet as PDF bytes. `site` (scheme and host) makes the QR codes absolute URLs."""
    font = _font()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(f"{route.name} · 人文行走路线单")
    c.setAuthor("上海市民终身学习 · 学习地图")
    c.setSubject("Humanities walk route sheet")
    width, height = A4
    margin = 18 * mm
    stops = list(route.stops.all())

    y = height - margin
    c.setFont(font, 20)
    c.drawString(margin, y - 14, route.name)
    y -= 30
    c.setFont(font, 11)
    facts = [
        f"主题：{route.get_theme_display()}    适合对象：{route.get_audience_display()}",
        f"全长：约 {route.length_m / 1000:.1f} 公里    预计用时：{route.duration_minutes} 分钟"
        f"    站点：{len(stops)} 个",
    ]
    if route.circle:
        facts.append(f"区域行走圈：{route.circle.name}")
    for line in facts:
        c.drawString(margin, y, line)
        y -= 16
    for line in _wrap(route.description, width - 2 * margin - 40 * mm, 10.5)[:6]:
        c.setFont(font, 10.5)
        c.drawString(margin, y, line)
        y -= 14
    _qr(
        c,
        f"{site}/map/routes/{route.pk}/",
        width - margin - 30 * mm,
        height - margin - 32 * mm,
        30 * mm,
    )
    c.setFont(font, 8)
    c.drawCentredString(width - margin - 15 * mm, height - margin - 35 * mm, "扫码查看路线与报名")

    sketch_h = 70 * mm
    y -= 6
    _sketch(
        c,
        [(s.place.lat, s.place.lng) for s in stops],
        margin,
        y - sketch_h,
        width - 2 * margin,
        sketch_h,
    )
    y -= sketch_h + 14

    c.setFont(font, 13)
    c.drawString(margin, y, "站点与讲解要点")
    y -= 8
    qr_size = 18 * mm
    for stop in stops:
        block = qr_size + 6
        if y - block < margin + 10:
            c.showPage()
            y = height - margin
        y -= 6
        _qr(
            c,
            f"{site}/map/checkin/{stop.place.checkin_code}/",
            width - margin - qr_size,
            y - qr_size,
            qr_size,
        )
        c.setFont(font, 11.5)
        c.drawString(margin, y - 12, f"{stop.position}. {stop.place.name}")
        c.setFont(font, 9.5)
        lines = []
        if stop.place.address:
            lines.append(f"地址：{stop.place.address}")
        if stop.note:
            lines.extend(_wrap(f"讲解要点：{stop.note}", width - 2 * margin - qr_size - 8, 9.5))
        access = [
            label
            for flag, label in (
                (stop.place.step_free, "无障碍通道"),
                (stop.place.seating, "休息座椅"),
                (stop.place.accessible_toilet, "无障碍卫生间"),
            )
            if flag
        ]
        if access:
            lines.append("适老设施：" + "、".join(access))
        ly = y - 26
        for line in lines[:4]:
            c.drawString(margin + 12, ly, line)
            ly -= 12
        y -= block
        c.setStrokeGray(0.85)
        c.line(margin, y, width - margin, y)

    c.setFont(font, 8)
    c.drawString(
        margin, margin - 8 * mm, "到达站点后扫描右侧二维码打卡。行走途中请注意交通安全，量力而行。"
    )
    c.showPage()
    c.save()
    return buffer.getvalue()
