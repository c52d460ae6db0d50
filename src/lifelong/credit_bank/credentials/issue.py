"""Agreed entry point: issue an Open Badges 3.0 credential for a certified outcome.

The rest of credit_bank calls :func:`issue_outcome_credential` inside its own
transaction when an outcome is certified.
"""

from __future__ import annotations

import datetime
from typing import Any

__all__ = ["issue_outcome_credential", "revoke_outcome_credential"]


def issue_outcome_credential(
    *,
    outcome_id: str,
    issuer_organisation_id: int,
    issuer_name: str,
    learner_person_id: str,
    learner_id_number: str,
    achievement: dict[str, Any],
    issued_on: datetime.date,
) -> str:
    """Sign and store an OpenBadgeCredential for a certified outcome.

    ``achievement`` holds the keys code, name, type, level, credits (decimal
    string), criteria, awarding_body and description. The learner appears in
    the credential only as a salted SHA-256 hash of ``learner_id_number``.
    Runs inside the caller's transaction (joins it). Returns the credential id
    (a UUID string).
    """
    from lifelong.credit_bank.credentials import services

    return services.issue_outcome_credential(
        outcome_id=outcome_id,
        issuer_organisation_id=issuer_organisation_id,
        issuer_name=issuer_name,
        learner_person_id=learner_person_id,
        learner_id_number=learner_id_number,
        achievement=achievement,
        issued_on=issued_on,
    )


def revoke_outcome_credential(*, outcome_id: str, reason: str, actor_label: str = "") -> bool:
    """Revoke the Open Badge of an outcome whose certification was withdrawn; call it inside
    the transaction that revokes the outcome. The credential's bit in its status list is set,
    so verifiers see it revoked. Returns False when the outcome has no credential or it is
    already revoked."""
    from lifelong.credit_bank.credentials import services

    return services.revoke_outcome_credential(
        outcome_id=outcome_id, reason=reason, actor_label=actor_label
    )
