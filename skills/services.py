"""Writes to the skills-needs database and the training opportunities."""

import codecs
import csv
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from .models import IscoGroup, Occupation, Sector, Skill, SkillDemand, TrainingOpportunity

IMPORT_COLUMNS = [
    "region",
    "sector",
    "occupation_uri",
    "isco_code",
    "skill",
    "shortage",
    "workers_needed",
    "source_type",
    "source_name",
    "source_url",
    "period_start",
    "period_end",
    "notes",
]
REQUIRED_COLUMNS = ["region", "sector", "shortage", "source_type", "source_name"]
REQUIRED_COLUMNS += ["period_start", "period_end"]
MAX_IMPORT_ROWS = 5000
NOT_CSV = gettext_noop("The file is not a UTF-8 CSV file.")
NO_ROWS = gettext_noop("The file has no rows.")


class DemandImportError(Exception):
    """Why an import was refused: a list of messages, each naming its row."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@transaction.atomic
def skill_demand_save(*, demand: SkillDemand, recorded_by=None) -> SkillDemand:
    """Creates or updates one record, validated as a whole."""
    if demand.recorded_by_id is None:
        demand.recorded_by = recorded_by
    demand.full_clean(exclude=["section"])
    demand.save()
    return demand


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return " ".join(error.messages)


def _lookup(model, field: str, value: str, label: str):
    if not value:
        return None
    found = model.objects.filter(**{field: value}).first()
    if found is None:
        raise ValidationError(_("unknown %(label)s “%(value)s”") % {"label": label, "value": value})
    return found


def _demand_from_row(row: dict, sectors: dict[str, Sector]) -> SkillDemand:
    code = row["sector"]
    if code not in sectors:
        raise ValidationError(_("unknown NACE code “%(code)s”") % {"code": code})
    skill_value = row["skill"]
    skill = None
    if skill_value:
        field = "esco_uri" if skill_value.startswith("http") else "name__iexact"
        skill = _lookup(Skill, field, skill_value, _("skill"))
    shortage = row["shortage"]
    # Levels by name in English or in the language of the page.
    shortage_by_label = {str(label).lower(): value for value, label in SkillDemand.Shortage.choices}
    with override("en"):
        shortage_by_label |= {str(label).lower(): v for v, label in SkillDemand.Shortage.choices}
    try:
        return SkillDemand(
            region=row["region"].upper(),
            sector=sectors[code],
            occupation=_lookup(Occupation, "esco_uri", row["occupation_uri"], _("occupation")),
            isco_group=_lookup(IscoGroup, "code", row["isco_code"], _("ISCO-08 code")),
            skill=skill,
            shortage=int(shortage)
            if shortage.isdigit()
            else shortage_by_label.get(shortage.lower()),
            workers_needed=int(row["workers_needed"]) if row["workers_needed"] else None,
            source_type=row["source_type"],
            source_name=row["source_name"],
            source_url=row["source_url"],
            period_start=date.fromisoformat(row["period_start"]),
            period_end=date.fromisoformat(row["period_end"]),
            notes=row["notes"],
        )
    except ValueError as error:
        raise ValidationError(
            _("a number or date is malformed (%(error)s)") % {"error": error}
        ) from error


@transaction.atomic
def skill_demand_import(*, file, recorded_by) -> int:
    """Imports a CSV of demand records: all rows or none, with every row's errors reported."""
    # Read row by row: a file over MAX_IMPORT_ROWS is refused without reading the rest.
    reader = csv.DictReader(codecs.iterdecode(file, "utf-8-sig"))
    try:
        header = reader.fieldnames or []
    except (UnicodeDecodeError, csv.Error) as error:
        raise DemandImportError([_(NOT_CSV)]) from error
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise DemandImportError(
            [_("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}]
        )
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    demands, errors = [], []
    rows = []
    try:
        for row in reader:
            if len(rows) == MAX_IMPORT_ROWS:
                raise DemandImportError(
                    [_("More than %(max)d rows: split the file.") % {"max": MAX_IMPORT_ROWS}]
                )
            rows.append((reader.line_num, row))
    except (UnicodeDecodeError, csv.Error) as error:
        raise DemandImportError([_(NOT_CSV)]) from error
    for line, row in rows:
        cleaned = {column: (row.get(column) or "").strip() for column in IMPORT_COLUMNS}
        try:
            demand = _demand_from_row(cleaned, sectors)
            demand.recorded_by = recorded_by
            demand.full_clean(exclude=["section"])
        except ValidationError as error:
            errors.append(
                _("Row %(line)d: %(error)s") % {"line": line, "error": _error_text(error)}
            )
            continue
        demands.append(demand)
    if not demands and not errors:
        errors.append(_(NO_ROWS))
    if errors:
        raise DemandImportError(errors)
    by_pk = {sector.pk: sector for sector in sectors.values()}
    for demand in demands:
        section = demand.sector
        while section.parent_id:
            section = by_pk[section.parent_id]
        demand.section = section
    SkillDemand.objects.bulk_create(demands)
    return len(demands)


@transaction.atomic
def training_save(*, training: TrainingOpportunity, user=None) -> TrainingOpportunity:
    if training.created_by_id is None:
        training.created_by = user
    training.full_clean()
    training.save()
    return training
