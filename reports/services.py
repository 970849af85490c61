import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .exporters import exporters
from .models import ReportRun

logger = logging.getLogger(__name__)

NOT_ALLOWED = "The person who asked for this report may no longer run it."
ONLY_FAILED_RETRY = "Only a failed report can be tried again."
ONLY_DONE_SUBMIT = "Only a finished report can be marked as submitted to the donor."


def _queue(run: ReportRun) -> None:
    from .tasks import render_report_run

    transaction.on_commit(lambda: render_report_run.delay(run.pk))


@transaction.atomic
def report_run_request(*, user, exporter: str, output_format: str, parameters: dict, project=None):
    """Saves a run and queues it; the same request while one is in progress returns that one."""
    fingerprint = ReportRun.fingerprint_of(exporter, output_format, parameters)
    running = ReportRun.objects.in_progress().filter(fingerprint=fingerprint).first()
    if running:
        return running, False
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
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ReportRun.Status.FAILED:
        raise ValidationError(_(ONLY_FAILED_RETRY))
    run.status, run.message = ReportRun.Status.QUEUED, ""
    run.save(update_fields=["status", "message"])
    _queue(run)
    return run


@transaction.atomic
def report_run_submit(*, run: ReportRun, user) -> ReportRun:
    """Freezes a run: its file and figures stay as they are, whatever is corrected later."""
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ReportRun.Status.DONE:
        raise ValidationError(_(ONLY_DONE_SUBMIT))
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
    return bool(scope.country) and countries == [scope.country]


def report_run_render(*, run_id: int) -> None:
    """Renders a queued run. Safe to run twice: a finished or frozen run is left as it is."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if not run.in_progress or run.is_frozen:
            return
        run.status, run.started_at = ReportRun.Status.RUNNING, timezone.now()
        run.save(update_fields=["status", "started_at"])

    exporter = exporters.get(run.exporter)
    try:
        if exporter is None or not _may_run(run, exporter):
            raise PermissionDenied(NOT_ALLOWED)
        rendered = exporter.render(run.parameters, run.output_format, run.requested_by)
    except PermissionDenied as error:
        _finish(run, ReportRun.Status.FAILED, message=_(str(error)))
        return
    except Exception as error:
        logger.exception("Report run %s failed", run.pk)
        _finish(
            run,
            ReportRun.Status.FAILED,
            message=_("The report could not be produced: %s") % error.__class__.__name__,
        )
        return
    status = ReportRun.Status.EMPTY if rendered.empty else ReportRun.Status.DONE
    _finish(run, status, rendered=rendered)


@transaction.atomic
def _finish(run: ReportRun, status: str, *, message: str = "", rendered=None) -> None:
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if rendered is not None:
        if run.file:
            run.file.delete(save=False)  # a re-delivered task replaces, never adds, the file
        run.file.save(rendered.filename, ContentFile(rendered.content), save=False)
        run.filename, run.content_type = rendered.filename, rendered.content_type
        run.figures = rendered.figures
    run.status, run.message, run.finished_at = status, message, timezone.now()
    run.save()
