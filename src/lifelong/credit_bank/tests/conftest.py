"""Fixtures of the credit-bank tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def immediate_jobs(settings):
    """Background jobs run in-process as soon as the request's transaction commits, and
    private files live in memory."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
