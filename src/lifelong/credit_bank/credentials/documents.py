"""The shapes of the credentials we issue: Open Badges 3.0 `OpenBadgeCredential`, CLR 2.0
`ClrCredential` and the `BitstringStatusListCredential` behind revocation. Pure functions: the
documents are built here and signed elsewhere."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings

from lifelong.credit_bank.credentials.jsonld import CLR_V2, CREDENTIALS_V2, OB_V3
from lifelong.shared.clock import SHANGHAI

OB_CONTEXT = [CREDENTIALS_V2, OB_V3]
# The order 1EdTech's published CLR 2.0 examples use.
CLR_CONTEXT = [CREDENTIALS_V2, CLR_V2, OB_V3]
STATUS_LIST_CONTEXT = [CREDENTIALS_V2]

IDENTITY_TYPE = "nationalIdentityNumber"  # OB 3.0 IdentifierTypeEnum
_NAMESPACE = uuid.UUID("6f1c3c52-2b43-5b7e-9d1c-3f6c1b0d8a11")

# Our outcome types → OB 3.0 AchievementType vocabulary.
ACHIEVEMENT_TYPES = {
    "degree_course": "Course",
    "non_degree_training": "CertificateOfCompletion",
    "enterprise_training": "CertificateOfCompletion",
    "vocational_certificate": "Certification",
    "culture_leisure": "Badge",
}


def public_base_url() -> str:
    """Where this platform is reachable; credential ids and status-list URLs are built on it
    and then signed, so it must not change once credentials are issued."""
    return str(settings.PUBLIC_BASE_URL).rstrip("/")


def status_list_url(list_id: int) -> str:
    return f"{public_base_url()}/api/v1/credentials/status/{list_id}"


def verification_page_url(credential_id: uuid.UUID | str) -> str:
    return f"{public_base_url()}/credentials/{credential_id}/"


def datetime_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def date_start_text(day: dt.date) -> str:
    """Midnight of a Shanghai day, as an XML Schema dateTime with its offset."""
    return dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI).isoformat()


def identity_digest(id_number: str, salt: str) -> str:
    """Hex SHA-256 of the normalised ID number followed by the salt."""
    return hashlib.sha256((id_number.strip().upper() + salt).encode("utf-8")).hexdigest()


def identity_object(id_number: str, salt: str | None = None) -> dict[str, Any]:
    """OB 3.0 IdentityObject naming the learner by a salted SHA-256 of the ID number."""
    salt = salt or secrets.token_hex(16)
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${identity_digest(id_number, salt)}",
        "identityType": IDENTITY_TYPE,
        "hashed": True,
        "salt": salt,
    }


def identity_matches(identity: dict[str, Any], id_number: str) -> bool:
    salt = identity.get("salt")
    if not isinstance(salt, str):
        return False
    return identity_object(id_number, salt)["identityHash"] == identity.get("identityHash")


def credits_number(value: str | Decimal | None) -> float | None:
    """OB `creditsAvailable`/`creditsEarned` are JSON numbers (xsd:float); at two decimals the
    float's shortest representation is the decimal itself."""
    if value is None or value == "":
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.01")).normalize())


def status_entry(list_id: int, index: int) -> dict[str, Any]:
    url = status_list_url(list_id)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def issuer_profile(did: str, name: str) -> dict[str, Any]:
    return {"id": did, "type": ["Profile"], "name": name}


def achievement(data: dict[str, Any], issuer: dict[str, Any]) -> dict[str, Any]:
    code = str(data.get("code") or "")
    result: dict[str, Any] = {
        "id": f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'standard:' + code)}",
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES.get(str(data.get("type") or ""), "Achievement"),
        "name": str(data.get("name") or code),
        "description": str(data.get("description") or data.get("name") or code),
        "criteria": {"narrative": str(data.get("criteria") or data.get("name") or code)},
        "humanCode": code,
    }
    credits = credits_number(data.get("credits"))
    if credits is not None:
        result["creditsAvailable"] = credits
    if data.get("level"):
        result["tag"] = [str(data["level"])]
    awarding = str(data.get("awarding_body") or "")
    if awarding and awarding != issuer.get("name"):
        result["creator"] = {
            "id": f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'organisation:' + awarding)}",
            "type": ["Profile"],
            "name": awarding,
        }
    else:
        result["creator"] = issuer
    return result


def open_badge(
    *,
    credential_id: uuid.UUID,
    issuer: dict[str, Any],
    identity: dict[str, Any],
    achievement_data: dict[str, Any],
    issued_on: dt.date,
    status: dict[str, Any],
) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [identity],
        "achievement": achievement(achievement_data, issuer),
    }
    earned = credits_number(achievement_data.get("credits"))
    if earned is not None:
        subject["creditsEarned"] = earned
    valid_from = date_start_text(issued_on)
    return {
        "@context": list(OB_CONTEXT),
        "id": f"urn:uuid:{credential_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": subject["achievement"]["name"],
        "issuer": issuer,
        "validFrom": valid_from,
        "awardedDate": valid_from,
        "credentialSubject": subject,
        "credentialStatus": status,
    }


