"""Writers of an indicator report: XLSX (openpyxl), CSV (tidy, long) and PDF (ReportLab)."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .indicators import DISAGGREGATIONS
from .report_data import ReportData
from .suppression import PRIMARY, PUBLISHED, SECONDARY, SECONDARY_MARK, primary_mark

SUPPRESSION_NOTE = gettext_lazy(
    "%(primary)s: a count from 1 to %(below)s, hidden to protect the people behind it. "
    "%(secondary)s: a count hidden so that a small count cannot be worked out from the other "
    "figures of this report; it is not a small count. Every printed figure is exact."
)
AGE_NOTE = gettext_lazy(
    "Age bands give each person's age at the end of the period (%(end)s), from the year of "
    "birth they gave (and the month, where given)."
)
PRIMARY_NOTE = gettext_lazy("%(primary)s: a count from 1 to %(below)s, hidden.")
SECONDARY_NOTE = gettext_lazy("%(secondary)s: hidden so that a small count cannot be worked out.")
# A tidy table: one figure a row, every dimension a column (empty: all of them); "breakdown"
# names the dimension the row's figure is broken down by ("total" for the indicator's total).
CSV_COLUMNS = [
    "indicator",
    "period_start",
    "period_end",
    "breakdown",
    "country",
    *[d for d in DISAGGREGATIONS if d != "country"],
    "value",
    "status",
    "note",
]
CSV_HEADER = {
    "indicator": gettext_lazy("Indicator"),
    "period_start": gettext_lazy("Period start"),
    "period_end": gettext_lazy("Period end"),
    "breakdown": gettext_lazy("Breakdown"),
    **DISAGGREGATIONS,
    "value": gettext_lazy("Value"),
    "status": gettext_lazy("Status"),
    "note": gettext_lazy("Note"),
}
# Fonts embedded in the PDF: ReportLab's own have no Cyrillic nor all the Balkan Latin letters.
FONT_DIR = Path(__file__).parent / "fonts"
PDF_FONT = "DejaVuSansCondensed"


def _marks(data: ReportData) -> dict:
    return {
        "primary": primary_mark(data.threshold),
        "secondary": SECONDARY_MARK,
        "below": data.threshold - 1,
    }


def _suppression_text(data: ReportData) -> str:
    if not data.suppression:
        return _("Small counts are shown as they are (suppression switched off).")
    return str(SUPPRESSION_NOTE) % _marks(data)


def _age_text(data: ReportData) -> str:
    return str(AGE_NOTE) % {"end": date_format(data.query.end)}


def summary_rows(data: ReportData) -> tuple[list[str], list[list]]:
    header = [
        _("Indicator"),
        _("Unit"),
        *data.countries,
        _("Total"),
        _("Baseline"),
        _("Target"),
        # xgettext:no-python-format
        _("% of target"),
    ]
    rows = []
    for result in data.results:
        rows.append(
            [
                str(result.indicator.name),
                str(result.indicator.unit),
                *[
                    result.country(index) if result.has_countries else "—"
                    for index in range(len(data.countries))
                ],
                result.total,
                result.baseline,
                result.target,
                result.percent_of_target,
            ]
        )
    return header, rows


# --- CSV -------------------------------------------------------------------------------------


def csv_rows(data: ReportData):
    period = [data.query.start.isoformat(), data.query.end.isoformat()]
    notes = {
        PUBLISHED: "",
        PRIMARY: str(PRIMARY_NOTE) % _marks(data),
        SECONDARY: str(SECONDARY_NOTE) % _marks(data),
    }

    def row(identifier, table, r, c, breakdown="", **dimensions):
        status = table.status[r][c]
        return [
            identifier,
            *period,
            breakdown,
            *[dimensions.get(column, "") for column in CSV_COLUMNS[4:-3]],
            table.display(r, c),
            status,
            notes[status],
        ]

    for result in data.results:
        identifier, summary = result.indicator.identifier, result.summary
        yield row(identifier, summary, summary.rows - 1, 0, "total")
        if result.has_countries:
            for index, country in enumerate(data.countries):
                yield row(identifier, summary, index, 0, "country", country=country)
        for breakdown in result.breakdowns:
            table, dimension = breakdown.table, breakdown.dimension
            for r, country in enumerate([*breakdown.row_keys, ""]):
                for c, label in enumerate(breakdown.column_labels):
                    where = {"country": country, dimension: label}
                    yield row(identifier, table, r, c, dimension, **where)


def write_csv(data: ReportData) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(CSV_HEADER[column]) for column in CSV_COLUMNS])
    writer.writerows(csv_rows(data))
    # With a byte-order mark, spreadsheets read UTF-8 (Niš, Prishtinë, Скопје) correctly.
    return buffer.getvalue().encode("utf-8-sig")


# --- XLSX ------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0D6EFD")
NUMBER = "#,##0"


def _header(sheet, row: int, values: list):
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(sheet, first: int = 40, rest: int = 14):
    sheet.column_dimensions["A"].width = first
    for column in range(2, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = rest


def _numbers(sheet, min_row: int):
    for row in sheet.iter_rows(min_row=min_row, min_col=2):
        for cell in row:
            if isinstance(cell.value, int | float):
                cell.number_format = NUMBER


def _sheet_title(name: str, workbook) -> str:
    """A sheet name from an indicator's name: at most 31 characters, none of []:*?/\\, unique."""
    title = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31].strip()
    taken = {sheet.title.casefold() for sheet in workbook.worksheets}
    candidate, number = title, 2
    while candidate.casefold() in taken:
        suffix = f" ({number})"
        candidate, number = title[: 31 - len(suffix)] + suffix, number + 1
    return candidate


