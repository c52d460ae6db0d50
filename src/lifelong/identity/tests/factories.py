"""Valid identifiers for tests, built with the real check-character rules."""

from __future__ import annotations

from lifelong.shared.ids import ric_check_character


def id_number(area: str = "310104", birth: str = "19900101", sequence: str = "123") -> str:
    first17 = area + birth + sequence
    return first17 + ric_check_character(first17)
