"""Settings for `bench/catalog_search.py --http … --no-cache`: the platform's own, with the
catalog's cache of search answers turned off, so every request searches."""

from lifelong.config.settings import *  # noqa: F403

CATALOG_SEARCH_CACHE_SECONDS = 0
