import io

import pytest

from lifelong.catalog import certificate
from lifelong.catalog.models import Enrolment

pytestmark = pytest.mark.skipif(
    certificate.font_path() is None,
    reason="the certificate font is missing: apt-get install fonts-wqy-microhei (.ci/run does)",
)


def _completed(username: str) -> Enrolment:
    return Enrolment.objects.get(
        person__user__username=username, state="completed", resource__kind="course"
    )


def test_the_certificate_embeds_its_cjk_font_and_its_chinese_is_text(as_user):
    from pypdf import PdfReader

    enrolment = _completed("citizen")

    response = as_user("citizen").get(f"/api/v1/me/learning/{enrolment.pk}/certificate.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert b"/FontFile2" in pdf
    assert b"WenQuanYiMicroHei" in pdf or b"WenQuanYi" in pdf
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "八段锦入门" in text
    assert "王晓明" in text
    assert "结业证书" in text


def test_another_persons_certificate_is_not_found(as_user):
    enrolment = _completed("citizen")

    response = as_user("senior_citizen").get(f"/api/v1/me/learning/{enrolment.pk}/certificate.pdf")

    assert response.status_code == 404


def test_an_unfinished_course_has_no_certificate(as_user):
    enrolment = Enrolment.objects.get(
        person__user__username="citizen", state="active", resource__kind="course"
    )

    response = as_user("citizen").get(f"/api/v1/me/learning/{enrolment.pk}/certificate.pdf")

    assert response.status_code == 404


def test_the_certificate_page_link_serves_the_pdf(client, db):
    enrolment = _completed("citizen")
    client.post("/login/", {"username": "citizen", "password": "lifelong-demo"})

    response = client.get(f"/learn/my/{enrolment.pk}/certificate.pdf")

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
