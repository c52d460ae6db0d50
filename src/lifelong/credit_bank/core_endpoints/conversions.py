"""Programmes, their conversion rules, and learners' conversion applications with staff
review (under /api/v1)."""

from __future__ import annotations

from uuid import UUID

from ninja import Query, Router, Status

from lifelong.credit_bank import access, selectors
from lifelong.credit_bank.models import Application
from lifelong.credit_bank.schemas import (
    ConversionFilter,
    ConversionIn,
    ConversionOut,
    ConversionPage,
    ConversionReviewIn,
    ProgrammeList,
    RuleSetIn,
    RuleSetOut,
)
from lifelong.credit_bank.services import conversions
from lifelong.identity import api as identity

router = Router(tags=["credit_bank"])
bearer = identity.BearerAuth()


@router.get(
    "/credit-bank/programmes",
    response=ProgrammeList,
    auth=None,
    summary="Programmes open to credit conversion, with the rules and caps in force",
)
def list_programmes(request):
    items = []
    pairs = selectors.list_programmes()
    names = identity.organisation_names([p.institution_id for p, _ in pairs])
    for programme, rule_set in pairs:
        items.append(
            {
                "code": programme.code,
                "name": programme.name,
                "institution": names.get(programme.institution_id),
                "total_credits": programme.total_credits,
                "courses": [
                    {"code": code, "name": c["name"], "credits": c["credits"]}
                    for code, c in sorted((programme.courses or {}).items())
                ],
                "rule_set_version": rule_set.version if rule_set else None,
                "caps": {
                    "total": rule_set.cap_total,
                    "per_source": rule_set.cap_per_source,
                    "per_year": rule_set.cap_per_year,
                }
                if rule_set
                else None,
                "rules": [
                    {
                        "standard_code": r.standard_code,
                        "course_code": r.course_code,
                        "course_name": r.course_name,
                        "course_credits": r.course_credits,
                        "min_score": r.min_score,
                        "max_age_years": r.max_age_years,
                        "automatic": r.automatic,
                    }
                    for r in (rule_set.rules.all() if rule_set else [])
                ],
            }
        )
    return {"items": items, "count": len(items)}


@router.post(
    "/credit-bank/programmes/{code}/rule-sets",
    response={201: RuleSetOut},
    auth=bearer,
    summary="Publish the next version of a programme's conversion rules and caps "
    "(credit-bank officers)",
)
def publish_rule_set(request, code: str, payload: RuleSetIn):
    rule_set = conversions.publish_rule_set(
        actor=request.auth,
        programme_code=code[:40],
        cap_total=payload.cap_total,
        cap_per_source=payload.cap_per_source,
        cap_per_year=payload.cap_per_year,
        rules_in=[r.dict() for r in payload.rules],
    )
    return Status(
        201,
        {
            "programme_code": code,
            "version": rule_set.version,
            "status": rule_set.status,
            "rules": rule_set.rules.count(),
        },
    )


def conversion_out(application: Application) -> dict:
    programme = application.rule_set.programme
    return {
        "id": application.pk,
        "programme_code": programme.code,
        "programme_name": programme.name,
        "rule_set_version": application.rule_set.version,
        "status": application.status,
        "granted_credits": application.granted_credits,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "items": [
            {
                "id": i.pk,
                "outcome_id": i.outcome_id,
                "outcome_title": i.outcome.title,
                "decision": i.decision,
                "course_code": i.course_code,
                "credits": i.credits,
                "reasons": i.reasons,
                "decided_at": i.decided_at,
            }
            for i in application.items.all()
        ],
    }


@router.post(
    "/credit-bank/conversions",
    response={201: ConversionOut},
    auth=bearer,
    summary="Apply to convert outcomes of your archive into a programme's courses: decided "
    "at once where a rule decides, otherwise under staff review",
)
def apply_conversion(request, payload: ConversionIn):
    application = conversions.apply_for_conversion(
        actor=request.auth,
        programme_code=payload.programme_code,
        outcome_ids=payload.outcome_ids,
    )
    return Status(
        201, conversion_out(access.access_application_by_id(request.auth, application.pk))
    )


@router.get(
    "/credit-bank/conversions",
    response=ConversionPage,
    auth=bearer,
    summary="Your conversion applications (officers: all, e.g. those under review)",
)
def list_conversions(request, filters: Query[ConversionFilter]):
    page = selectors.list_applications(request.auth, **filters.dict())
    return {"items": [conversion_out(a) for a in page.items], "count": page.count}


@router.get(
    "/credit-bank/conversions/{application_id}",
    response=ConversionOut,
    auth=bearer,
    summary="One conversion application with its decisions and reasons",
)
def conversion_detail(request, application_id: UUID):
    return conversion_out(access.access_application_by_id(request.auth, application_id))


@router.post(
    "/credit-bank/conversions/{application_id}/items/{item_id}/review",
    response=ConversionOut,
    auth=bearer,
    summary="Decide an item under review (credit-bank officers)",
)
def review_conversion(request, application_id: UUID, item_id: int, payload: ConversionReviewIn):
    conversions.review_conversion_item(
        actor=request.auth, application_id=application_id, item_id=item_id, **payload.dict()
    )
    return conversion_out(access.access_application_by_id(request.auth, application_id))
