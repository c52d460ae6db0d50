"""学分证明 PDF: Chinese, with an embedded TrueType font and a QR code that opens the public
verification page of the signed transcript."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lifelong.credit_bank.credentials import transcript_pdf
from lifelong.credit_bank.tests.vc_helpers import issue_badge

pytestmark = pytest.mark.skipif(
    transcript_pdf.font_path() is None, reason="fonts-wqy-microhei is not installed"
)


def _signed_in(username: str = "citizen") -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _pdf(client: Client):
    from pypdf import PdfReader

    response = client.get("/credit-bank/transcript.pdf")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert re.fullmatch(
        r'attachment; filename="transcript-[0-9a-f-]{36}\.pdf"', response["Content-Disposition"]
    )
    return PdfReader(io.BytesIO(response.content))


def test_pdf_embeds_the_cjk_font_and_its_chinese_text_is_extractable(db):
    issue_badge()

    reader = _pdf(_signed_in())

    fonts = [
        font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()
    ]
    descriptors = [
        f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        for f in fonts
        if "/DescendantFonts" in f
    ] + [f["/FontDescriptor"].get_object() for f in fonts if "/FontDescriptor" in f]
    assert any("/FontFile2" in d for d in descriptors)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "学分证明" in text
    assert "Python 程序设计" in text
    assert "SH-CB-PY-001" in text
    assert "合计学分" in text


def test_qr_code_encodes_the_transcripts_verification_page(db):
    issue_badge()

    reader = _pdf(_signed_in())

    url = reader.metadata["/Subject"]
    assert re.fullmatch(r"https?://.+/credentials/[0-9a-f-]{36}/", url)
    matrix = transcript_pdf.qr_matrix(url)
    drawn = re.findall(rb"[\d.]+ [\d.]+ 3 3 re", reader.pages[-1].get_contents().get_data())
    assert len(drawn) == sum(sum(row) for row in matrix)
    path = url[url.index("/credentials/") :]
    page = Client().get(path)
    assert page.status_code == 200
    assert "学分证明" in page.content.decode()


def test_downloading_twice_renders_the_same_transcript(db):
    issue_badge()
    client = _signed_in()

    first = _pdf(client).metadata["/Subject"]
    second = _pdf(client).metadata["/Subject"]

    assert first == second


def test_pdf_needs_a_signed_in_learner_with_outcomes(db):
    anonymous = Client().get("/credit-bank/transcript.pdf")
    staff = _signed_in("credit_bank_officer").get("/credit-bank/transcript.pdf")

    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]
    assert staff.status_code in (403, 422)
    assert "学分证明" in staff.content.decode()
