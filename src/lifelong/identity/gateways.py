"""The verification gateway: sends SMS one-time codes and asks the carrier (or the public-security
real-name service behind it) whether a mobile number is registered to a resident ID number.

`settings.VERIFICATION_GATEWAY` names the class by dotted path. Production plugs in the real
carrier/police service; development and tests use `LoggingVerificationGateway`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from lifelong.shared import clock, pii

logger = logging.getLogger(__name__)


class VerificationGateway(Protocol):
    def send_code(self, phone: str, code: str) -> None:
        """Deliver a one-time code by SMS to this mainland mobile number."""

    def phone_matches_id(self, phone: str, id_number: str) -> bool:
        """Whether the carrier's real-name record binds this number to this ID number."""


@dataclass(frozen=True)
class SentCode:
    phone: str
    code: str
    at: dt.datetime


class LoggingVerificationGateway:
    """For development and tests: nothing leaves the machine.

    Codes are logged and kept in the in-memory `outbox` (newest last) so tests and a developer
    at the console can read them. The phone↔ID rule is deterministic: every pair matches,
    except numbers ending in 0000, which never match, so the mismatch path can be exercised.
    Production mode refuses to start with this gateway (see settings).
    """

    outbox: ClassVar[list[SentCode]] = []

    def send_code(self, phone: str, code: str) -> None:
        self.outbox.append(SentCode(phone=phone, code=code, at=clock.now()))
        logger.info("SMS code %s to %s (logging gateway)", code, pii.mask_phone(phone))

    def phone_matches_id(self, phone: str, id_number: str) -> bool:
        return not phone.endswith("0000")

    @classmethod
    def last_code_to(cls, phone: str) -> str | None:
        """The newest code sent to this number, or None."""
        for sent in reversed(cls.outbox):
            if sent.phone == phone:
                return sent.code
        return None

    @classmethod
    def codes_to(cls, phone: str) -> list[str]:
        return [sent.code for sent in cls.outbox if sent.phone == phone]


def verification_gateway() -> VerificationGateway:
    """An instance of the configured gateway."""
    return import_string(str(settings.VERIFICATION_GATEWAY))()