def write_xlsx(data: ReportData, *, requested_by: str = "") -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    header, rows = summary_rows(data)
    _header(summary, 1, header)
    for values in rows:
        summary.append(
            [float(v) if v is not None and hasattr(v, "as_tuple") else v for v in values]
        )
    summary.append([])
    summary.append([_("Small counts"), _suppression_text(data)])
    summary.freeze_panes = "C2"
    _widths(summary)
    _numbers(summary, 2)
    if rows:
        chart = BarChart()
        chart.title = _("Indicators against targets")
        total_column = 3 + len(data.countries)
        values = Reference(summary, min_col=total_column, min_row=1, max_row=len(rows) + 1)
        targets = Reference(summary, min_col=total_column + 2, min_row=1, max_row=len(rows) + 1)
        chart.add_data(values, titles_from_data=True)
        chart.add_data(targets, titles_from_data=True)
        chart.set_categories(Reference(summary, min_col=1, min_row=2, max_row=len(rows) + 1))
        chart.height, chart.width = 9, 22
        summary.add_chart(chart, f"A{len(rows) + 5}")

    for result in data.results:
        sheet = workbook.create_sheet(_sheet_title(str(result.indicator.name), workbook))
        sheet["A1"] = str(result.indicator.name)
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A2"] = str(result.indicator.definition)
        sheet["A2"].alignment = Alignment(wrap_text=True)
        sheet["A3"] = _("Total")
        sheet["B3"] = result.total
        row = 5
        for breakdown in result.breakdowns:
            table = breakdown.table
            sheet.cell(row=row, column=1, value=str(DISAGGREGATIONS[breakdown.dimension]))
            sheet.cell(row=row, column=1).font = Font(bold=True)
            row += 1
            _header(sheet, row, [_("Country"), *breakdown.column_labels, _("Total")])
            if not sheet.freeze_panes or sheet.freeze_panes == "A1":
                sheet.freeze_panes = f"B{row + 1}"
            labels = [*breakdown.row_labels, _("Total")]
            for r, label in enumerate(labels):
                row += 1
                sheet.cell(row=row, column=1, value=label)
                for c in range(len(breakdown.column_labels) + 1):
                    sheet.cell(row=row, column=c + 2, value=table.display(r, c))
            row += 2
        _widths(sheet)
        _numbers(sheet, 3)

    definitions = workbook.create_sheet(_("Definitions")[:31])
    _header(
        definitions,
        1,
        [
            _("Indicator"),
            _("Identifier"),
            _("Unit"),
            _("Definition"),
            _("Breakdowns"),
            _("Counts"),
        ],
    )
    for result in data.results:
        item = result.indicator
        definitions.append(
            [
                str(item.name),
                item.identifier,
                str(item.unit),
                str(item.definition),
                ", ".join(str(DISAGGREGATIONS[d]) for d in item.disaggregations),
                item.measure,
            ]
        )
    definitions.append([])
    definitions.append([_("Small counts"), _suppression_text(data)])
    definitions.append([_("Age"), _age_text(data)])
    _widths(definitions, 40, 18)
    definitions.column_dimensions["D"].width = 80
    definitions.freeze_panes = "A2"

    parameters = workbook.create_sheet(_("Parameters")[:31])
    for name, value in [
        (_("Report"), data.title),
        (_("Period"), f"{data.query.start.isoformat()} – {data.query.end.isoformat()}"),
        (_("Countries"), ", ".join(data.query.countries) or _("all")),
        (_("Centres"), ", ".join(map(str, data.query.centre_ids)) or _("all")),
        (_("Small-count suppression"), _("on") if data.suppression else _("off")),
        (_("Requested by"), requested_by),
        (_("Generated"), timezone.now().strftime("%Y-%m-%d %H:%M UTC")),
    ]:
        parameters.append([name, value])
    _widths(parameters, 28, 60)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------


