"""How the platform names itself and its learners in xAPI statements."""

from __future__ import annotations

PLATFORM_HOME_PAGE = "https://lifelong.sh.cn"
CLIENTS_HOME_PAGE = "https://lifelong.sh.cn/xapi/clients"
PLATFORM_CLIENT = "lifelong"


def agent_for_person(person_id: str) -> dict:
    """The Agent of one of our own people: an opaque account (the person's UUID) on the
    platform's home page, never a name or an e-mail address (2.4.2.4.s2.b2)."""
    return {
        "objectType": "Agent",
        "account": {"homePage": PLATFORM_HOME_PAGE, "name": str(person_id)},
    }
