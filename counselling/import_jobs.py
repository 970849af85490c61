"""Legacy imports in the background: the request stores the upload and records the job (and its
task, in the outbox) in one transaction; a Celery task reads, checks and imports it.

The import itself is `counselling.importer` (a plain function, all or nothing). The task runs it
and marks the job done inside one transaction, holding the job's row lock: a second delivery of
the task waits, then finds the job done; a worker killed mid-way leaves nothing imported and the
task is delivered again.
"""

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Permission
from centres.models import Centre
from msc_portal.celery import TRANSIENT_ERRORS

from . import importer
from .models import ImportJob

logger = logging.getLogger(__name__)

NOT_ALLOWED = gettext_lazy("The person who uploaded this file may no longer import at this centre.")
WRONG_TYPE = gettext_lazy("Upload a .csv or .xlsx file.")
TOO_LONG = gettext_lazy(
    "The import took too long and was stopped; nothing was imported. Split the file in parts."
)
FINAL = (ImportJob.Status.DONE, ImportJob.Status.REJECTED, ImportJob.Status.FAILED)


@transaction.atomic
def import_job_create(*, user, centre, uploaded) -> ImportJob:
    """Stores the upload and queues its import; the file's content is checked by the task."""
    from outbox.services import outbox_enqueue

    from .tasks import import_legacy_file

    name = (uploaded.name or "").rsplit("/", 1)[-1][:200]
    if not name.lower().endswith((".csv", ".xlsx")):
        raise ValueError(str(WRONG_TYPE))
    job = ImportJob(requested_by=user, centre=centre, filename=name)
    job.file.save(name, uploaded, save=False)
    job.save()
    message = outbox_enqueue(import_legacy_file, job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=message.task_id)
    job.task_id = message.task_id
    return job


def _may_import(job: ImportJob) -> bool:
    user = job.requested_by
    if not user.is_active or not user.can(Permission.MANAGE_CENTRE):
        return False
    return Centre.objects.staffed_by(user).filter(pk=job.centre_id).exists()


def _end(job: ImportJob, status: str, **fields) -> None:
    job.status, job.finished_at = status, timezone.now()
    if "message" in fields:
        fields["message"] = str(fields["message"])[:500]
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    if job.file:
        name, storage = job.file.name, job.file.storage
        transaction.on_commit(lambda: storage.delete(name))  # personal data: not kept


def import_job_run(*, job_id: int) -> None:
    """Reads, checks and imports the file; safe to run twice."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status in FINAL:
            return
        job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])

    with transaction.atomic():
        # Held for the whole import. Redis delivers a long task again after its visibility
        # timeout: that delivery finds the row locked and leaves (a worker is importing); if
        # that worker dies the lock goes with it, and the next delivery imports.
        job = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
        if job is None or job.status in FINAL:
            return
        try:
            if not _may_import(job):
                raise PermissionDenied(NOT_ALLOWED)
            with job.file.open("rb") as uploaded:  # the stored name keeps .csv/.xlsx
                fingerprint = importer.file_fingerprint(uploaded)
                rows = importer.read_rows(uploaded)
            report = importer.sessions_import(
                user=job.requested_by,
                centre=job.centre,
                rows=rows,
                file_name=job.filename,
                fingerprint=fingerprint,
            )
        except (ValueError, PermissionDenied, FileNotFoundError) as error:
            message = str(error) if not isinstance(error, FileNotFoundError) else _missing()
            _end(job, ImportJob.Status.REJECTED, message=message)
            return
        except importer.ImportRejected as rejected:
            _end(job, ImportJob.Status.REJECTED, errors=rejected.report.errors, rows=len(rows))
            return
        except TRANSIENT_ERRORS:
            raise  # the database is away: the task is retried, nothing was imported
        except SoftTimeLimitExceeded:
            _end(job, ImportJob.Status.FAILED, message=str(TOO_LONG))
            return
        except Exception as error:
            logger.exception("Import %s failed", job.pk)
            message = _("The file could not be imported: %(error)s") % {
                "error": error.__class__.__name__
            }
            _end(job, ImportJob.Status.FAILED, message=message)
            return
        _end(
            job,
            ImportJob.Status.DONE,
            rows=len(rows),
            sessions=report.sessions,
            visitors=report.visitors,
            session_import=report.session_import,
        )


def _missing() -> str:
    return _("The uploaded file is missing from storage. Upload it again.")