def _pdf_styles():
    """ReportLab's sample styles, set in the embedded DejaVu fonts."""
    from reportlab.lib.fonts import addMapping
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    bold = f"{PDF_FONT}-Bold"
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(PDF_FONT, FONT_DIR / f"{PDF_FONT}.ttf"))
        pdfmetrics.registerFont(TTFont(bold, FONT_DIR / f"{bold}.ttf"))
        for italic in (0, 1):  # no italic cut: italics are set upright
            addMapping(PDF_FONT, 0, italic, PDF_FONT)
            addMapping(PDF_FONT, 1, italic, bold)
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        if hasattr(style, "fontName"):
            style.fontName = bold if "Bold" in style.fontName else PDF_FONT
    return styles


def chart_series(data: ReportData) -> list[tuple[str, int | None, float | None]]:
    """(indicator, total, target) for the PDF's chart: a bar only for a published total, as a
    hidden total's cell has no number to draw."""
    return [
        (str(r.indicator.name), r.chart_value, float(r.target) if r.target else None)
        for r in data.results
    ]


def pdf_figure(value) -> str:
    """A figure as the PDF prints it: counts without decimals ("600", not "600.00"), in the
    report language's decimal mark; marks such as <5 and x as they are."""
    from django.utils.formats import number_format

    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        decimals = 0 if Decimal(str(value)) == Decimal(str(value)).to_integral_value() else 1
        return number_format(value, decimal_pos=decimals)
    return str(value)


# Columns of figures beside the label column that fit on a landscape A4 page; wider breakdowns
# are printed in several tables of this many columns, one after the other.
PDF_MAX_FIGURE_COLUMNS = 9
PDF_CHART_BARS = 12  # indicators per chart: more go on the next chart, on the next page if need be


def _pdf_table(rows, widths, styles, *, figures_from: int):
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table

    # Cells are paragraphs: long texts wrap between words and never inside one.
    cell = ParagraphStyle(
        "cell", parent=styles["BodyText"], fontSize=8.5, leading=10.5, splitLongWords=0
    )
    figure = ParagraphStyle("figure", parent=cell, alignment=TA_RIGHT)
    head = ParagraphStyle("head", parent=cell, fontName=f"{PDF_FONT}-Bold", fontSize=8, leading=10)
    body = [[Paragraph(escape(str(h)), head) for h in rows[0]]]
    for row in rows[1:]:
        body.append(
            [
                Paragraph(escape(pdf_figure(v)), figure if i >= figures_from else cell)
                for i, v in enumerate(row)
            ]
        )
    table = Table(body, colWidths=widths, repeatRows=1, splitByRow=1)
    table.setStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), PDF_FONT),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0a58ca")),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f1f3f5")]),
        ]
    )
    return table


