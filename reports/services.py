import datetime
import logging
import os
import socket
import tempfile
import threading
from contextlib import ExitStack

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centres.models import Centre
from msc_portal.celery import TRANSIENT_ERRORS
from msc_portal.mail import send_mail_in_languages, users_as_recipients

from .exporters import exporters
from .models import Project, ReportFile, ReportRun

logger = logging.getLogger(__name__)

NOT_ALLOWED = gettext_lazy("The person who asked for this report may no longer run it.")
ONLY_FAILED_RETRY = gettext_lazy("A finished report cannot be tried again.")
WORKER_LOST_REQUEUED = gettext_lazy(
    "The background service stopped while preparing this report; it was queued again."
)
WORKER_LOST_FAILED = gettext_lazy(
    "The background service stopped twice while preparing this report. Try again; if it fails "
    "again, tell the portal's administrators."
)
SUPERSEDED = gettext_lazy("This report was stuck; a new request replaced it.")
TIMED_OUT = gettext_lazy(
    "Preparing this report took too long and was stopped. Choose fewer indicators or a shorter "
    "period, or try again later."
)
FILE_MISSING = gettext_lazy(
    "The file of this report is missing (it was not restored with the database). Prepare it again."
)
# Times rendering may start (first delivery + one automatic re-queue after a lost worker).
AUTOMATIC_ATTEMPTS = 2
ALREADY_RUNNING = gettext_lazy("The same report is being prepared already.")
ONLY_DONE_SUBMIT = gettext_lazy("Only a finished report can be marked as submitted to the donor.")


def _queue(run: ReportRun) -> None:
    """Records the render in the outbox with the run (one transaction); sent after commit."""
    from outbox.services import outbox_enqueue

    from .tasks import render_report_run

    message = outbox_enqueue(render_report_run, run.pk)
    run.task_id, run.heartbeat_at = message.task_id, timezone.now()
    run.save(update_fields=["task_id", "heartbeat_at"])


@transaction.atomic
def report_run_request(*, user, exporter: str, output_format: str, parameters: dict, project=None):
    """Saves a run and queues it; the same request while one is in progress returns that one."""
    fingerprint = ReportRun.fingerprint_of(exporter, output_format, parameters)
    running = ReportRun.objects.in_progress().select_for_update().filter(fingerprint=fingerprint)
    running = running.first()
    if running and not running.is_stuck:
        return running, False
    if running:  # its worker is gone or it never started: a fresh run replaces it
        _end(running, ReportRun.Status.FAILED, SUPERSEDED)
    run = ReportRun(
        exporter=exporter,
        output_format=output_format,
        parameters=parameters,
        fingerprint=fingerprint,
        requested_by=user,
        project=project,
    )
    run.full_clean()
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError:  # another request saved the same run a moment ago
        return ReportRun.objects.in_progress().get(fingerprint=fingerprint), False
    _queue(run)
    return run, True


@transaction.atomic
def report_run_retry(*, run: ReportRun) -> ReportRun:
    """Queues any run that is not done again (failed, or in progress but stuck or slow)."""
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if run.status in (ReportRun.Status.DONE, ReportRun.Status.EMPTY) or run.is_frozen:
        raise ValidationError(ONLY_FAILED_RETRY)
    if (
        not run.in_progress
        and ReportRun.objects.in_progress().filter(fingerprint=run.fingerprint).exists()
    ):
        raise ValidationError(ALREADY_RUNNING)
    run.status, run.message, run.worker = ReportRun.Status.QUEUED, "", ""
    run.save(update_fields=["status", "message", "worker"])
    _queue(run)
    return run


def _end(run: ReportRun, status: str, message) -> None:
    run.status, run.message, run.finished_at = status, str(message), timezone.now()
    run.save(update_fields=["status", "message", "finished_at"])


