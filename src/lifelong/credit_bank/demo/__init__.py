"""Shanghai demo data for the credit bank: the catalogue of certification standards and who
may certify them (`standards`), the demo citizen's certified outcomes, the records a Yangtze
River Delta partner credit bank sent for them and an enterprise import with one bad row
(`archives`), the partner registry and recognition table (`credentials.demo`), and two
programmes with conversion rules and an application (`conversions`).
Idempotent: running it again changes nothing. Only `lifelong load_demo` calls this."""

from __future__ import annotations

from django.db import transaction

from lifelong.credit_bank.credentials import demo as exchange_demo
from lifelong.credit_bank.demo.archives import (
    CITIZEN,
    demo_import_csv,
    load_citizen_outcomes,
    load_enterprise_import,
    load_partner_records,
)
from lifelong.credit_bank.demo.conversions import load_application, load_programmes
from lifelong.credit_bank.demo.standards import load_certifiers, load_standards
from lifelong.credit_bank.models import (
    Application,
    Archive,
    ImportedCredential,
    Outcome,
    Partner,
    Posting,
    Programme,
    Standard,
)

__all__ = ["CITIZEN", "demo_import_csv", "load_demo"]


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the credit bank's demo data (idempotent)."""
    load_standards()
    orgs = load_certifiers()
    load_citizen_outcomes(orgs)
    load_enterprise_import(orgs)
    exchange_demo.load_demo()
    load_partner_records()
    load_programmes(orgs)
    load_application()
    return {
        "standards": Standard.objects.count(),
        "archives": Archive.objects.count(),
        "outcomes": Outcome.objects.count(),
        "postings": Posting.objects.count(),
        "partners": Partner.objects.count(),
        "partner_credentials": ImportedCredential.objects.count(),
        "programmes": Programme.objects.count(),
        "applications": Application.objects.count(),
    }
