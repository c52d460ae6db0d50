import importlib

from django.apps import apps
from django.core.management.base import BaseCommand


def demo_loaders():
    """Each domain's `api.load_demo`, lowest layer first (INSTALLED_APPS order)."""
    for app in apps.get_app_configs():
        if not app.name.startswith("lifelong."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app.name}.api":
                raise
            continue
        loader = getattr(module, "load_demo", None)
        if loader is not None:
            yield app.label, loader


class Command(BaseCommand):
    help = "Load the Shanghai demo data (idempotent). Demo accounts use the password lifelong-demo."

    def handle(self, *args, **options):
        for label, loader in demo_loaders():
            counts = loader()
            if options["verbosity"]:
                self.stdout.write(f"{label}: {counts}")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
