"""How stored statements are compared and returned.

- `same_statement`: the comparison of 2.3.1.s9 (Part 2) — differences that the exceptions to
  statement immutability could cause are ignored: id, authority, stored, version, an
  LRS-assigned timestamp, the time zone a timestamp is written in, the order of group members,
  verb displays, activity definitions, a single context activity versus an array of one, and
  the case of an e-mail domain. Every other difference counts.
- `to_ids` / `to_canonical`: the `ids` and `canonical` values of the `format` parameter.
  `canonical` returns one language per language map, chosen per map with Accept-Language.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from lifelong.learning_records.validation import parse_timestamp

# ---- Comparison --------------------------------------------------------------------------------

_ASSIGNED_BY_STORE = ("id", "authority", "stored", "version", "timestamp")


def same_statement(stored: dict, received: dict) -> bool:
    """Whether `received` is the statement `stored` holds, as 2.3.1.s9 compares them."""
    if _comparable_body(stored) != _comparable_body(received):
        return False
    if "timestamp" not in received:
        return True
    stored_at = parse_timestamp(stored.get("timestamp", ""))
    # A timestamp equal to `stored` was assigned by the store to a statement that had none.
    if stored.get("timestamp") == stored.get("stored"):
        return True
    return stored_at == parse_timestamp(received["timestamp"])


def _comparable_body(statement: dict) -> dict:
    body = {k: v for k, v in statement.items() if k not in _ASSIGNED_BY_STORE}
    return _comparable(body, sub=False)


def _comparable(statement: dict, *, sub: bool) -> dict:
    out: dict[str, Any] = {}
    for key, value in statement.items():
        if key == "actor":
            out[key] = _comparable_actor(value)
        elif key == "verb":
            out[key] = {"id": value["id"]}
        elif key == "object":
            out[key] = _comparable_object(value)
        elif key == "context":
            out[key] = _comparable_context(value)
        elif key == "timestamp" and sub:
            moment = parse_timestamp(value)
            out[key] = moment.timestamp() if moment else value
        else:
            out[key] = value
    return out


def _comparable_agent(agent: dict) -> dict:
    out = {k: v for k, v in agent.items() if k != "objectType"}
    if "mbox" in out:
        local, _, domain = out["mbox"].rpartition("@")
        out["mbox"] = f"{local}@{domain.lower()}"
    if "mbox_sha1sum" in out:
        out["mbox_sha1sum"] = out["mbox_sha1sum"].lower()
    return out


def _comparable_actor(actor: dict) -> dict:
    if actor.get("objectType") != "Group":
        return _comparable_agent(actor)
    out = _comparable_agent(actor)
    out["objectType"] = "Group"
    if "member" in out:
        members = [_comparable_agent(m) for m in actor["member"]]
        out["member"] = sorted(members, key=lambda m: json.dumps(m, sort_keys=True))
    return out


def _comparable_object(target: dict) -> dict:
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        return {"objectType": "Activity", "id": target["id"]}
    if kind in ("Agent", "Group"):
        return {**_comparable_actor(target), "objectType": kind}
    if kind == "StatementRef":
        return {"objectType": "StatementRef", "id": target["id"].lower()}
    return _comparable(target, sub=True)


def _comparable_context(context: dict) -> dict:
    out = dict(context)
    for key in ("instructor", "team"):
        if key in out:
            out[key] = _comparable_actor(out[key])
    if "contextActivities" in out:
        out["contextActivities"] = {
            kind: [a["id"] for a in (acts if isinstance(acts, list) else [acts])]
            for kind, acts in out["contextActivities"].items()
        }
    if "statement" in out:
        out["statement"] = {"objectType": "StatementRef", "id": out["statement"]["id"].lower()}
    if "registration" in out:
        out["registration"] = out["registration"].lower()
    return out


# ---- format=ids ---------------------------------------------------------------------------------

_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def _ids_agent(agent: dict) -> dict:
    out = {k: agent[k] for k in ("objectType", *_IFIS) if k in agent}
    if agent.get("objectType") == "Group" and not any(k in agent for k in _IFIS):
        out["member"] = [_ids_agent(m) for m in agent.get("member", [])]
    return out


def _ids_activity(activity: dict) -> dict:
    return {k: activity[k] for k in ("objectType", "id") if k in activity}


def _ids_body(statement: dict) -> dict:
    out = dict(statement)
    out["actor"] = _ids_agent(statement["actor"])
    out["verb"] = {"id": statement["verb"]["id"]}
    target = statement["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = _ids_activity(target)
    elif kind in ("Agent", "Group"):
        out["object"] = _ids_agent(target)
    elif kind == "SubStatement":
        out["object"] = _ids_body(target)
    if "authority" in statement:
        out["authority"] = _ids_agent(statement["authority"])
    if "context" in statement:
        context = dict(statement["context"])
        for key in ("instructor", "team"):
            if key in context:
                context[key] = _ids_agent(context[key])
        if "contextActivities" in context:
            context["contextActivities"] = {
                kind: [_ids_activity(a) for a in acts]
                for kind, acts in context["contextActivities"].items()
            }
        out["context"] = context
    return out


def to_ids(statement: dict) -> dict:
    """Agents, groups, activities and verbs reduced to what identifies them."""
    return _ids_body(statement)


# ---- format=canonical ----------------------------------------------------------------------------

DEFAULT_LANGUAGES = [("zh-CN", 1.0), ("zh", 0.9), ("en", 0.8)]


def parse_accept_language(header: str | None) -> list[tuple[str, float]]:
    """Language ranges by preference (RFC 2616 14.4); the default prefers Chinese."""
    if not header:
        return DEFAULT_LANGUAGES
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        item, _, params = part.strip().partition(";")
        if not item:
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        ranges.append((item.strip(), quality))
    ranges.sort(key=lambda r: -r[1])
    return [r for r in ranges if r[1] > 0] or DEFAULT_LANGUAGES


def pick_language(mapping: dict, preferences: list[tuple[str, float]]) -> dict:
    """The one entry of a language map that suits the preferences best."""
    if len(mapping) <= 1:
        return dict(mapping)
    keys = list(mapping)
    for wanted, _ in preferences:
        wanted = wanted.lower()
        if wanted == "*":
            return {keys[0]: mapping[keys[0]]}
        for key in keys:
            if key.lower() == wanted or key.lower().startswith(wanted + "-"):
                return {key: mapping[key]}
        for key in keys:
            if wanted.startswith(key.lower() + "-"):
                return {key: mapping[key]}
    return {keys[0]: mapping[keys[0]]}


def _canonical_activity(activity: dict, prefs: list[tuple[str, float]]) -> dict:
    if "definition" not in activity:
        return activity
    definition = dict(activity["definition"])
    for key in ("name", "description"):
        if key in definition:
            definition[key] = pick_language(definition[key], prefs)
    for key in ("choices", "scale", "source", "target", "steps"):
        if key in definition:
            definition[key] = [
                {**c, "description": pick_language(c["description"], prefs)}
                if "description" in c
                else c
                for c in definition[key]
            ]
    return {**activity, "definition": definition}


def _canonical_body(statement: dict, prefs: list[tuple[str, float]]) -> dict:
    out = dict(statement)
    verb = statement["verb"]
    if "display" in verb:
        out["verb"] = {**verb, "display": pick_language(verb["display"], prefs)}
    target = statement["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = _canonical_activity(target, prefs)
    elif kind == "SubStatement":
        out["object"] = _canonical_body(target, prefs)
    if "context" in statement and "contextActivities" in statement["context"]:
        context = dict(statement["context"])
        context["contextActivities"] = {
            kind: [_canonical_activity(a, prefs) for a in acts]
            for kind, acts in context["contextActivities"].items()
        }
        out["context"] = context
    return out


def to_canonical(statement: dict, accept_language: str | None) -> dict:
    """Activities and verbs with one language per language map, chosen by Accept-Language;
    agents and groups exactly as received. The store keeps no separate canonical definitions,
    so each statement's own definitions are the canonical ones."""
    return _canonical_body(copy.deepcopy(statement), parse_accept_language(accept_language))
