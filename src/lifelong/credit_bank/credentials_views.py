"""Pages of the verifiable credentials: the public page of a credential (what it certifies,
who issued it, whether it is still valid, and a server-side "verify" button), and the
signed-in learner's 学分证明 PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from lifelong.credit_bank.credentials import (
    documents,
    selectors,
    services,
    signing,
    verification,
)
from lifelong.identity import api as identity
from lifelong.shared.errors import DomainError, NotFound


def _achievement_rows(document: dict) -> list[dict]:
    subject = document.get("credentialSubject", {})
    if "ClrCredential" in document.get("type", []):
        badges = subject.get("verifiableCredential", [])
    else:
        badges = [document]
    rows = []
    for badge in badges:
        inner = badge.get("credentialSubject", {})
        achievement = inner.get("achievement", {})
        rows.append(
            {
                "name": achievement.get("name", ""),
                "code": achievement.get("humanCode", ""),
                "type": achievement.get("achievementType", ""),
                "description": achievement.get("description", ""),
                "criteria": achievement.get("criteria", {}).get("narrative", ""),
                "credits": inner.get("creditsEarned", achievement.get("creditsAvailable")),
                "issuer": badge.get("issuer", {}).get("name", ""),
                "valid_from": str(badge.get("validFrom", ""))[:10],
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def credential_page(request, credential_id):
    """GET shows the credential; POST (the verify button) verifies the stored credential on
    the server and shows the result on the same page."""
    try:
        credential = selectors.get_credential(credential_id)
    except NotFound:
        raise Http404 from None
    document = signing.signed_json(credential)
    revocation = selectors.revocation_of(credential)
    result = verification.verify_credential(document) if request.method == "POST" else None
    return render(
        request,
        "credit_bank/credential.html",
        {
            "credential": credential,
            "document": document,
            "is_transcript": credential.kind == "clr",
            "rows": _achievement_rows(document),
            "issuer_name": document.get("issuer", {}).get("name", ""),
            "issuer_did": document.get("issuer", {}).get("id", ""),
            "revocation": revocation,
            "result": result,
            "json_url": f"/api/v1/credentials/{credential.pk}",
            "page_url": documents.verification_page_url(credential.pk),
        },
        status=200,
    )


@require_GET
@login_required
def transcript_pdf(request):
    actor = identity.actor_for_user(request.user)
    try:
        credential, content = services.transcript_pdf(actor=actor)
    except DomainError as exc:
        return render(
            request,
            "credit_bank/transcript_unavailable.html",
            {"message": exc.message},
            status=exc.status,
        )
    response = HttpResponse(content, content_type="application/pdf")
    # "下载学分证明" downloads: the learner keeps the file to print or send; a browser's PDF
    # viewer would show it but leave nothing saved.
    response["Content-Disposition"] = f'attachment; filename="transcript-{credential.pk}.pdf"'
    return response
