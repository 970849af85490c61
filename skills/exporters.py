"""Exports of the skills-needs database, as CSV or XLSX.

An exporter yields a header and rows; `render(fmt)` writes them in the asked format
(the pattern of pretix's list exporters). Aggregates come from the database (selectors.py).
"""

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from .selectors import demand_matrix

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """Text that a spreadsheet would run as a formula is written as text (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class ListExporter:
    identifier = ""
    verbose_name = ""

    def __init__(self, queryset):
        self.queryset = queryset

    def header(self) -> list[str]:
        raise NotImplementedError

    def rows(self) -> Iterable[list]:
        raise NotImplementedError

    def render(self, fmt: str) -> tuple[str, str, bytes]:
        """(filename, content type, content)."""
        filename = f"{self.identifier}-{timezone.localdate():%Y-%m-%d}.{fmt}"
        if fmt == "xlsx":
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet(title=str(self.verbose_name)[:31])
            sheet.append(self.header())
            for row in self.rows():
                sheet.append([_safe(value) for value in row])
            buffer = io.BytesIO()
            workbook.save(buffer)
            return filename, FORMATS["xlsx"], buffer.getvalue()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.header())
        writer.writerows([_safe(value) for value in row] for row in self.rows())
        return filename, FORMATS["csv"], buffer.getvalue().encode("utf-8-sig")


class DemandMatrixExporter(ListExporter):
    """Records per sector (NACE section) × region, as on the browse page."""

    identifier = "skill-demand-by-sector-and-region"
    verbose_name = gettext_lazy("Demand by sector")

    def header(self):
        self.matrix = demand_matrix(self.queryset)
        return (
            [_("NACE section"), _("Sector")]
            + [code for code, _name in self.matrix.regions]
            + [_("Total")]
        )

    def rows(self):
        for row in self.matrix.rows:
            yield [row.section.code, row.section.label, *[c.count for c in row.cells], row.total]
        yield ["", _("Total"), *self.matrix.column_totals, self.matrix.total]


class DemandRecordsExporter(ListExporter):
    """One line per record, with its classification codes."""

    identifier = "skill-demand-records"
    verbose_name = gettext_lazy("Demand records")

    def header(self):
        return [
            _("Region"),
            _("NACE section"),
            _("NACE code"),
            _("Sector"),
            _("ISCO-08"),
            _("Occupation"),
            _("Occupation ESCO URI"),
            _("Skill"),
            _("Skill ESCO URI"),
            _("Shortage"),
            _("Workers needed"),
            _("Type of source"),
            _("Source"),
            _("Period from"),
            _("Period to"),
        ]

    def rows(self):
        queryset = self.queryset.select_related(
            "section", "sector", "occupation", "isco_group", "skill"
        ).order_by("region", "section__code", "pk")
        for d in queryset.iterator(chunk_size=1000):
            yield [
                d.region,
                d.section.code,
                d.sector.code,
                d.sector.label,
                d.isco_group.code if d.isco_group else "",
                d.occupation.name if d.occupation else "",
                d.occupation.esco_uri if d.occupation else "",
                d.skill.name if d.skill else "",
                d.skill.esco_uri if d.skill else "",
                str(d.get_shortage_display()),
                d.workers_needed if d.workers_needed is not None else "",
                str(d.get_source_type_display()),
                d.source_name,
                d.period_start.isoformat(),
                d.period_end.isoformat(),
            ]


EXPORTERS = {e.identifier: e for e in (DemandMatrixExporter, DemandRecordsExporter)}
