"""Background tasks of the credit bank. Each takes a job id and runs one service under
`run_job`, which marks the job running and records a failure its owner can read."""

from __future__ import annotations

from django_tasks import task

from lifelong.shared.jobs import run_job


@task()
def run_import_task(job_id: str) -> None:
    """Import an uploaded file of enterprise training outcomes (job kind
    `credit_bank.import`)."""
    from lifelong.credit_bank.services.imports import run_import

    run_job(job_id, run_import)
