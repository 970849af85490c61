"""Exporters: the reports a user can ask for. Each renders to bytes in a Celery task.

An exporter has an `identifier`, a `verbose_name`, the `permission` it needs, the formats it
writes, and `render(parameters, output_format, user) -> Rendered`. Register new ones in
`exporters` below.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Permission

from . import renderers
from .indicators import ReportQuery
from .models import Project, ReportRun
from .report_data import build_report

CONTENT_TYPES = {
    ReportRun.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportRun.Format.CSV: "text/csv; charset=utf-8",
    ReportRun.Format.PDF: "application/pdf",
}


@dataclass
class Rendered:
    filename: str
    content_type: str
    content: bytes
    figures: dict = field(default_factory=dict)
    empty: bool = False


class Exporter:
    identifier: str
    verbose_name: str
    permission = Permission.RUN_REPORTS
    formats: tuple[str, ...] = tuple(ReportRun.Format.values)

    def render(self, parameters: dict, output_format: str, user) -> Rendered:
        raise NotImplementedError


class IndicatorReport(Exporter):
    """Indicators for a period against the project's targets, disaggregated as asked."""

    identifier = "indicators"
    verbose_name = _("Indicator report")

    def render(self, parameters: dict, output_format: str, user) -> Rendered:
        project = (
            Project.objects.get(pk=parameters["project"]) if parameters.get("project") else None
        )
        query = ReportQuery(
            start=date.fromisoformat(parameters["start"]),
            end=date.fromisoformat(parameters["end"]),
            countries=tuple(parameters.get("countries", ())),
            centre_ids=tuple(parameters.get("centre_ids", ())),
        )
        data = build_report(
            query=query,
            indicator_ids=parameters["indicators"],
            disaggregations=parameters.get("disaggregations", []),
            project=project,
            suppression=parameters.get("suppression", True),
        )
        who = user.full_name if user else str(_("scheduled"))
        if output_format == ReportRun.Format.XLSX:
            content = renderers.write_xlsx(data, requested_by=who)
        elif output_format == ReportRun.Format.PDF:
            content = renderers.write_pdf(data, requested_by=who)
        else:
            content = renderers.write_csv(data)
        name = slugify(f"{data.title} {query.start} {query.end}")
        return Rendered(
            filename=f"{name}.{output_format}",
            content_type=CONTENT_TYPES[output_format],
            content=content,
            figures=data.figures(),
            empty=not any(result.total for result in data.results),
        )


exporters: dict[str, Exporter] = {e.identifier: e for e in [IndicatorReport()]}
