"""The WSGI application (gunicorn loads it in each worker before the worker accepts requests).

Django imports the URL configuration, and with it every domain's views and the API's schemas,
on the first request a process serves: about a second of CPU. It is imported here instead, so
that a worker is ready when it starts taking requests and no citizen or client waits for it.
`make run` starts gunicorn with `--preload`: the master imports all this once and its workers
start from a copy, ready at once (nothing here opens a database connection or a thread)."""

import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.config.settings")
application = get_wsgi_application()
import_module(settings.ROOT_URLCONF)