def report_runs_sweep() -> dict[str, int]:
    """Every 15 s (beat): runs whose worker is gone are queued again once, then failed."""
    counts = {"requeued": 0, "failed": 0}
    for pk in ReportRun.objects.stale().values_list("pk", flat=True):
        with transaction.atomic():
            run = ReportRun.objects.stale().select_for_update(skip_locked=True).filter(pk=pk)
            run = run.first()
            if run is None:
                continue
            logger.warning("Report run %s lost its worker %s", run.pk, run.worker)
            if run.attempts < AUTOMATIC_ATTEMPTS:
                run.status, run.message, run.worker = (
                    ReportRun.Status.QUEUED,
                    str(WORKER_LOST_REQUEUED),
                    "",
                )
                run.save(update_fields=["status", "message", "worker"])
                _queue(run)
                counts["requeued"] += 1
            else:
                _end(run, ReportRun.Status.FAILED, WORKER_LOST_FAILED)
                counts["failed"] += 1
    return counts


@transaction.atomic
def report_run_file_missing(*, run: ReportRun) -> ReportRun:
    """The run's file is gone (a restore without media): logged, and marked for regeneration
    (failed with a reason, so "prepare again" is offered). A submitted run stays as it is."""
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    logger.error("Report run %s: file %s is missing from storage", run.pk, run.file.name)
    if run.is_frozen or run.status not in (ReportRun.Status.DONE, ReportRun.Status.EMPTY):
        return run
    _end(run, ReportRun.Status.FAILED, FILE_MISSING)  # keeps the name: the page says 410 again
    return run


@transaction.atomic
def report_run_submit(*, run: ReportRun, user) -> ReportRun:
    """Freezes a run: its file and figures stay as they are, whatever is corrected later."""
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ReportRun.Status.DONE:
        raise ValidationError(ONLY_DONE_SUBMIT)
    run.submitted_at, run.submitted_by = timezone.now(), user
    run.save(update_fields=["submitted_at", "submitted_by"])
    return run


def _may_run(run: ReportRun, exporter) -> bool:
    user = run.requested_by
    if user is None:  # scheduled by the system
        return True
    if not user.can(exporter.permission):
        return False
    scope = user.scope
    if scope.whole_network:
        return True
    countries = run.parameters.get("countries") or []
    centres = set(run.parameters.get("centre_ids") or [])
    own_centres = set(Centre.objects.staffed_by(user).values_list("pk", flat=True))
    return bool(scope.country) and countries == [scope.country] and centres <= own_centres


def monthly_reports_queue(*, today) -> list[ReportRun]:
    """Asks for last month's report of every project that wants one (safe to run twice)."""
    from .forms import period_bounds
    from .models import Project

    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    start, end = period_bounds("month", last_month.year, last_month.month)
    runs = []
    for project in Project.objects.filter(monthly_report=True, start__lte=end, end__gte=start):
        parameters = {
            "project": project.pk,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "countries": sorted(project.countries),
            "indicators": sorted(project.indicators.values_list("indicator", flat=True)),
            "disaggregations": ["country"],
            "suppression": True,
        }
        fingerprint = ReportRun.fingerprint_of("indicators", ReportRun.Format.XLSX, parameters)
        if ReportRun.objects.filter(fingerprint=fingerprint, requested_by=None).exists():
            continue
        run, _created = report_run_request(
            user=None,
            exporter="indicators",
            output_format=ReportRun.Format.XLSX,
            parameters=parameters,
            project=project,
        )
        runs.append(run)
    return runs


def _tell_programme_managers(run: ReportRun) -> None:
    from accounts.models import Role, User

    managers = User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True)
    link = settings.PORTAL_URL + reverse("reports:run_detail", args=[run.pk])

    def render() -> tuple[str, str]:
        period = f"{run.parameters['start']} – {run.parameters['end']}"
        return (
            _("Monthly report ready: %(project)s") % {"project": run.project},
            _("The monthly report %(period)s is ready: %(link)s")
            % {"period": period, "link": link},
        )

    send_mail_in_languages(users_as_recipients(managers), render)


