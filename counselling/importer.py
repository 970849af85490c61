"""Import of legacy session logs (CSV or XLSX), validated as a whole, saved all or nothing.

Imports are idempotent: each keeps its file's fingerprint (SessionImport), each session the
fingerprint of its row (`Session.legacy_row`, unique per centre) and each new visitor its
legacy_ref (unique per centre). Importing the same file again, or a later file that overlaps,
adds no row twice: the report lists the rows skipped, and a later row with a known legacy_ref
joins the visitor created before. A manager may roll an import back as a whole
(services.session_import_roll_back).

The template has one row per individual session. A row names its visitor either by
`visitor_code` (a visitor the importing user may see) or by `legacy_ref`, the reference the old
log used for a person: rows sharing a legacy_ref become one new visitor, whose profile is read
from the first of those rows. Every problem is reported as (row, column, reason); if there is
one, nothing is saved.
"""

import codecs
import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from accounts.models import User
from centres.models import Centre

from . import codes, services
from .models import (
    AuditEvent,
    MigrationStatus,
    Session,
    SessionImport,
    Sex,
    Topic,
    Visitor,
)

MAX_ROWS = 100_000  # streamed: reading stops at the first row over it
ROW_NUMBER = "__row__"  # the row's number in the file (the header is row 1)

# (column, required, description) — the documented template, shown on the import page. Column
# names and values are the file's own and stay as they are in every language: placeholders.
COLUMNS = [
    (
        "visitor_code",
        False,
        format_lazy(
            gettext_lazy("Code of a registered visitor ({example}), or leave empty."),
            example="RS-NS-0042-7",
        ),
    ),
    (
        "legacy_ref",
        False,
        gettext_lazy("The old log's reference for a person, when there is no code yet."),
    ),
    ("date", True, gettext_lazy("Date of the session, YYYY-MM-DD (or a date cell in XLSX).")),
    (
        "counsellor_email",
        False,
        gettext_lazy("E-mail of the counsellor; empty: the person importing."),
    ),
    (
        "mode",
        False,
        format_lazy(
            gettext_lazy("One of {values}; empty: {default}."),
            values="in_person, phone, email, online, outreach",
            default="in_person",
        ),
    ),
    ("duration_minutes", False, gettext_lazy("Whole minutes.")),
    (
        "topics",
        True,
        format_lazy(
            gettext_lazy("Topic codes separated by “;”, e.g. {example}."),
            example="legal-channels;study-abroad",
        ),
    ),
    (
        "destinations",
        False,
        format_lazy(
            gettext_lazy("ISO country codes separated by “;”, e.g. {example}."), example="DE;AT"
        ),
    ),
    (
        "services",
        False,
        format_lazy(
            gettext_lazy("Any of {values}, separated by “;”."),
            values="information, counselling, cv_help, pre_departure, referral",
        ),
    ),
    ("notes", False, gettext_lazy("Free text, seen by the centre's staff only.")),
    ("follow_up_date", False, gettext_lazy("A date, YYYY-MM-DD.")),
    ("sex", False, format_lazy(gettext_lazy("New visitors: one of {values}."), values="F, M, X")),
    ("year_of_birth", False, gettext_lazy("New visitors: four digits.")),
    (
        "migration_status",
        False,
        format_lazy(
            gettext_lazy("New visitors: one of {values}."), values=", ".join(MigrationStatus.values)
        ),
    ),
    (
        "consent_service",
        False,
        format_lazy(
            gettext_lazy("New visitors: {yes} if they consented to a named record."), yes="yes"
        ),
    ),
    ("given_name", False, gettext_lazy("New visitors with service consent only.")),
    ("family_name", False, gettext_lazy("New visitors with service consent only.")),
]
COLUMN_NAMES = [name for name, _required, _doc in COLUMNS]
EXAMPLE_ROW = {
    "legacy_ref": "NS-2019-001",
    "date": "2024-03-14",
    "mode": "in_person",
    "duration_minutes": "30",
    "topics": "legal-channels;recognition",
    "destinations": "DE",
    "services": "information;counselling",
    "sex": "F",
    "year_of_birth": "1994",
    "migration_status": "potential_migrant",
    "consent_service": "no",
}


