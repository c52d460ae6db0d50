"""The `format` parameter (Part 3, 2.1.3): `exact` returns statements as received, `ids` only
what identifies agents, groups, activities and verbs, `canonical` one language per language
map, chosen by Accept-Language (2.1.3.s4)."""

from __future__ import annotations

import json

from lifelong.learning_records.tests.xapi import Xapi, agent, statement

RICH = dict(
    actor={"objectType": "Agent", "name": "徐学员", "mbox": "mailto:xu@example.com"},
    object={
        "id": "https://lifelong.sh.cn/courses/tai-chi",
        "definition": {
            "name": {"zh-CN": "太极拳入门", "en-US": "Tai chi for beginners", "fr": "Tai-chi"},
            "description": {"zh-CN": "零基础", "en-US": "No experience needed"},
            "interactionType": "choice",
            "choices": [{"id": "a", "description": {"zh-CN": "甲", "en-US": "A"}}],
        },
    },
    context={
        "instructor": {"objectType": "Agent", "name": "李老师", "mbox": "mailto:li@example.com"},
        "contextActivities": {
            "parent": [{"id": "https://lifelong.sh.cn/p", "definition": {"name": {"en": "P"}}}]
        },
    },
)


def _stored(**params) -> dict:
    xapi = Xapi()
    item = statement(**RICH)
    xapi.store(item)
    headers = {"HTTP_ACCEPT_LANGUAGE": params["lang"]} if "lang" in params else {}
    response = xapi.get(params={"statementId": item["id"], "format": params["format"]}, **headers)
    assert response.status_code == 200, response.content
    return response.json()


def test_exact_is_the_default_and_returns_the_statement_as_received(db):
    xapi = Xapi()
    item = statement(**RICH)
    xapi.store(item)
    exact = xapi.statement(item["id"], format="exact").content
    assert exact == xapi.statement(item["id"]).content
    returned = json.loads(exact)
    assert returned["object"] == item["object"]
    assert returned["verb"] == item["verb"]


def test_ids_keeps_only_identifiers(db):
    kept = _stored(format="ids")
    assert kept["actor"] == {"objectType": "Agent", "mbox": "mailto:xu@example.com"}
    assert kept["verb"] == {"id": "http://adlnet.gov/expapi/verbs/completed"}
    assert kept["object"] == {"id": "https://lifelong.sh.cn/courses/tai-chi"}
    assert kept["context"]["instructor"] == {"objectType": "Agent", "mbox": "mailto:li@example.com"}
    assert kept["context"]["contextActivities"]["parent"] == [{"id": "https://lifelong.sh.cn/p"}]
    assert set(kept["authority"]) <= {"objectType", "account"}


def test_ids_lists_anonymous_group_members_by_identifier(db):
    xapi = Xapi()
    item = statement(actor={"objectType": "Group", "name": "合唱团", "member": [agent("a")]})
    xapi.store(item)
    kept = xapi.statement(item["id"], format="ids").json()
    assert kept["actor"] == {"objectType": "Group", "member": [agent("a")]}


def test_canonical_returns_one_language_per_map_by_accept_language(db):
    kept = _stored(format="canonical", lang="en-US, zh-CN;q=0.5")
    definition = kept["object"]["definition"]
    assert definition["name"] == {"en-US": "Tai chi for beginners"}
    assert definition["description"] == {"en-US": "No experience needed"}
    assert definition["choices"][0]["description"] == {"en-US": "A"}
    assert kept["verb"]["display"] == {"en-US": "completed"}


def test_canonical_prefers_chinese_without_accept_language(db):
    kept = _stored(format="canonical")
    assert kept["object"]["definition"]["name"] == {"zh-CN": "太极拳入门"}


def test_canonical_matches_a_language_range_by_prefix(db):
    kept = _stored(format="canonical", lang="fr-CA, en;q=0.1")
    assert kept["object"]["definition"]["name"] == {"fr": "Tai-chi"}
    assert kept["object"]["definition"]["description"] == {"en-US": "No experience needed"}


def test_canonical_keeps_agents_exact(db):
    kept = _stored(format="canonical")
    assert kept["actor"]["name"] == "徐学员"


def test_formats_apply_to_query_results(db):
    xapi = Xapi()
    item = statement(**RICH)
    xapi.store(item)
    result = xapi.query(agent='{"mbox": "mailto:xu@example.com"}', format="ids")
    assert "definition" not in result["statements"][0]["object"]