# Placeholders of a BadgeTemplate: private-use characters, which JSON leaves as they are.
_SLOTS = {
    "credential_id": "\ue000",
    "digest": "\ue001",
    "salt": "\ue002",
    "list_id": "\ue003",
    "index": "\ue004",
}


class BadgeTemplate:
    """The unsigned OpenBadgeCredential of one achievement, issuer and day, as compact JSON
    text with holes for what differs from badge to badge (credential id, identity hash and
    salt, status list and index). Rendering joins strings, so a bulk issue of many badges
    does not build and serialise a document per badge; `render` gives exactly the text of
    `compact(open_badge(...))`."""

    # Where each placeholder occurs in an Open Badge (ids and URLs of the status entry).
    _EXPECTED = {"credential_id": 1, "digest": 1, "salt": 1, "list_id": 2, "index": 2}

    def __init__(
        self, *, issuer: dict[str, Any], achievement_data: dict[str, Any], issued_on: dt.date
    ):
        self._issuer, self._data, self._issued_on = issuer, achievement_data, issued_on
        document = open_badge(
            credential_id=_SLOTS["credential_id"],  # type: ignore[arg-type]
            issuer=issuer,
            identity={
                "type": "IdentityObject",
                "identityHash": "sha256$" + _SLOTS["digest"],
                "identityType": IDENTITY_TYPE,
                "hashed": True,
                "salt": _SLOTS["salt"],
            },
            achievement_data=achievement_data,
            issued_on=issued_on,
            status=status_entry(_SLOTS["list_id"], _SLOTS["index"]),  # type: ignore[arg-type]
        )
        text = compact(document)
        marks = {mark: name for name, mark in _SLOTS.items()}
        pieces = re.split("(" + "|".join(marks) + ")", text)
        self._literals = pieces[0::2]
        self._holes = [marks[mark] for mark in pieces[1::2]]
        counts = {name: self._holes.count(name) for name in _SLOTS}
        # A standard whose text holds one of the placeholder characters renders the slow way.
        self._by_template = counts == self._EXPECTED

    def render(
        self, *, credential_id: str, id_number: str, salt: str, list_id: int, index: int
    ) -> str:
        """The badge's unsigned JSON text; `credential_id` in its hyphenated form."""
        if not self._by_template:
            return compact(
                open_badge(
                    credential_id=credential_id,  # type: ignore[arg-type]
                    issuer=self._issuer,
                    identity=identity_object(id_number, salt),
                    achievement_data=self._data,
                    issued_on=self._issued_on,
                    status=status_entry(list_id, index),
                )
            )
        values = {
            "credential_id": credential_id,
            "digest": identity_digest(id_number, salt),
            "salt": salt,
            "list_id": str(list_id),
            "index": str(index),
        }
        literals = self._literals
        parts = [literals[0]]
        for hole, literal in zip(self._holes, literals[1:], strict=True):
            parts.append(values[hole])
            parts.append(literal)
        return "".join(parts)


def compact(document: dict[str, Any]) -> str:
    """The stored form of an unsigned document (signed ones are stored indented)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def clr(
    *,
    credential_id: uuid.UUID,
    issuer: dict[str, Any],
    identity: dict[str, Any],
    badges: list[dict[str, Any]],
    issued_at: dt.datetime,
    status: dict[str, Any],
    name: str,
) -> dict[str, Any]:
    achievements = []
    seen = set()
    for badge in badges:
        item = badge["credentialSubject"]["achievement"]
        if item["id"] not in seen:
            seen.add(item["id"])
            achievements.append(item)
    return {
        "@context": list(CLR_CONTEXT),
        "id": f"urn:uuid:{credential_id}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": name,
        "description": "上海市终身教育学分银行出具的学分证明（综合学习记录） / "
        "Credit transcript (Comprehensive Learner Record) of the Shanghai Credit Bank",
        "issuer": issuer,
        "validFrom": datetime_text(issued_at),
        "awardedDate": datetime_text(issued_at),
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": [identity],
            "verifiableCredential": badges,
            "achievement": achievements,
        },
        "credentialStatus": status,
    }


def status_list_credential(
    *, list_id: int, issuer: dict[str, Any], encoded: str, issued_at: dt.datetime
) -> dict[str, Any]:
    url = status_list_url(list_id)
    return {
        "@context": list(STATUS_LIST_CONTEXT),
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer["id"],
        "validFrom": datetime_text(issued_at),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