def _pdf_charts(data: ReportData, styles, width):
    """Totals against targets, PDF_CHART_BARS indicators a chart: each chart fits on a page and
    a long report's charts follow on the next pages. Values are printed at the bars, and the
    two series differ in shade as well as colour, for black-and-white print."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.units import cm
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph

    series = chart_series(data)
    flowables = []
    for first in range(0, len(series), PDF_CHART_BARS):
        part = series[first : first + PDF_CHART_BARS]
        height = max(4, len(part)) * 1.1 * cm
        drawing = Drawing(width, height + 1.5 * cm)
        drawing.initialFontName = PDF_FONT
        chart = HorizontalBarChart()
        chart.x, chart.y = 8.5 * cm, 1 * cm
        chart.width, chart.height = width - 10 * cm, height
        # Reversed: the first indicator at the top, as in the table.
        chart.data = [
            [value or 0 for _n, value, _t in reversed(part)],
            [target or 0 for _n, _v, target in reversed(part)],
        ]
        chart.categoryAxis.categoryNames = [
            name if len(name) <= 48 else name[:47] + "…" for name, _v, _t in reversed(part)
        ]
        chart.bars[0].fillColor = colors.HexColor("#0a58ca")
        chart.bars[1].fillColor = colors.HexColor("#ced4da")
        chart.bars.strokeColor = colors.HexColor("#212529")
        chart.bars.strokeWidth = 0.3
        chart.barLabelFormat = lambda value: pdf_figure(value) if value else ""
        chart.barLabels.fontName = PDF_FONT
        chart.barLabels.fontSize = 8
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
        chart.valueAxis.valueMin = 0
        chart.valueAxis.labelTextFormat = lambda value: pdf_figure(value)
        for axis in (chart.categoryAxis, chart.valueAxis):
            axis.labels.fontName = PDF_FONT
            axis.labels.fontSize = 9
        drawing.add(chart)
        flowables.append(CondPageBreak(drawing.height + 1.5 * cm))
        flowables.append(
            KeepTogether(
                [
                    Paragraph(
                        _("Totals (dark blue) against targets (light grey)"), styles["Heading3"]
                    ),
                    drawing,
                ]
            )
        )
    return flowables


def _pdf_breakdowns(data: ReportData, styles, width):
    """Each indicator's breakdowns as tables; a breakdown with many columns is printed in
    several tables (PDF_MAX_FIGURE_COLUMNS columns each), and long tables go on over pages
    with their header repeated."""
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Spacer

    flowables = []
    for result in data.results:
        if not result.breakdowns:
            continue
        flowables.append(Paragraph(escape(str(result.indicator.name)), styles["Heading2"]))
        for breakdown in result.breakdowns:
            table = breakdown.table
            labels = [*breakdown.column_labels, _("Total")]
            rows_labels = [*breakdown.row_labels, _("Total")]
            title = str(DISAGGREGATIONS[breakdown.dimension])
            for first in range(0, len(labels), PDF_MAX_FIGURE_COLUMNS):
                columns = list(range(first, min(first + PDF_MAX_FIGURE_COLUMNS, len(labels))))
                rows = [[_("Country"), *[labels[c] for c in columns]]]
                for r, label in enumerate(rows_labels):
                    rows.append([label, *[table.display(r, c) for c in columns]])
                label_width = 5 * cm
                figure_width = (width - label_width) / PDF_MAX_FIGURE_COLUMNS
                flowables += [
                    Paragraph(escape(title), styles["Heading4"]),
                    _pdf_table(
                        rows, [label_width] + [figure_width] * len(columns), styles, figures_from=1
                    ),
                    Spacer(1, 0.3 * cm),
                ]
    return flowables


def _pdf_cover(data: ReportData, styles, *, requested_by: str, width):
    """The first page: what the report is, for whom, over which period and what it holds."""
    from reportlab.lib import colors
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Spacer, Table

    period = f"{date_format(data.query.start)} – {date_format(data.query.end)}"
    project = getattr(data, "project", None)
    facts = [
        (_("Period"), period),
        (_("Project"), str(project) if project else _("The whole network (no targets)")),
    ]
    if project is not None:
        facts.append((_("Donors"), project.donors))
    facts += [
        (_("Countries"), ", ".join(data.countries) or _("all")),
        (
            _("Indicators"),
            "; ".join(str(result.indicator.name) for result in data.results) or "—",
        ),
        (
            _("Break down by"),
            ", ".join(str(DISAGGREGATIONS[code]) for code in getattr(data, "disaggregations", ()))
            or "—",
        ),
        (_("Small counts"), _suppression_text(data)),
        (
            _("Generated"),
            _("%(when)s by %(who)s")
            % {
                "when": date_format(timezone.now(), "DATETIME_FORMAT") + " UTC",
                "who": requested_by or "—",
            },
        ),
    ]
    term = styles["BodyText"].clone("term", fontName=f"{PDF_FONT}-Bold")
    table = Table(
        [
            [Paragraph(escape(str(k)), term), Paragraph(escape(str(v)), styles["BodyText"])]
            for k, v in facts
        ],
        colWidths=[5 * cm, width - 5 * cm],
    )
    table.setStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), PDF_FONT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#adb5bd")),
        ]
    )
    return [
        Paragraph(_("MSC Portal"), styles["Heading3"]),
        Paragraph(escape(data.title), styles["Title"]),
        Paragraph(_("Progress report, %(period)s") % {"period": period}, styles["Heading2"]),
        Spacer(1, 0.6 * cm),
        table,
        Spacer(1, 0.6 * cm),
        Paragraph(
            _(
                "Contents: summary of every indicator against its target, charts of totals, "
                "the breakdowns asked for, and the definitions of the indicators."
            ),
            styles["BodyText"],
        ),
    ]


def write_pdf(data: ReportData, *, requested_by: str = "") -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    styles = _pdf_styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=data.title,
        author="MSC Portal",
        initialFontName=PDF_FONT,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
    )
    width = document.width
    story = _pdf_cover(data, styles, requested_by=requested_by, width=width)
    story += [PageBreak(), Paragraph(_("Summary"), styles["Heading1"])]
    header, rows = summary_rows(data)
    # Name and unit, then the figures' columns sharing what is left of the page.
    name_width, unit_width = 6 * cm, 2.6 * cm
    figure_width = (width - name_width - unit_width) / max(len(header) - 2, 1)
    widths = [name_width, unit_width] + [figure_width] * (len(header) - 2)
    story += [
        _pdf_table([header, *rows], widths, styles, figures_from=2),
        Spacer(1, 0.3 * cm),
        Paragraph(_suppression_text(data), styles["BodyText"]),
        Spacer(1, 0.6 * cm),
    ]
    story += _pdf_charts(data, styles, width)
    breakdowns = _pdf_breakdowns(data, styles, width)
    if breakdowns:
        story += [PageBreak(), Paragraph(_("Breakdowns"), styles["Heading1"]), *breakdowns]

    story += [PageBreak(), Paragraph(_("Definitions"), styles["Heading1"])]
    for result in data.results:
        item = result.indicator
        story += [
            Paragraph(escape(f"{item.name} ({item.unit})"), styles["Heading3"]),
            Paragraph(escape(str(item.definition)), styles["BodyText"]),
            Paragraph(escape(str(item.measure)), styles["BodyText"]),
        ]
    story += [
        Paragraph(_("Small counts"), styles["Heading3"]),
        Paragraph(_suppression_text(data), styles["BodyText"]),
        Paragraph(_("Age"), styles["Heading3"]),
        Paragraph(_age_text(data), styles["BodyText"]),
    ]
    document.build(story)
    return buffer.getvalue()
