"""Enterprise bulk import as a background job: upload (checked at once), then validation and
batched, idempotent, crash-safe writes with progress, then the error report.

- Each batch (`CREDIT_BANK_IMPORT_BATCH_SIZE` rows, 10,000 by default) commits in one
  transaction with its rows' errors and the job's counters: a crash loses at most the batch
  in progress, never half of it.
- Idempotent on (enterprise, external record id): a rerun of the same file, or a later file
  repeating rows, adds nothing for rows already in and reports them as duplicates.
- `dry_run` validates everything and writes nothing but the report; `all_or_nothing`
  validates the whole file first and imports only if no row is invalid.
- Each imported outcome gets its Open Badge at once, unsigned; when the run ends it enqueues
  the background signer (`credentials.signing`), and a badge read before then is signed on
  the spot.
- The file is read and validated one batch ahead in a second thread while the database
  writes the current batch.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import storages
from django.db import transaction

from lifelong.credit_bank import access
from lifelong.credit_bank.importing import reader, reports, writer
from lifelong.credit_bank.importing.validate import RowError, RowValidator, ValidRow
from lifelong.credit_bank.models import Certifier, ImportJob, ImportRowError, Standard
from lifelong.identity import api as identity
from lifelong.shared import clock, jobs
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Conflict, Invalid, NotFound

logger = logging.getLogger(__name__)

JOB_KIND = "credit_bank.import"
DEFAULT_BATCH_SIZE = 10_000
STORAGE = jobs.PRIVATE_STORAGE
_SAFE_NAME = re.compile(r"[^\w.\-]+", re.UNICODE)


def batch_size() -> int:
    return max(1, int(getattr(settings, "CREDIT_BANK_IMPORT_BATCH_SIZE", DEFAULT_BATCH_SIZE)))


def _crash_after() -> int | None:
    """Test hook: raise inside the batch after this many batches of a run have committed."""
    value = getattr(settings, "CREDIT_BANK_IMPORT_CRASH_AFTER_BATCHES", None)
    return int(value) if value is not None else None


class SimulatedCrash(RuntimeError):
    """Raised by the crash test hook inside a batch, before it commits."""


def _user_id(actor: access.Actor) -> int:
    assert actor.user_id is not None  # require_role refused anonymous callers
    return actor.user_id


def _enterprise_grant(actor: access.Actor):
    access.require_role(actor, access.IMPORT_ROLES)
    return actor.grants_for(access.IMPORT_ROLES)[0]


def _store_upload(job_id: uuid.UUID, name: str, upload: IO[bytes]) -> tuple[str, str]:
    digest = hashlib.sha256()
    upload.seek(0)
    while chunk := upload.read(1024 * 1024):
        digest.update(chunk)
    upload.seek(0)
    safe = _SAFE_NAME.sub("_", name)[-100:] or "upload"
    path = storages[STORAGE].save(f"credit_bank/imports/{job_id}/{safe}", File(upload))
    return path, digest.hexdigest()


@transaction.atomic
def start_import(
    *,
    actor: access.Actor,
    file_name: str,
    upload: IO[bytes],
    size: int,
    dry_run: bool = False,
    all_or_nothing: bool = False,
) -> ImportJob:
    """An enterprise's HR uploads a CSV or Excel file of training outcomes. The file is
    checked at once (size, extension, content, header: 422 otherwise), stored privately and
    imported in the background; the returned job id is watched for progress."""
    grant = _enterprise_grant(actor)
    if size > settings.UPLOAD_MAX_BYTES:
        raise reader.rejected(
            f"文件超过 {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB 上限",
            f"The file exceeds the {settings.UPLOAD_MAX_BYTES} byte limit",
        )
    fmt = reader.format_of(file_name)
    reader.sniff(upload, fmt)
    from lifelong.credit_bank.tasks import run_import_task

    job = jobs.start_job(
        kind=JOB_KIND,
        owner_id=str(actor.user_id),
        params={"organisation_id": grant.organisation_id, "dry_run": dry_run},
        task=run_import_task,
    )
    path, digest = _store_upload(job.pk, file_name, upload)
    imported = ImportJob.objects.create(
        id=job.pk,
        organisation_id=grant.organisation_id,
        uploaded_by_id=_user_id(actor),
        file_name=file_name[:255],
        file_path=path,
        file_sha256=digest,
        file_format=fmt,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
    )
    record_audit(
        action="credit_bank.import_start",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=grant.role,
        object_type="credit_bank.import",
        object_id=str(job.pk),
        detail={"file": file_name[:100], "sha256": digest, "dry_run": dry_run},
    )
    return imported


@transaction.atomic
def retry_import(*, actor: access.Actor, import_id, dry_run: bool = False) -> ImportJob:
    """Run a stored file again as a new job (after a failure, or for real after a dry run):
    rows already imported are recognised and skipped."""
    grant = _enterprise_grant(actor)
    previous = access.access_import_by_id(actor, import_id)
    if previous.organisation_id != grant.organisation_id:
        raise Conflict("只能重新导入本单位的文件 / Only your organisation's files")
    try:
        previous_job = jobs.job_for_owner(previous.pk, str(previous.uploaded_by_id))
    except NotFound:  # imported without a job (the demo loader): finished by definition
        previous_job = None
    if previous_job is not None and previous_job.status not in jobs.FINISHED:
        raise Conflict("该导入尚未结束 / That import has not finished", code="still_running")
    from lifelong.credit_bank.tasks import run_import_task

    job = jobs.start_job(
        kind=JOB_KIND,
        owner_id=str(actor.user_id),
        params={"organisation_id": grant.organisation_id, "retry_of": str(previous.pk)},
        task=run_import_task,
    )
    imported = ImportJob.objects.create(
        id=job.pk,
        organisation_id=grant.organisation_id,
        uploaded_by_id=_user_id(actor),
        file_name=previous.file_name,
        file_path=previous.file_path,
        file_sha256=previous.file_sha256,
        file_format=previous.file_format,
        dry_run=dry_run,
        all_or_nothing=previous.all_or_nothing,
    )
    record_audit(
        action="credit_bank.import_retry",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=grant.role,
        object_type="credit_bank.import",
        object_id=str(job.pk),
        detail={"retry_of": str(previous.pk)},
    )
    return imported


# ---- the background work ---------------------------------------------------------------------


@dataclass
class _Run:
    imported: ImportJob
    enterprise: writer.Enterprise
    validator_factory: Callable[[], RowValidator]
    total: int
    batches_this_run: int = 0
    imported_this_run: int = 0


def _standards_for(organisation_id: int) -> dict[str, Standard]:
    codes = Certifier.objects.filter(organisation_id=organisation_id, active=True).values_list(
        "standard_code", flat=True
    )
    return {
        s.code: s
        for s in Standard.objects.filter(code__in=list(codes), status=Standard.Status.ACTIVE)
    }


def run_import(job) -> None:
    """The job body (called by `run_job`): import the stored file, then finish the job with
    the CSV error report as its result."""
    imported = ImportJob.objects.get(pk=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    try:
        _run_import(imported)
    except Exception as exc:
        if ImportJob.objects.filter(pk=job.pk, imported_rows__gt=0).exists():
            _sign_later()  # the batches that did commit
        message = getattr(exc, "message", "") or jobs.GENERIC_FAILURE
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, message=message[:500], finished_at=clock.now()
        )
        raise


def _run_import(imported: ImportJob) -> None:
    org = identity.organisation_by_id(imported.organisation_id)
    if org is None:
        raise Invalid("找不到上传单位 / The uploading organisation no longer exists")
    uscc = identity.organisation_uscc(org.id)
    standards = _standards_for(org.id)
    today = clock.today()
    storage = storages[STORAGE]
    with storage.open(imported.file_path, "rb") as fh:
        total = reader.count_rows(fh, imported.file_format)
    ImportJob.objects.filter(pk=imported.pk).update(total_rows=total)
    jobs.report_progress(imported.pk, 0, total, "校验中 / Validating")
    run = _Run(
        imported=imported,
        enterprise=writer.Enterprise(
            imported.pk, org.id, org.name, org.path, str(imported.uploaded_by_id)
        ),
        validator_factory=lambda: RowValidator(uscc=uscc, standards=standards, today=today),
        total=total,
    )
    if imported.dry_run or imported.all_or_nothing:
        invalid = _validate_only(run, storage, count_duplicates=imported.dry_run)
        if imported.dry_run:
            _finish(run, "试运行完成，未导入任何数据 / Dry run finished: nothing was imported")
            return
        if invalid:
            _finish(
                run,
                "存在无效行，按“全部成功才导入”未导入任何数据 / Invalid rows found: with "
                "all_or_nothing nothing was imported",
            )
            return
        ImportJob.objects.filter(pk=imported.pk).update(
            processed_rows=0, valid_rows=0, duplicate_rows=0
        )
    _import(run, storage)
    _finish(run, "导入完成 / Import finished")
    if run.imported_this_run:
        _sign_later()


def _sign_later() -> None:
    """Enqueue the background signer for the credentials the import issued unsigned."""
    from lifelong.credit_bank.tasks import sign_pending_credentials_task

    transaction.on_commit(sign_pending_credentials_task.enqueue)


Batch = tuple[list[ValidRow], list[RowError], int]
_END = object()


def _batches(run: _Run, storage, validator: RowValidator) -> Iterator[Batch]:
    """Validated batches: (valid rows, errors, rows read). A second thread reads and
    validates the next batch while the caller writes this one (it touches no database; the
    database driver lets it run while the caller waits for the server). An error while
    reading (a malformed file) is raised here, in order."""
    ready: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand_over(item) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for batch in _read_batches(run, storage, validator):
                if not hand_over(batch):
                    return
            hand_over(_END)
        except BaseException as exc:  # handed to the caller, raised there
            hand_over(exc)

    reader_thread = threading.Thread(target=read, name="credit-bank-import-reader", daemon=True)
    reader_thread.start()
    try:
        while (item := ready.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader_thread.join()


def _read_batches(run: _Run, storage, validator: RowValidator) -> Iterator[Batch]:
    size = batch_size()
    with (
        storage.open(run.imported.file_path, "rb") as fh,
        reader.open_sheet(fh, run.imported.file_format) as sheet,
    ):
        valid: list[ValidRow] = []
        errors: list[RowError] = []
        read = 0
        for number, cells in sheet.rows:
            row, row_errors = validator(number, cells, sheet.positions)
            read += 1
            if row is not None:
                valid.append(row)
            else:
                errors.extend(row_errors)
            if read == size:
                yield valid, errors, read
                valid, errors, read = [], [], 0
        if read:
            yield valid, errors, read


def _grow_total(run: _Run, done: int) -> None:
    """An Excel sheet's recorded dimension may undercount its rows: never let the rows
    processed pass the total."""
    if done > run.total:
        run.total = done
        ImportJob.objects.filter(pk=run.imported.pk).update(total_rows=done)


def _progress(run: _Run, done: int, message: str) -> None:
    _grow_total(run, done)
    jobs.report_progress(run.imported.pk, done, run.total, message)


def _validate_only(run: _Run, storage, *, count_duplicates: bool) -> int:
    from django.db.models import F

    done = invalid = 0
    for valid, errors, read in _batches(run, storage, run.validator_factory()):
        duplicates = 0
        if count_duplicates and valid:
            keys = [writer.source_key(run.enterprise.organisation_id, r.external_id) for r in valid]
            duplicates = len(writer.existing_keys(keys))
        bad = len({e[0] for e in errors})
        _grow_total(run, done + read)
        with transaction.atomic():
            writer.save_errors(run.imported.pk, errors)
            ImportJob.objects.filter(pk=run.imported.pk).update(
                processed_rows=F("processed_rows") + read,
                valid_rows=F("valid_rows") + len(valid),
                duplicate_rows=F("duplicate_rows") + duplicates,
                invalid_rows=F("invalid_rows") + bad,
            )
        done += read
        invalid += bad
        _progress(run, done, "校验中 / Validating")
    return invalid


def _import(run: _Run, storage) -> None:
    crash_after = _crash_after()
    done = 0
    for valid, errors, read in _batches(run, storage, run.validator_factory()):

        def checkpoint() -> None:
            if crash_after is not None and run.batches_this_run >= crash_after:
                raise SimulatedCrash(f"simulated crash after {crash_after} batches")

        _grow_total(run, done + read)
        imported, _ = writer.write_batch(
            run.enterprise, valid, errors, processed=read, checkpoint=checkpoint
        )
        run.imported_this_run += imported
        run.batches_this_run += 1
        done += read
        _progress(run, done, "导入中 / Importing")


def report_rows(import_id) -> list[tuple[int, str, str]]:
    return list(
        ImportRowError.objects.filter(job_id=import_id)
        .order_by("row", "id")
        .values_list("row", "column", "reason")
    )


def _finish(run: _Run, message: str) -> None:
    errors = report_rows(run.imported.pk)
    storage = storages[STORAGE]
    xlsx_path = storage.save(
        f"credit_bank/imports/{run.imported.pk}/errors.xlsx",
        File(_bytes_io(reports.error_report_xlsx(errors))),
    )
    job = jobs.finish_job(
        run.imported.pk,
        content=reports.error_report_csv(errors),
        name=f"import-errors-{run.imported.pk}.csv",
        content_type=reports.CSV_TYPE,
        message=message,
    )
    ImportJob.objects.filter(pk=run.imported.pk).update(
        status=ImportJob.Status.SUCCEEDED,
        error_report_csv=job.result_path,
        error_report_xlsx=xlsx_path,
        message=message[:500],
        finished_at=clock.now(),
    )
    record_audit(
        action="credit_bank.import_finish",
        actor_id=run.imported.uploaded_by_id,
        object_type="credit_bank.import",
        object_id=str(run.imported.pk),
        detail={"errors": len(errors)},
    )


def _bytes_io(content: bytes):
    import io

    return io.BytesIO(content)
