"""Agents and groups (xAPI 1.0.3 Part 2, 2.4.2): exactly one inverse functional identifier
for an agent, at most one for a group, which lists agents (never groups) as members; and the
key the store indexes an identifier by."""

from __future__ import annotations

import hashlib
from typing import Any

from lifelong.learning_records.validation.primitives import (
    fail,
    parse_json,
    require_iri,
    require_irl,
    require_mailto,
    require_object,
    require_sha1,
    require_string,
)
from lifelong.learning_records.validation.shapes import (
    ACCOUNT_KEYS,
    AGENT_KEYS,
    GROUP_KEYS,
    require_shape,
)


def ifi_key(agent: dict) -> str | None:
    """A fixed-width key for an agent's or identified group's inverse functional identifier
    (the first 128 bits of a SHA-256, as 32 hexadecimal digits, which the
    database stores as a UUID): equal identifiers give equal keys, the mbox domain
    compared case-insensitively and the SHA-1 in either case. None for an anonymous group."""
    if "mbox" in agent:
        local, _, domain = agent["mbox"][len("mailto:") :].rpartition("@")
        raw = f"mbox\x1f{local}@{domain.lower()}"
    elif "mbox_sha1sum" in agent:
        raw = f"sha1\x1f{agent['mbox_sha1sum'].lower()}"
    elif "openid" in agent:
        raw = f"openid\x1f{agent['openid']}"
    elif "account" in agent:
        raw = f"account\x1f{agent['account']['homePage']}\x1f{agent['account']['name']}"
    else:
        return None
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _ifi_count(value: dict, path: str) -> int:
    count = 0
    if "mbox" in value:
        require_mailto(value["mbox"], f"{path}.mbox")
        count += 1
    if "mbox_sha1sum" in value:
        require_sha1(value["mbox_sha1sum"], f"{path}.mbox_sha1sum")
        count += 1
    if "openid" in value:
        require_iri(value["openid"], f"{path}.openid")
        count += 1
    if "account" in value:
        account = require_shape(value["account"], f"{path}.account", ACCOUNT_KEYS)
        if "homePage" not in account or "name" not in account:
            fail(f"{path}.account", "须有 homePage 与 name", "needs both homePage and name")
        require_irl(account["homePage"], f"{path}.account.homePage")
        require_string(account["name"], f"{path}.account.name")
        count += 1
    return count


def validate_agent(value: Any, path: str, *, object_type_required: bool = False) -> str:
    """An Agent: exactly one inverse functional identifier. Returns its key."""
    agent = require_shape(value, path, AGENT_KEYS)
    if "objectType" in agent:
        if agent["objectType"] != "Agent":
            fail(f"{path}.objectType", "应为 Agent", "must be Agent")
    elif object_type_required:
        fail(f"{path}.objectType", "作为客体时须写明 objectType", "is required here")
    if "name" in agent:
        require_string(agent["name"], f"{path}.name")
    if _ifi_count(agent, path) != 1:
        fail(
            path,
            "须有且仅有一个标识（mbox、mbox_sha1sum、openid 或 account）",
            "needs exactly one of mbox, mbox_sha1sum, openid, account",
        )
    key = ifi_key(agent)
    assert key is not None
    return key


def validate_group(value: Any, path: str) -> tuple[str | None, set[str]]:
    """A Group: identified (exactly one identifier) or anonymous (members listed). Members are
    agents, never groups. Returns the group's key (None if anonymous) and its members' keys."""
    group = require_shape(value, path, GROUP_KEYS)
    if group.get("objectType") != "Group":
        fail(f"{path}.objectType", "应为 Group", "must be Group")
    if "name" in group:
        require_string(group["name"], f"{path}.name")
    count = _ifi_count(group, path)
    if count > 1:
        fail(path, "群组最多只能有一个标识", "a group has at most one identifier")
    members: set[str] = set()
    if "member" in group:
        if not isinstance(group["member"], list):
            fail(f"{path}.member", "应为代理数组", "must be an array of agents")
        for index, member in enumerate(group["member"]):
            member_path = f"{path}.member[{index}]"
            if isinstance(member, dict) and member.get("objectType") == "Group":
                fail(member_path, "群组成员不得是群组", "a group cannot contain a group")
            members.add(validate_agent(member, member_path))
    if count == 0 and not members:
        fail(
            f"{path}.member",
            "匿名群组须列出成员",
            "an anonymous group must list its members",
        )
    return ifi_key(group) if count else None, members


def validate_actor(value: Any, path: str) -> tuple[str | None, set[str]]:
    actor = require_object(value, path)
    if actor.get("objectType") == "Group":
        return validate_group(actor, path)
    return validate_agent(actor, path), set()


def validate_agent_parameter(text: str, path: str = "agent") -> str:
    """The `agent` query parameter: JSON of an Agent or identified Group. Returns its key."""
    try:
        value = parse_json(text)
    except ValueError:
        fail(path, "应为代理的 JSON", "must be the JSON of an Agent")
    if isinstance(value, dict) and value.get("objectType") == "Group":
        key, _ = validate_group(value, path)
        if key is None:
            fail(path, "匿名群组不能用于查询", "an anonymous group cannot be used as a filter")
        return key
    return validate_agent(value, path)
