from django.core.management.base import BaseCommand

from lifelong.catalog.services.learning import send_live_reminders


class Command(BaseCommand):
    help = "Remind learners of live classes starting in the next 24 hours (run it hourly)."

    def handle(self, *args, **options):
        sent = send_live_reminders()
        self.stdout.write(f"reminders sent: {sent}")
