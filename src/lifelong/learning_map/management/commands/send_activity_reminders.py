"""`lifelong send_activity_reminders`: remind everyone with a seat on a session that starts
within the next N hours (default 24), once each. Run it from cron or a scheduler hourly."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from lifelong.learning_map.services.bookings import send_reminders


class Command(BaseCommand):
    help = "Send reminders for booked activity sessions starting soon"

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, hours: int, **options):
        if not 1 <= hours <= 24 * 14:
            self.stderr.write("--hours must be between 1 and 336")
            return
        sent = send_reminders(within=dt.timedelta(hours=hours))
        self.stdout.write(f"reminded {sent}")
