"""Background tasks of the credit bank. The import takes a job id and runs under `run_job`,
which marks the job running and records a failure its owner can read; the credential signer
takes nothing and works until no credential waits for its proof."""

from __future__ import annotations

from django_tasks import task

from lifelong.shared.jobs import run_job


@task()
def run_import_task(job_id: str) -> None:
    """Import an uploaded file of enterprise training outcomes (job kind
    `credit_bank.import`)."""
    from lifelong.credit_bank.services.imports import run_import

    run_job(job_id, run_import)


@task()
def sign_pending_credentials_task() -> None:
    """Add the proof to every credential issued unsigned (an enterprise import enqueues it when
    it ends); safe to run twice at once or again."""
    from lifelong.credit_bank.credentials.signing import sign_pending_credentials

    sign_pending_credentials()
