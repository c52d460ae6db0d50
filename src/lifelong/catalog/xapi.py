"""xAPI statements for learning done in the catalog, written to the learning-record store
through `learning_records.api`. Statements that mark a unique event (a unit completed, a live
class attended) carry a deterministic id, so that writing one again is a no-op there too."""

from __future__ import annotations

import uuid

from lifelong.catalog.models import Resource, Unit
from lifelong.learning_records import api as learning_records
from lifelong.shared import clock
from lifelong.shared.errors import Conflict

VERB_PROGRESSED = "http://adlnet.gov/expapi/verbs/progressed"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
VERB_EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
_VERB_NAMES = {
    VERB_PROGRESSED: ("取得进展", "progressed"),
    VERB_COMPLETED: ("完成", "completed"),
    VERB_ATTENDED: ("参加", "attended"),
    VERB_EXPERIENCED: ("学习", "experienced"),
}
ACTIVITY_BASE = f"{learning_records.PLATFORM_HOME_PAGE}/xapi/activities/catalog"
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "mooc": "http://adlnet.gov/expapi/activities/course",
    "live": "http://adlnet.gov/expapi/activities/meeting",
    "offline": "http://adlnet.gov/expapi/activities/course",
    "article": "http://adlnet.gov/expapi/activities/media",
    "video": "http://adlnet.gov/expapi/activities/media",
    "video_unit": "http://adlnet.gov/expapi/activities/media",
    "audio_unit": "http://adlnet.gov/expapi/activities/media",
    "document_unit": "http://adlnet.gov/expapi/activities/media",
    "quiz_unit": "http://adlnet.gov/expapi/activities/assessment",
}
_NAMESPACE = uuid.UUID("6f1c1d8e-3f4b-4d1e-9a6b-0c2b7c5a9e11")
EXT_POSITION = f"{learning_records.PLATFORM_HOME_PAGE}/xapi/extensions/position-seconds"
EXT_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"


def resource_activity(resource: Resource) -> dict:
    return {
        "objectType": "Activity",
        "id": f"{ACTIVITY_BASE}/resources/{resource.pk}",
        "definition": {
            "name": {"zh-CN": resource.title},
            "type": ACTIVITY_TYPES[resource.kind],
        },
    }


def unit_activity(unit: Unit, resource: Resource) -> dict:
    return {
        "objectType": "Activity",
        "id": f"{ACTIVITY_BASE}/resources/{resource.pk}/units/{unit.pk}",
        "definition": {
            "name": {"zh-CN": unit.title},
            "type": ACTIVITY_TYPES[f"{unit.kind}_unit"],
        },
    }


def statement_id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


def record(
    *,
    person_id: str,
    verb: str,
    activity: dict,
    parent: dict | None = None,
    result: dict | None = None,
    statement_key: tuple | None = None,
) -> str:
    """Write one statement for `person_id`; returns its id."""
    zh, en = _VERB_NAMES[verb]
    statement: dict = {
        "id": statement_id(*statement_key) if statement_key else str(uuid.uuid4()),
        "actor": learning_records.agent_for_person(person_id),
        "verb": {"id": verb, "display": {"zh-CN": zh, "en-US": en}},
        "object": activity,
        "timestamp": clock.now().isoformat(),
    }
    if parent is not None:
        statement["context"] = {"contextActivities": {"parent": [parent]}}
    if result is not None:
        statement["result"] = result
    try:
        return learning_records.record_statement(
            statement, client_name=learning_records.PLATFORM_CLIENT
        )
    except Conflict:
        # A keyed statement already stored (with its first timestamp): the event is recorded.
        if statement_key is None:
            raise
        return statement["id"]
