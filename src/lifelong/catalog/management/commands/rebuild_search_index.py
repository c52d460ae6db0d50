"""`lifelong rebuild_search_index`: file every published resource in the search index afresh —
after a bulk load that bypassed the services, a change to the jieba dictionary, or a provider
renamed in identity (its name is one of the words its resources are found by)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from lifelong.catalog.services.publishing import rebuild_search_index


class Command(BaseCommand):
    help = "Rebuild the catalog's search index from the published resources."

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        filed = rebuild_search_index()
        seconds = time.perf_counter() - started
        self.stdout.write(f"filed {filed} published resources in {seconds:.1f} s")