def _this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _worker_is_dead(worker: str) -> bool:
    """True when `worker` (host:pid) was a process on this machine that no longer exists."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's worker: only its heartbeat tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return int(pid) == os.getpid()  # our own pid again: a restarted worker, the old one is gone


def _claim(run_id: int) -> ReportRun | None:
    """Marks the run as rendered here, or None when there is nothing to do: finished, frozen,
    or rendered right now by another live worker (a second delivery of the same task)."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if not run.in_progress or run.is_frozen:
            return None
        live = run.status == ReportRun.Status.RUNNING and not run.is_stuck
        if live and not _worker_is_dead(run.worker):
            return None
        run.status, run.started_at = ReportRun.Status.RUNNING, timezone.now()
        run.heartbeat_at, run.worker = run.started_at, _this_worker()
        run.attempts += 1
        run.save(update_fields=["status", "started_at", "heartbeat_at", "worker", "attempts"])
        return run


class _Heartbeat(threading.Thread):
    """Touches the run's heartbeat every REPORT_RUN_HEARTBEAT_SECONDS while it renders."""

    def __init__(self, run: ReportRun):
        super().__init__(daemon=True, name=f"heartbeat-{run.pk}")
        self.report_run, self.stopped = run, threading.Event()

    def run(self):
        from django.db import connection

        run = self.report_run
        try:
            while not self.stopped.wait(settings.REPORT_RUN_HEARTBEAT_SECONDS):
                try:
                    ReportRun.objects.filter(
                        pk=run.pk, status=ReportRun.Status.RUNNING, worker=run.worker
                    ).update(heartbeat_at=timezone.now())
                except Exception:  # the database is away: the sweeper decides later
                    logger.warning("Report run %s: heartbeat not written", run.pk)
        finally:
            connection.close()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.join()


def report_run_render(*, run_id: int) -> None:
    """Renders a queued run. Safe to run twice: a finished, frozen or live run is left alone."""
    run = _claim(run_id)
    if run is None:
        return

    exporter = exporters.get(run.exporter)
    try:
        if exporter is None or not _may_run(run, exporter):
            raise PermissionDenied(NOT_ALLOWED)
        # Reports are written in the language asked for in the builder (English for donors).
        language = run.parameters.get("language") or settings.LANGUAGE_CODE
        formats = [run.output_format]
        formats += [f for f in exporter.formats_per_run if f != run.output_format]
        with _Heartbeat(run), ExitStack() as stack, translation.override(language):
            targets = {fmt: stack.enter_context(tempfile.TemporaryFile()) for fmt in formats}
            rendered = exporter.render_all(run.parameters, targets, run.requested_by)
            for target in targets.values():
                target.seek(0)
            primary = rendered[run.output_format]
            status = ReportRun.Status.EMPTY if primary.empty else ReportRun.Status.DONE
            others = {fmt: (rendered[fmt], File(targets[fmt])) for fmt in formats[1:]}
            _finish(
                run,
                status,
                rendered=primary,
                content=File(targets[run.output_format]),
                others=others,
            )
    except PermissionDenied as error:
        _finish(run, ReportRun.Status.FAILED, message=str(error))
        return
    except SoftTimeLimitExceeded:
        _finish(run, ReportRun.Status.FAILED, message=str(TIMED_OUT))
        return
    except TRANSIENT_ERRORS:
        raise  # the database or storage is away for a moment: Celery retries the task
    except Exception as error:
        logger.exception("Report run %s failed", run.pk)
        _finish(
            run,
            ReportRun.Status.FAILED,
            message=_("The report could not be produced: %s") % error.__class__.__name__,
        )
        return
    if run.requested_by is None:
        transaction.on_commit(lambda: _tell_programme_managers(run))


def _replace_leftover(field_file, filename: str) -> None:
    """Deletes what a render of this run killed before it committed left at the file's path
    (the path holds the run's id), so that the file is replaced rather than stored twice."""
    name = field_file.field.generate_filename(field_file.instance, filename)
    if field_file.storage.exists(name):
        field_file.storage.delete(name)


