"""Voiding (Part 2, 2.3.2; Part 3, 2.1.4): a voided statement disappears from statementId
look-ups and from queries but is still found by voidedStatementId; a voiding statement cannot
itself be voided; statements targeting the voided one are still returned."""

from __future__ import annotations

from lifelong.learning_records import services
from lifelong.learning_records.models import LrsClient, VoidedStatement
from lifelong.learning_records.tests.xapi import Xapi, agent, statement, voiding


def _ids(result: dict) -> list[str]:
    return [s["id"] for s in result["statements"]]


def test_a_voided_statement_is_no_longer_found_by_statement_id(db):
    xapi = Xapi()
    target = statement()
    xapi.store(target, voiding(target["id"]))
    assert xapi.statement(target["id"]).status_code == 404


def test_a_voided_statement_is_found_by_voided_statement_id(db):
    xapi = Xapi()
    target = statement()
    xapi.store(target, voiding(target["id"]))
    response = xapi.get(params={"voidedStatementId": target["id"]})
    assert response.status_code == 200
    assert response.json()["id"] == target["id"]


def test_a_statement_that_is_not_voided_is_not_found_by_voided_statement_id(db):
    xapi = Xapi()
    target = statement()
    xapi.store(target)
    assert xapi.get(params={"voidedStatementId": target["id"]}).status_code == 404


def test_a_voided_statement_is_not_listed_by_queries(db):
    xapi = Xapi()
    actor = agent("voided-learner")
    kept, target = statement(actor=actor), statement(actor=actor)
    xapi.store(kept, target, voiding(target["id"]))
    listed = _ids(xapi.query(agent='{"mbox": "mailto:voided-learner@example.com"}'))
    assert kept["id"] in listed
    assert target["id"] not in listed


def test_the_voiding_statement_itself_is_returned(db):
    xapi = Xapi()
    target = statement()
    void = voiding(target["id"])
    xapi.store(target, void)
    assert xapi.statement(void["id"]).status_code == 200
    assert void["id"] in _ids(xapi.query(verb="http://adlnet.gov/expapi/verbs/voided"))


def test_statements_targeting_a_voided_statement_still_match_its_filters(db):
    xapi = Xapi()
    actor = agent("ben")
    target = statement(actor=actor)
    void = voiding(target["id"], actor=agent("admin"))
    xapi.store(target, void)
    listed = _ids(xapi.query(agent='{"mbox": "mailto:ben@example.com"}'))
    assert void["id"] in listed
    assert target["id"] not in listed


def test_a_voiding_statement_cannot_be_voided(db):
    xapi = Xapi()
    target = statement()
    first = voiding(target["id"])
    xapi.store(target, first)
    second = voiding(first["id"])
    assert xapi.post(second).status_code == 400
    assert xapi.statement(first["id"]).status_code == 200


def test_a_voiding_statement_in_the_same_batch_cannot_be_voided(db):
    target = statement()
    first = voiding(target["id"])
    assert Xapi().post([target, first, voiding(first["id"])]).status_code == 400


def test_voiding_a_statement_the_store_has_not_seen_is_accepted(db):
    absent = statement()["id"]
    void = voiding(absent)
    assert Xapi().post(void).status_code == 200
    assert VoidedStatement.objects.filter(target_id=absent).exists()


def test_a_client_may_not_void_what_another_client_stored(db):
    services.register_client(
        key="other-system", name="other", secret="other-long-secret", scope="read write"
    )
    target = statement()
    Xapi().store(target)
    other = Xapi(key="other-system", secret="other-long-secret")
    assert other.post(voiding(target["id"])).status_code == 403
    assert Xapi().statement(target["id"]).status_code == 200


def test_a_client_with_scope_all_may_void_what_another_client_stored(db):
    services.register_client(
        key="supervisor", name="supervisor", secret="supervisor-secret", scope=LrsClient.Scope.ALL
    )
    target = statement()
    Xapi().store(target)
    assert (
        Xapi(key="supervisor", secret="supervisor-secret").post(voiding(target["id"])).status_code
        == 200
    )
    assert Xapi().statement(target["id"]).status_code == 404


def test_voiding_twice_is_harmless(db):
    xapi = Xapi()
    target = statement()
    xapi.store(target, voiding(target["id"]), voiding(target["id"]))
    assert VoidedStatement.objects.filter(target_id=target["id"]).count() == 1
    assert xapi.get(params={"voidedStatementId": target["id"]}).status_code == 200


def test_voiding_is_written_to_the_audit_log(db):
    from lifelong.shared.models import AuditEntry

    target = statement()
    void = voiding(target["id"])
    Xapi().store(target, void)
    entry = AuditEntry.objects.get(
        action="learning_records.statement_voided", object_id=target["id"]
    )
    assert entry.actor_label == "demo-lrs"
    assert entry.detail == {"voiding_statement": void["id"]}
