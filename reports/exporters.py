"""Exporters: the reports a user can ask for. Each renders a file in a Celery task.

An exporter has an `identifier`, a `verbose_name`, the `permission` it needs, the formats it
writes, and `render(parameters, output_format, user, target) -> Rendered`. Register new ones with
`@register`; the reports app imports every `<app>/exports.py` when Django starts.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

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
    figures: dict = field(default_factory=dict)
    empty: bool = False


class Exporter:
    """A report a user can ask for; `render` writes the file into `target` (a binary file)."""

    identifier: str
    verbose_name: str
    permission = Permission.RUN_REPORTS
    formats: tuple[str, ...] = tuple(ReportRun.Format.values)
    # The formats one run writes besides the one asked for (the same figures in each).
    formats_per_run: tuple[str, ...] = ()

    def render(self, parameters: dict, output_format: str, user, target: BinaryIO) -> Rendered:
        raise NotImplementedError

    def render_all(self, parameters: dict, targets: dict[str, BinaryIO], user) -> dict:
        """Writes each format of `targets` (format → binary file); {format: Rendered}."""
        return {fmt: self.render(parameters, fmt, user, target) for fmt, target in targets.items()}


class ListExporter(Exporter):
    """A table of rows: subclasses give a header and yield rows; CSV or XLSX is written here.

    Rows are written as they come, so an export of a million rows needs little memory as long
    as `rows` streams from the database (`.iterator()`).
    """

    formats = (ReportRun.Format.CSV, ReportRun.Format.XLSX)

    def header(self, parameters: dict) -> list[str]:
        raise NotImplementedError

    def rows(self, parameters: dict, user) -> Iterator[list]:
        raise NotImplementedError

    def filename(self, parameters: dict) -> str:
        return slugify(f"{self.identifier} {parameters.get('start')} {parameters.get('end')}")

    def render(self, parameters, output_format, user, target):
        count = 0
        if output_format == ReportRun.Format.XLSX:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet(str(self.verbose_name)[:31])
            sheet.freeze_panes = "A2"
            sheet.append(self.header(parameters))
            for row in self.rows(parameters, user):
                sheet.append(row)
                count += 1
            workbook.save(target)
        else:
            text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
            writer = csv.writer(text)
            writer.writerow(self.header(parameters))
            for row in self.rows(parameters, user):
                writer.writerow(row)
                count += 1
            text.detach()  # leave the binary file open for the caller
        return Rendered(
            filename=f"{self.filename(parameters)}.{output_format}",
            content_type=CONTENT_TYPES[output_format],
            figures={"rows": count},
            empty=count == 0,
        )


class IndicatorReport(Exporter):
    """Indicators for a period against the project's targets, disaggregated as asked."""

    identifier = "indicators"
    verbose_name = _("Indicator report")
    formats_per_run = tuple(ReportRun.Format.values)

    def render(self, parameters: dict, output_format: str, user, target: BinaryIO) -> Rendered:
        return self.render_all(parameters, {output_format: target}, user)[output_format]

    def render_all(self, parameters: dict, targets: dict[str, BinaryIO], user) -> dict:
        # The figures are computed once and written in every format asked for.
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
        writers = {
            ReportRun.Format.XLSX: lambda: renderers.write_xlsx(data, requested_by=who),
            ReportRun.Format.PDF: lambda: renderers.write_pdf(data, requested_by=who),
            ReportRun.Format.CSV: lambda: renderers.write_csv(data),
        }
        name = slugify(f"{data.title} {query.start} {query.end}")
        figures, empty = data.figures(), not any(result.has_data for result in data.results)
        rendered = {}
        for output_format, target in targets.items():
            target.write(writers[output_format]())
            rendered[output_format] = Rendered(
                filename=f"{name}.{output_format}",
                content_type=CONTENT_TYPES[output_format],
                figures=figures,
                empty=empty,
            )
        return rendered


exporters: dict[str, Exporter] = {}


def register(exporter_class: type[Exporter]) -> type[Exporter]:
    """Class decorator: makes an exporter available. Apps keep theirs in <app>/exports.py."""
    exporters[exporter_class.identifier] = exporter_class()
    return exporter_class


register(IndicatorReport)
