"""Risk warnings: a score with the signals that drove it, and the alert list."""

from __future__ import annotations

import datetime as dt

from lifelong.shared import clock
from lifelong.training_market.models import Institution
from lifelong.training_market.selectors.risk import score_institutions
from lifelong.training_market.tests.helpers import sunshine, trouble


def test_an_institution_heading_for_trouble_scores_high_with_its_signals(as_user):
    body = (
        as_user("regulator").get(f"/api/v1/market/institutions/{trouble('310104').pk}/risk").json()
    )

    drivers = {s["code"] for s in body["signals"] if s["points"]}
    assert body["level"] == "high" and body["score"] >= 60
    assert {"liability_months", "sales_spike", "complaint_spike", "lease_expiring"} <= drivers


def test_a_sound_institution_scores_low(as_user):
    body = (
        as_user("institution_staff").get(f"/api/v1/market/institutions/{sunshine().pk}/risk").json()
    )

    assert body["level"] == "low"


def test_an_expiring_licence_and_lease_are_signals(db):
    institution = sunshine()
    Institution.objects.filter(pk=institution.pk).update(
        licence_valid_until=clock.today() + dt.timedelta(days=30)
    )
    institution.premises.update(lease_end=clock.today() - dt.timedelta(days=1))

    score = score_institutions([Institution.objects.get(pk=institution.pk)])[0]

    points = {s.code: s.points for s in score.signals}
    assert points["licence_expiring"] == 10 and points["lease_expiring"] == 20


def test_the_risk_page_lists_the_districts_alerts(client, db):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="district_officer_huangpu"))
    html = client.get("/market/risk/").content.decode()

    assert trouble("310101").name in html and trouble("310104").name not in html


def test_citizens_get_no_risk_list(as_user, client, db):
    from django.contrib.auth import get_user_model

    assert as_user("citizen").get("/api/v1/market/risk-alerts").status_code == 403
    client.force_login(get_user_model().objects.get(username="citizen"))
    assert client.get("/market/risk/").status_code == 403
