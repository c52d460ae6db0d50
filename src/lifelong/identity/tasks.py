"""Background tasks of identity. Each takes a job id and runs one service under `run_job`,
which marks the job running and records a failure its owner can read."""

from __future__ import annotations

from django_tasks import task

from lifelong.identity import privacy
from lifelong.shared.jobs import run_job


@task()
def build_data_export(job_id: str) -> None:
    """Build the ZIP of a person's data for job kind `identity.data_export`."""
    run_job(job_id, privacy.build_data_export)
