"""The one clock. Day-based rules use Asia/Shanghai whatever the server's zone."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.now().astimezone(SHANGHAI).date()