@dataclass
class ImportReport:
    errors: list[dict] = field(default_factory=list)
    sessions: int = 0
    visitors: int = 0
    # Rows not imported because they are already in the portal: {"row": n, "reason": text}.
    skipped: list[dict] = field(default_factory=list)
    # When the same file was imported before (its fingerprint is known), that import.
    earlier: SessionImport | None = None
    session_import: SessionImport | None = None
    session_ids: list[int] = field(default_factory=list)
    visitor_ids: list[int] = field(default_factory=list)

    def add(self, row: int, column: str, reason: str) -> None:
        self.errors.append({"row": row, "column": column, "reason": reason})

    def skip(self, row: int, reason: str) -> None:
        self.skipped.append({"row": row, "reason": reason})

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRejected(Exception):
    def __init__(self, report: ImportReport):
        super().__init__("import rejected")
        self.report = report


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    writer.writerow({name: EXAMPLE_ROW.get(name, "") for name in COLUMN_NAMES})
    return out.getvalue()


def _cell(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _lines(uploaded):
    """The file's rows as lists of strings, read as they are needed (never the whole file)."""
    name = (uploaded.name or "").lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(uploaded, read_only=True, data_only=True).worksheets[0]
        except Exception as error:
            raise ValueError(_("The file is not a readable XLSX workbook.")) from error
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in row]
    elif name.endswith(".csv"):
        for row in csv.reader(codecs.iterdecode(uploaded, "utf-8-sig")):
            yield [cell.strip() for cell in row]
    else:
        raise ValueError(_("Upload a .csv or .xlsx file."))


def read_rows(uploaded) -> list[dict]:
    """Rows as dicts of strings, from a CSV (UTF-8) or XLSX upload. Raises ValueError.

    The file is read row by row and reading stops at the first row over MAX_ROWS."""
    lines = _lines(uploaded)
    rows = []
    try:
        header = [h.strip().lower() for h in next(lines, None) or []]
        if not header:
            raise ValueError(_("The file is empty."))
        unknown = [h for h in header if h and h not in COLUMN_NAMES]
        if unknown:
            raise ValueError(_("Unknown columns: %s") % ", ".join(unknown))
        # Blank lines (common at the end of spreadsheets) are skipped; rows keep their number.
        for number, line in enumerate(lines, start=2):
            if not any(line):
                continue
            if len(rows) == MAX_ROWS:
                raise ValueError(_("At most %d rows at a time.") % MAX_ROWS)
            rows.append({ROW_NUMBER: number, **dict(zip(header, line, strict=False))})
    except UnicodeDecodeError as error:
        raise ValueError(_("Save the CSV file as UTF-8.")) from error
    except csv.Error as error:
        raise ValueError(_("The file is not a readable CSV file.")) from error
    return rows


def file_fingerprint(uploaded) -> str:
    """SHA-256 of the uploaded file's bytes; the file is left at its start for reading."""
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def row_fingerprint(row: dict) -> str:
    """The same session in two files gives the same fingerprint, whatever the column order,
    surrounding spaces or case of codes."""
    cells = {
        name: str(value).strip()
        for name, value in row.items()
        if name != ROW_NUMBER and str(value or "").strip()
    }
    if "visitor_code" in cells:
        cells["visitor_code"] = codes.normalise(cells["visitor_code"])
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()


def _date(value: str) -> date:
    return date.fromisoformat(value)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


