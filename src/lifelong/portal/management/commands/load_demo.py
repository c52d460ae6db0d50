from django.core.management.base import BaseCommand

from lifelong.identity import api as identity


class Command(BaseCommand):
    help = "Load the Shanghai demo data (idempotent). Demo accounts use the password lifelong-demo."

    def handle(self, *args, **options):
        counts = identity.load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {counts}"))