@transaction.atomic
def _finish(
    run: ReportRun, status: str, *, message: str = "", rendered=None, content=None, others=None
):
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if run.status in (ReportRun.Status.DONE, ReportRun.Status.EMPTY):
        return  # another delivery of the same run finished first: it ends once, with one file
    if rendered is not None:
        if run.file:
            run.file.delete(save=False)  # a re-delivered task replaces, never adds, the file
        _replace_leftover(run.file, rendered.filename)
        run.file.save(rendered.filename, content, save=False)
        run.filename, run.content_type = rendered.filename, rendered.content_type
        run.figures = rendered.figures
        for output_format, (other, other_content) in (others or {}).items():
            old = ReportFile.objects.filter(run=run, output_format=output_format).first()
            if old:
                old.file.delete(save=False)
                old.delete()
            extra = ReportFile(
                run=run,
                output_format=output_format,
                filename=other.filename,
                content_type=other.content_type,
            )
            _replace_leftover(extra.file, other.filename)
            extra.file.save(other.filename, other_content, save=False)
            extra.save()
    run.status, run.message, run.finished_at = status, message, timezone.now()
    run.save()


def report_run_downloaded(*, run: ReportRun, user) -> None:
    """Writes a report's or research export's download to the audit trail (SECURITY.md)."""
    from counselling.models import AuditEvent
    from counselling.services import audit_record

    research = run.exporter.startswith("research")
    action = AuditEvent.Action.RESEARCH_EXPORT if research else AuditEvent.Action.REPORT_DOWNLOADED
    audit_record(user=user, action=action, detail=f"{run.exporter} {run.pk}")


# --- The results framework, edited by programme managers ---------------------------------------


def _framework_values(obj, fields) -> dict:
    return {name: str(getattr(obj, name)) for name in fields}


def _framework_audit(*, user, project, what: str, action: str, values: dict) -> None:
    from .dashboard import dashboard_invalidate
    from .models import FrameworkChange

    FrameworkChange.objects.create(
        user=user, project=project, what=what[:200], action=action, values=values
    )
    dashboard_invalidate()  # a new version of the cache key: harmless should the change roll back


def _save_audited(*, user, obj, fields, project, what: str):
    """Validates and saves one object of the framework, recording what changed (before, after)."""
    before = {}
    if obj.pk:
        before = _framework_values(type(obj).objects.get(pk=obj.pk), fields)
    obj.full_clean()
    obj.save()
    after = _framework_values(obj, fields)
    changed = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changed:
        _framework_audit(
            user=user,
            project=obj if isinstance(obj, Project) else project,
            what=what,
            action="changed" if before else "created",
            values=changed,
        )
    return obj


PROJECT_FIELDS = ["name", "donors", "start", "end", "countries", "monthly_report"]
TARGET_FIELDS = ["period_start", "period_end", "country", "baseline", "value"]
COUNT_FIELDS = ["identifier", "name", "definition", "unit", "source", "filters", "disaggregations"]


@transaction.atomic
def project_save(*, user, project):
    return _save_audited(
        user=user, obj=project, fields=PROJECT_FIELDS, project=None, what=project.name
    )


@transaction.atomic
def project_indicator_save(*, user, attached):
    return _save_audited(
        user=user,
        obj=attached,
        fields=["indicator", "baseline"],
        project=attached.project,
        what=attached.indicator,
    )


@transaction.atomic
def project_indicator_remove(*, user, attached) -> None:
    _framework_audit(
        user=user,
        project=attached.project,
        what=attached.indicator,
        action="removed",
        values={"targets": [attached.targets.count(), 0]},
    )
    attached.delete()


@transaction.atomic
def target_save(*, user, target):
    attached = target.project_indicator
    return _save_audited(
        user=user,
        obj=target,
        fields=TARGET_FIELDS,
        project=attached.project,
        what=f"{attached.indicator}: {_('target')}",
    )


@transaction.atomic
def target_delete(*, user, target) -> None:
    attached = target.project_indicator
    _framework_audit(
        user=user,
        project=attached.project,
        what=f"{attached.indicator}: {_('target')}",
        action="removed",
        values={k: [v, None] for k, v in _framework_values(target, TARGET_FIELDS).items()},
    )
    target.delete()


@transaction.atomic
def count_indicator_save(*, user, row):
    if not row.pk:
        row.created_by = user
    return _save_audited(user=user, obj=row, fields=COUNT_FIELDS, project=None, what=row.name)