class _Validator:
    def __init__(self, *, user, centre, report: ImportReport):
        self.user, self.centre, self.report = user, centre, report
        self.topics = {t.code: t for t in Topic.objects.filter(is_active=True)}
        self.staff = {u.email.lower(): u for u in User.objects.filter(centres=centre)}
        self.visible = Visitor.objects.visible_to(user)
        self.new_visitors: dict[str, dict] = {}
        # Visitors an earlier import created from a legacy_ref: later rows join them.
        self.known: dict[str, Visitor] = {}

    def visitor_ref(self, n: int, row: dict):
        code, ref = row.get("visitor_code", ""), row.get("legacy_ref", "")
        if code:
            visitor = self.visible.filter(code=codes.normalise(code)).first()
            if visitor is None:
                self.report.add(n, "visitor_code", _("No visitor you may see has this code."))
            return visitor
        if not ref:
            self.report.add(n, "visitor_code", _("Give a visitor_code or a legacy_ref."))
            return None
        if ref in self.known:
            return self.known[ref]
        if ref not in self.new_visitors:
            self.new_visitors[ref] = self.profile(n, row)
        return ref

    def profile(self, n: int, row: dict) -> dict:
        profile = {"consents": {"service": row.get("consent_service", "").lower() in ("yes", "y")}}
        if row.get("sex", "").upper() not in Sex.values:
            self.report.add(n, "sex", _("New visitors need F, M or X."))
        profile["sex"] = row.get("sex", "").upper()
        if row.get("migration_status", "") not in MigrationStatus.values:
            self.report.add(n, "migration_status", _("Not one of the listed statuses."))
        profile["migration_status"] = row.get("migration_status", "")
        year = row.get("year_of_birth", "")
        if year and not (year.isdigit() and 1900 <= int(year) <= localdate().year):
            self.report.add(n, "year_of_birth", _("Four digits, not in the future."))
        profile["year_of_birth"] = int(year) if year.isdigit() else None
        for name in ("given_name", "family_name"):
            if row.get(name) and not profile["consents"]["service"]:
                self.report.add(n, name, _("Names only with service consent."))
            profile[name] = row.get(name, "") if profile["consents"]["service"] else ""
        return profile

    def session(self, n: int, row: dict) -> dict | None:
        values: dict = {}
        for column in ("date", "follow_up_date"):
            raw = row.get(column, "")
            if not raw:
                if column == "date":
                    self.report.add(n, "date", _("Required."))
                continue
            try:
                values[column] = _date(raw)
            except ValueError:
                self.report.add(n, column, _("Not a date (YYYY-MM-DD): %s") % raw)
        email = row.get("counsellor_email", "").lower()
        values["counsellor"] = self.staff.get(email) if email else self.user
        if values["counsellor"] is None:
            self.report.add(n, "counsellor_email", _("Not a member of this centre's staff."))
        values["mode"] = row.get("mode") or Session.Mode.IN_PERSON
        duration = row.get("duration_minutes", "")
        if duration and not duration.isdigit():
            self.report.add(n, "duration_minutes", _("Whole minutes."))
        values["duration_minutes"] = int(duration) if duration.isdigit() else None
        topic_codes = _split(row.get("topics", ""))
        unknown = [code for code in topic_codes if code not in self.topics]
        if not topic_codes or unknown:
            self.report.add(n, "topics", _("Unknown or missing topics: %s") % ", ".join(unknown))
        values["topics"] = [self.topics[c] for c in topic_codes if c in self.topics]
        destinations = [code.upper() for code in _split(row.get("destinations", ""))]
        bad = [code for code in destinations if code not in countries]
        if bad:
            self.report.add(n, "destinations", _("Unknown country codes: %s") % ", ".join(bad))
        values["destinations"] = destinations
        values["services"] = _split(row.get("services", ""))
        values["notes"] = row.get("notes", "")
        self._model_rules(n, values)
        return values

    def _model_rules(self, n: int, values: dict) -> None:
        """The Session model's own rules (choices, future dates, follow-up order)."""
        fields = {k: v for k, v in values.items() if k not in ("topics", "counsellor")}
        probe = Session(centre=self.centre, **fields)
        try:
            probe.full_clean(exclude=["visitor", "counsellor", "destinations"])
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                for message in messages:
                    self.report.add(n, column, message)


def _known_legacy_visitors(centre, refs) -> dict[str, Visitor]:
    """The centre's visitors created by earlier imports, by legacy_ref (a merged one: the
    record it was merged into)."""
    found = Visitor.objects.filter(centre=centre, legacy_ref__in=refs, deleted_at__isnull=True)
    return {v.legacy_ref: v.merged_into or v for v in found.select_related("merged_into")}


