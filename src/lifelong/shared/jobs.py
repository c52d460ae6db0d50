"""Background jobs a person starts and watches: start one, report its progress, finish it
with a result file, let only its owner download that file.

The pattern, for any domain:

    job = start_job(kind="catalog.import", owner_id=str(actor.user_id), params={...},
                    task=import_courses)          # a django-tasks task taking the job id

    @task()
    def import_courses(job_id: str) -> None:
        run_job(job_id, catalog_services.import_courses)   # work(job) reports and finishes

Results are written through the `private` storage, which is never served directly: the only
way out is `open_job_result`, for the job's owner. The job row is the source of truth for the
person watching; the task backend's own result rows are an implementation detail.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django_tasks.base import Task

from lifelong.shared import clock
from lifelong.shared.audit import record_audit
from lifelong.shared.errors import Conflict, DomainError, NotFound
from lifelong.shared.models import Job

logger = logging.getLogger(__name__)

PRIVATE_STORAGE = "private"
FINISHED = frozenset({Job.Status.SUCCEEDED, Job.Status.FAILED})
GENERIC_FAILURE = "任务失败，请稍后重试 / The job failed; please try again later"
NO_RESULT = "任务结束但未产生结果 / The job ended without a result"
KEEP_UNTIL = "result_keep_until"
READY = "已完成，可以下载 / Finished: ready to download"


@dataclass(frozen=True)
class JobResultFile:
    file: IO[bytes]
    name: str
    content_type: str


def start_job(*, kind: str, owner_id: str, params: dict[str, Any], task: Task) -> Job:
    """Record a queued job and enqueue `task(job_id)` once the current transaction commits,
    so the worker never looks for a row it cannot see yet."""
    job = Job.objects.create(kind=kind, owner_id=str(owner_id), params=params)
    transaction.on_commit(partial(task.enqueue, str(job.pk)))
    return job


def _live(job_id) -> Job:
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound("找不到该任务 / No such job")
    if job.status in FINISHED:
        raise Conflict("该任务已结束 / The job has already finished")
    return job


def begin_job(job_id) -> Job:
    """Mark the job running (the worker picked it up) and return it with its params."""
    job = _live(job_id)
    job.status = Job.Status.RUNNING
    job.started_at = job.started_at or clock.now()
    job.save(update_fields=["status", "started_at"])
    return job


def report_progress(job_id, done: int, total: int, message: str = "") -> None:
    """Record how far the job has got. Written at once (not inside the task's transaction)
    so the person watching sees it move."""
    if done < 0 or total < 0 or (total and done > total):
        raise ValueError(f"progress {done}/{total} is impossible")
    updated = (
        Job.objects.filter(pk=job_id)
        .exclude(status__in=FINISHED)
        .update(status=Job.Status.RUNNING, done=done, total=total, message=message[:500])
    )
    if not updated:
        _live(job_id)  # raises the reason


def finish_job(
    job_id,
    *,
    content: bytes,
    name: str,
    content_type: str,
    keep_days: int | None = None,
    message: str = READY,
) -> Job:
    """Store the result privately and mark the job succeeded. With `keep_days`, the result
    may be downloaded only that many days after it was made."""
    job = _live(job_id)
    now = clock.now()
    if keep_days is not None:
        job.params = {
            **job.params,
            KEEP_UNTIL: (now + dt.timedelta(days=keep_days)).isoformat(),
        }
    path = storages[PRIVATE_STORAGE].save(f"jobs/{job.pk}/{name}", ContentFile(content))
    job.status = Job.Status.SUCCEEDED
    job.result_name = name[:255]
    job.result_path = path
    job.result_content_type = content_type[:100]
    job.message = message[:500]
    job.done = job.total = max(job.total, job.done, 1)
    job.finished_at = now
    job.save(
        update_fields=[
            "params",
            "status",
            "result_name",
            "result_path",
            "result_content_type",
            "message",
            "done",
            "total",
            "finished_at",
        ]
    )
    return job


def fail_job(job_id, message: str) -> Job:
    """Mark the job failed with a message its owner may read (bilingual, no internals)."""
    job = _live(job_id)
    job.status = Job.Status.FAILED
    job.message = message[:500]
    job.finished_at = clock.now()
    job.save(update_fields=["status", "message", "finished_at"])
    return job


def run_job(job_id, work: Callable[[Job], None]) -> None:
    """Run `work(job)` as the body of a task: the job is marked running first; `work` reports
    progress and calls `finish_job`. A domain error fails the job with its message; anything
    else fails it with a generic message and is re-raised for the worker's log."""
    job = begin_job(job_id)
    try:
        work(job)
    except DomainError as exc:
        fail_job(job_id, exc.message)
        return
    except Exception:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        fail_job(job_id, GENERIC_FAILURE)
        raise
    if Job.objects.filter(pk=job_id).exclude(status__in=FINISHED).exists():
        fail_job(job_id, NO_RESULT)


def job_for_owner(job_id, owner_id: str) -> Job:
    """The job if `owner_id` started it; NotFound otherwise, as if it did not exist."""
    try:
        return Job.objects.get(pk=job_id, owner_id=str(owner_id))
    except (Job.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该任务 / No such job") from None


def job_percent(job: Job) -> int:
    if job.status == Job.Status.SUCCEEDED:
        return 100
    if not job.total:
        return 0
    return min(100, job.done * 100 // job.total)


def has_result(job: Job) -> bool:
    return job.status == Job.Status.SUCCEEDED and bool(job.result_path)


def open_job_result(job_id, owner_id: str) -> JobResultFile:
    """The result file, for the job's owner only (others: NotFound); Conflict until the job
    has succeeded. Every download is audited."""
    job = job_for_owner(job_id, owner_id)
    if job.status != Job.Status.SUCCEEDED:
        raise Conflict("任务尚未完成，暂无结果 / The job has not finished; no result yet")
    if not job.result_path:
        raise NotFound("该任务的结果已删除 / The job's result has been deleted")
    keep_until = job.params.get(KEEP_UNTIL)
    if keep_until and dt.datetime.fromisoformat(keep_until) <= clock.now():
        raise NotFound("该任务的结果已过期 / The job's result has expired", code="result_expired")
    handle = storages[PRIVATE_STORAGE].open(job.result_path, "rb")
    record_audit(
        action="job.result_download",
        actor_id=owner_id,
        object_type="job",
        object_id=str(job.pk),
        detail={"kind": job.kind},
    )
    return JobResultFile(handle, job.result_name, job.result_content_type)


def discard_job_results(*, kind: str, params_match: dict[str, Any]) -> int:
    """Delete the stored results of finished jobs of `kind` whose params contain
    `params_match` (e.g. exports of a person whose data is being erased). Returns how many."""
    jobs = Job.objects.filter(kind=kind).exclude(result_path="")
    for key, value in params_match.items():
        jobs = jobs.filter(**{f"params__{key}": value})
    count = 0
    for job in jobs:
        storages[PRIVATE_STORAGE].delete(job.result_path)
        job.result_path = ""
        job.message = "结果已删除 / The result has been deleted"
        job.save(update_fields=["result_path", "message"])
        count += 1
    return count
