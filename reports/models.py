import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from msc_portal.fields import BoundedTextField, SensibleDateField


class Project(models.Model):
    """A funded project whose results framework the donor reports show."""

    name = models.CharField(_("name"), max_length=200)
    donors = models.CharField(_("donors"), max_length=300, help_text=_("e.g. EU IPA, ADA"))
    start = SensibleDateField(_("start"))
    end = SensibleDateField(_("end"))
    countries = models.JSONField(
        _("countries"), default=list, help_text=_("ISO 3166 codes; empty for the whole network.")
    )
    monthly_report = models.BooleanField(
        _("monthly report"),
        default=False,
        help_text=_("Generate a report on the 1st of each month and e-mail programme managers."),
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="project_dates"),
        ]

    def __str__(self):
        return self.name


class ProjectIndicator(models.Model):
    """An indicator of the registry attached to a project, with its baseline."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.CharField(_("indicator"), max_length=64)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("project indicator")
        verbose_name_plural = _("project indicators")
        constraints = [
            models.UniqueConstraint(fields=["project", "indicator"], name="indicator_once"),
        ]

    def __str__(self):
        return f"{self.project}: {self.indicator}"

    def clean(self):
        from .indicators import registry

        if self.indicator not in registry:
            raise ValidationError({"indicator": _("No such indicator.")})


class IndicatorTarget(models.Model):
    """What a project promised to reach for an indicator within a period."""

    project_indicator = models.ForeignKey(
        ProjectIndicator, on_delete=models.CASCADE, related_name="targets"
    )
    period_start = SensibleDateField(_("period start"))
    period_end = SensibleDateField(_("period end"))
    # Blank: the project's countries together.
    country = CountryField(_("country"), blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, default=0)
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="target_period"
            ),
        ]

    def __str__(self):
        return f"{self.project_indicator}: {self.value} ({self.period_start}–{self.period_end})"


class CountIndicator(models.Model):
    """An indicator a programme manager defines without code: a count over one of the sources
    of `reports.count_sources` (a whitelist), with filters and breakdowns that source allows.
    Registered alongside the indicators defined in code (see `reports.indicators.registry`)."""

    PREFIX = "count_"

    identifier = models.SlugField(
        _("identifier"),
        max_length=60,
        unique=True,
        help_text=_("Short name in lowercase letters, digits and underscores."),
    )
    name = models.CharField(_("name"), max_length=200)
    definition = BoundedTextField(_("definition"))
    unit = models.CharField(_("unit"), max_length=60)
    source = models.CharField(_("what to count"), max_length=40)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    disaggregations = models.JSONField(_("breakdowns"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("count indicator")
        verbose_name_plural = _("count indicators")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def registry_id(self) -> str:
        return f"{self.PREFIX}{self.identifier}"

    def clean(self):
        from .count_sources import validate_definition

        validate_definition(self.source, self.filters, self.disaggregations)


class FrameworkChange(models.Model):
    """Who changed what in the results framework, and how (append-only by the services)."""

    ACTIONS = {"created": _("created"), "changed": _("changed"), "removed": _("removed")}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    what = models.CharField(_("what"), max_length=200)
    action = models.CharField(_("action"), max_length=20)
    values = models.JSONField(_("values"), default=dict)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user}: {self.action} {self.what}"

    @property
    def action_label(self) -> str:
        return str(self.ACTIONS.get(self.action, self.action))


def report_file_path(instance, filename: str) -> str:
    """reports/run-<id>/<file>: one folder per run, so that a render killed
    before it committed leaves a file that the next render of the same run replaces (the same
    name), never a second copy beside it."""
    run_id = getattr(instance, "run_id", None) or instance.pk
    return f"reports/run-{run_id}/{filename}"


class ReportRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Programme managers see every run; others (coordinators) see the runs they asked for."""
        if not user.is_authenticated:
            return self.none()
        if user.scope.whole_network:
            return self.all()
        return self.filter(requested_by=user)

    def in_progress(self):
        return self.filter(status__in=ReportRun.IN_PROGRESS)

    def stale(self):
        """Runs "running" whose worker has given no sign of life for REPORT_RUN_STALE_SECONDS."""
        limit = timezone.now() - timedelta(seconds=settings.REPORT_RUN_STALE_SECONDS)
        return self.filter(status=ReportRun.Status.RUNNING, heartbeat_at__lt=limit)


class ReportRun(models.Model):
    """One request for a report: saved by the view, rendered by a Celery task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        EMPTY = "empty", _("no data")
        FAILED = "failed", _("failed")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel workbook (XLSX)")
        CSV = "csv", _("CSV, one figure a row")
        PDF = "pdf", _("PDF report")

    IN_PROGRESS = (Status.QUEUED, Status.RUNNING)

    exporter = models.CharField(_("report"), max_length=64)
    output_format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    parameters = models.JSONField(_("parameters"), default=dict)
    # Same report and parameters while one is in progress: the running one is returned.
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    # Empty for the scheduled monthly reports, which the system asks for.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="report_runs",
        null=True,
        blank=True,
    )
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    message = models.TextField(_("message"), blank=True)
    file = models.FileField(_("file"), upload_to=report_file_path, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The run's lifecycle in the background (issue 15): the Celery task id it was last queued
    # with, the worker process rendering it (host:pid), that worker's last sign of life (also
    # set when queued) and how many times rendering started. See reports.services.
    task_id = models.CharField(_("task id"), max_length=64, blank=True, editable=False)
    worker = models.CharField(_("worker"), max_length=200, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    submitted_at = models.DateTimeField(_("submitted to donor"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(status__in=["queued", "running"]),
                name="one_run_in_progress_per_fingerprint",
            ),
        ]

    def __str__(self):
        return f"{self.exporter} ({self.output_format}) {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def fingerprint_of(exporter: str, output_format: str, parameters: dict) -> str:
        payload = json.dumps([exporter, output_format, parameters], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def is_stuck(self) -> bool:
        """In progress without a sign of life: running past REPORT_RUN_STALE_SECONDS, or queued
        for longer than REPORT_RUN_QUEUED_STUCK_SECONDS (the broker was away, or lost it)."""
        if not self.in_progress:
            return False
        seconds = (
            settings.REPORT_RUN_STALE_SECONDS
            if self.status == self.Status.RUNNING
            else settings.REPORT_RUN_QUEUED_STUCK_SECONDS
        )
        last = self.heartbeat_at or self.created_at
        return last < timezone.now() - timedelta(seconds=seconds)

    @property
    def is_frozen(self) -> bool:
        return self.submitted_at is not None

    def downloads(self) -> list[dict]:
        """Every file of the run, in the order XLSX, CSV, PDF: format, name and label."""
        files = [(self.output_format, self.filename)] if self.file else []
        files += [(f.output_format, f.filename) for f in self.files.all() if f.file]
        order = list(self.Format.values)
        return [
            {"format": fmt, "filename": name, "label": fmt.upper()}
            for fmt, name in sorted(files, key=lambda item: order.index(item[0]))
        ]


class ReportFile(models.Model):
    """A further format of a run's report. The run's own `file` holds the format it was asked
    in; a run of the indicator report also writes the other formats, so that XLSX, CSV and PDF
    of the same figures come from one run."""

    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="files")
    output_format = models.CharField(_("format"), max_length=8, choices=ReportRun.Format.choices)
    file = models.FileField(_("file"), upload_to=report_file_path)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [
            models.UniqueConstraint(fields=["run", "output_format"], name="one_file_per_format"),
        ]

    def __str__(self):
        return self.filename