def sessions_import(
    *, user, centre, rows: list[dict], file_name: str = "", fingerprint: str = ""
) -> ImportReport:
    """Validates every new row, then saves all of them in one transaction, or raises
    ImportRejected with the report of every bad row and column.

    Rows already imported at the centre (same row fingerprint), and repeats within the file,
    are skipped and listed in the report. A plain function of ids and rows, so that a task can
    run it as well as the upload page."""
    report = ImportReport()
    if not rows:
        report.add(1, "", _("The file has no data rows."))
        raise ImportRejected(report)
    if fingerprint:
        report.earlier = SessionImport.objects.filter(
            centre=centre, fingerprint=fingerprint, rolled_back_at__isnull=True
        ).first()
    with transaction.atomic():
        # One import at a time per centre: two uploads of one file cannot both add its rows.
        # FOR NO KEY UPDATE: a registration at the desk (a FOR KEY SHARE of the centre's row)
        # does not wait for the import.
        Centre.objects.select_for_update(no_key=True).filter(pk=centre.pk).first()
        _sessions_import(user=user, centre=centre, rows=rows, report=report)
        report.session_import = SessionImport.objects.create(
            centre=centre,
            user=user,
            file_name=file_name[:255],
            fingerprint=fingerprint,
            rows=len(rows),
            sessions_added=report.sessions,
            visitors_added=report.visitors,
            rows_skipped=len(report.skipped),
            skipped=report.skipped,
        )
        Session.objects.filter(pk__in=report.session_ids).update(
            session_import=report.session_import
        )
        Visitor.objects.filter(pk__in=report.visitor_ids).update(
            session_import=report.session_import
        )
        services.audit_record(
            user=user,
            centre=centre,
            action=AuditEvent.Action.IMPORTED,
            count=report.sessions,
            detail=f"import {report.session_import.pk}: {len(report.skipped)} skipped",
        )
    return report


def _sessions_import(*, user, centre, rows: list[dict], report: ImportReport) -> None:
    fingerprints = [row_fingerprint(row) for row in rows]
    done = set(
        Session.objects.filter(centre=centre, legacy_row__in=fingerprints).values_list(
            "legacy_row", flat=True
        )
    )
    validator = _Validator(user=user, centre=centre, report=report)
    validator.known = _known_legacy_visitors(
        centre, {row.get("legacy_ref", "") for row in rows} - {""}
    )
    planned, first_seen = [], {}
    for index, (row, fingerprint) in enumerate(zip(rows, fingerprints, strict=True), start=2):
        index = row.get(ROW_NUMBER, index)  # row 1 is the header
        if fingerprint in done:
            report.skip(index, _("Already imported."))
            continue
        if fingerprint in first_seen:
            report.skip(index, _("Same as row %(row)s.") % {"row": first_seen[fingerprint]})
            continue
        first_seen[fingerprint] = index
        visitor = validator.visitor_ref(index, row)
        values = validator.session(index, row)
        planned.append((visitor, values, fingerprint))
    if not report.ok:
        raise ImportRejected(report)
    created = {}
    for ref, profile in validator.new_visitors.items():
        consents = profile.pop("consents")
        created[ref] = services.visitor_register(
            user=user, centre=centre, consents=consents, legacy_ref=ref, card=False, **profile
        )
    report.session_ids, report.visitor_ids = [], [v.pk for v in created.values()]
    for visitor, values, fingerprint in planned:
        counsellor = values.pop("counsellor")
        target = created[visitor] if isinstance(visitor, str) else visitor
        session = services.session_log(
            user=user,
            visitor=target,
            centre=centre,
            topics=values.pop("topics"),
            source=Session.Source.IMPORT,
            legacy_row=fingerprint,
            **values,
        )
        report.session_ids.append(session.pk)
        if counsellor != user:
            Session.objects.filter(pk=session.pk).update(counsellor=counsellor)
    report.visitors, report.sessions = len(created), len(planned)
