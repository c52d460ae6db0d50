"""Test helpers: an xAPI client speaking to /xapi/ with Basic credentials and the version
header, and a valid statement to vary."""

from __future__ import annotations

import base64
import copy
import json
import uuid

from django.test import Client

DEMO_KEY = "demo-lrs"
DEMO_SECRET = "lifelong-demo"
STATEMENTS = "/xapi/statements"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


class Xapi:
    def __init__(self, key: str = DEMO_KEY, secret: str = DEMO_SECRET, version: str = "1.0.3"):
        self.client = Client()
        self.headers: dict[str, str] = {"HTTP_AUTHORIZATION": basic(key, secret)}
        if version:
            self.headers["HTTP_X_EXPERIENCE_API_VERSION"] = version

    def get(self, path: str = STATEMENTS, params: dict | None = None, **headers):
        return self.client.get(path, params or {}, **{**self.headers, **headers})

    def head(self, path: str = STATEMENTS, params: dict | None = None, **headers):
        return self.client.head(path, params or {}, **{**self.headers, **headers})

    def post(self, body, path: str = STATEMENTS, content_type="application/json", **headers):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.post(
            path, data, content_type=content_type, **{**self.headers, **headers}
        )

    def put(self, body, statement_id: str | None, content_type="application/json", **headers):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        path = STATEMENTS + (f"?statementId={statement_id}" if statement_id else "")
        return self.client.put(path, data, content_type=content_type, **{**self.headers, **headers})

    def delete(self, path: str = STATEMENTS):
        return self.client.delete(path, **self.headers)

    def store(self, *statements: dict) -> list[str]:
        response = self.post(list(statements))
        assert response.status_code == 200, response.content
        return response.json()

    def statement(self, statement_id: str, **params):
        return self.get(params={"statementId": statement_id, **params})

    def query(self, **params) -> dict:
        response = self.get(params=params)
        assert response.status_code == 200, response.content
        return response.json()


BASE = {
    "actor": {"objectType": "Agent", "name": "徐汇学员", "mbox": "mailto:learner@example.com"},
    "verb": {
        "id": "http://adlnet.gov/expapi/verbs/completed",
        "display": {"zh-CN": "完成了", "en-US": "completed"},
    },
    "object": {
        "objectType": "Activity",
        "id": "https://lifelong.sh.cn/courses/tai-chi",
        "definition": {
            "name": {"zh-CN": "太极拳入门", "en-US": "Tai chi for beginners"},
            "type": "http://adlnet.gov/expapi/activities/course",
        },
    },
}


def statement(**changes) -> dict:
    """A valid statement with a fresh id; `changes` replace top-level properties (None
    removes one)."""
    made = copy.deepcopy(BASE)
    made["id"] = str(uuid.uuid4())
    for key, value in changes.items():
        if value is None:
            made.pop(key, None)
        else:
            made[key] = value
    return made


def content_statement() -> dict:
    """A statement in the shape outside content systems send most (the xAPI ingestion
    benchmark sends it): an account agent, a scored and completed unit with its course as the
    parent, a registration, ids in capitals; fresh ids each time."""
    return {
        "id": str(uuid.uuid4()).upper(),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://lifelong.sh.cn", "name": str(uuid.uuid4())},
        },
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"zh-CN": "通过"}},
        "object": {
            "objectType": "Activity",
            "id": "https://lifelong.sh.cn/xapi/activities/catalog/resources/7/units/3",
            "definition": {
                "name": {"zh-CN": "单元 3"},
                "type": "http://adlnet.gov/expapi/activities/media",
            },
        },
        "result": {
            "score": {"scaled": 0.85, "raw": 85, "min": 0, "max": 100},
            "success": True,
            "completion": True,
            "duration": "PT12M30S",
            "extensions": {"https://lifelong.sh.cn/xapi/extensions/position-seconds": None},
        },
        "context": {
            "registration": str(uuid.uuid4()).upper(),
            "platform": "demo content system",
            "language": "zh-CN",
            "contextActivities": {
                "parent": {"id": "https://lifelong.sh.cn/xapi/activities/catalog/resources/7"}
            },
        },
        "timestamp": "2026-05-01T08:00:00.000+08:00",
    }


def agent(name: str) -> dict:
    return {"objectType": "Agent", "mbox": f"mailto:{name}@example.com"}


def voiding(target_id: str, **changes) -> dict:
    return statement(
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target_id},
        **changes,
    )
