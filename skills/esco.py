"""Importing the official ESCO CSV files (v1.1 / v1.2, English), idempotently.

The EU distributes ESCO as CSV files; we read four of them from one directory:

- `ISCOGroups_en.csv`: conceptType, conceptUri, code, preferredLabel, …
- `occupations_en.csv`: conceptType, conceptUri, iscoGroup, preferredLabel, altLabels,
  description, code, …
- `skills_en.csv`: conceptType, conceptUri, skillType, reuseLevel, preferredLabel, altLabels,
  description, …
- `occupationSkillRelations_en.csv`: occupationUri, relationType, skillType, skillUri (v1.2 adds
  label columns, which we ignore).

Rows are matched on their ESCO URI (ISCO groups on their code), so a second run updates instead of
duplicating; a starter skill without URI whose name equals an ESCO skill's preferred label is
adopted (it gets the URI) rather than doubled. Files are streamed in chunks (ESCO has ~13,900
skills and ~129,000 relations) and everything happens in one transaction: a bad file leaves the
database as it was. Extra columns are ignored; a missing file or column is an `EscoImportError`.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import IscoGroup, Occupation, OccupationSkill, Skill

CHUNK = 1000

FILES = {
    "isco": ("ISCOGroups_en.csv", ["conceptUri", "code", "preferredLabel"]),
    "occupations": (
        "occupations_en.csv",
        ["conceptUri", "iscoGroup", "preferredLabel", "altLabels", "description", "code"],
    ),
    "skills": (
        "skills_en.csv",
        ["conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "description"],
    ),
    "relations": (
        "occupationSkillRelations_en.csv",
        ["occupationUri", "relationType", "skillType", "skillUri"],
    ),
}


class EscoImportError(Exception):
    pass


@dataclass
class EscoReport:
    isco_groups: int = 0
    occupations: int = 0
    skills: int = 0
    relations: int = 0

    def __str__(self):
        return (
            f"{self.isco_groups} ISCO groups, {self.occupations} occupations, "
            f"{self.skills} skills, {self.relations} occupation–skill relations"
        )


def _check_files(directory: Path) -> dict[str, Path]:
    paths = {}
    for key, (name, columns) in FILES.items():
        path = directory / name
        if not path.is_file():
            raise EscoImportError(
                _("%(file)s is missing in %(dir)s.") % {"file": name, "dir": directory}
            )
        with path.open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), [])
        missing = [column for column in columns if column not in header]
        if missing:
            raise EscoImportError(
                _("%(file)s lacks the column(s): %(columns)s.")
                % {"file": name, "columns": ", ".join(missing)}
            )
        paths[key] = path
    return paths


def _chunks(path: Path) -> Iterator[list[tuple[int, dict]]]:
    """The file's rows with their line number in the file (header = line 1), CHUNK at a time."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        numbered = ((reader.line_num, row) for row in reader)
        while chunk := list(islice(numbered, CHUNK)):
            yield chunk


def _clean(value: str | None) -> str:
    return (value or "").strip()


def _upsert_by_uri(model, rows: list[dict], fields: list[str]) -> None:
    existing = {
        obj.esco_uri: obj
        for obj in model.objects.filter(esco_uri__in=[r["esco_uri"] for r in rows])
    }
    new, changed = [], []
    for row in rows:
        obj = existing.get(row["esco_uri"])
        if obj is None:
            new.append(model(**row))
        elif any(getattr(obj, field) != row[field] for field in fields):
            for field in fields:
                setattr(obj, field, row[field])
            changed.append(obj)
    model.objects.bulk_create(new)
    model.objects.bulk_update(changed, fields)


def _import_isco(path: Path) -> int:
    rows = [row for chunk in _chunks(path) for _line, row in chunk]
    existing = {group.code: group for group in IscoGroup.objects.all()}
    count = 0
    for level in sorted({len(_clean(r["code"])) for r in rows}):
        for row in (r for r in rows if len(_clean(r["code"])) == level):
            code = _clean(row["code"])
            group = existing.get(code) or IscoGroup(code=code)
            group.name = _clean(row["preferredLabel"])
            group.esco_uri = _clean(row["conceptUri"])
            group.parent = existing.get(code[:-1]) if level > 1 else None
            group.save()
            existing[code] = group
            count += 1
    return count


def _import_occupations(path: Path) -> int:
    isco_ids = dict(IscoGroup.objects.values_list("code", "pk"))
    count = 0
    for chunk in _chunks(path):
        rows = []
        for line, row in chunk:
            isco_code = _clean(row["iscoGroup"])
            if isco_code and isco_code not in isco_ids:
                raise EscoImportError(
                    _("occupations_en.csv line %(line)d: unknown ISCO group %(code)s.")
                    % {"line": line, "code": isco_code}
                )
            rows.append(
                {
                    "esco_uri": _clean(row["conceptUri"]),
                    "name": _clean(row["preferredLabel"]),
                    "alt_labels": _clean(row["altLabels"]),
                    "description": _clean(row["description"]),
                    "code": _clean(row["code"]),
                    "isco_group_id": isco_ids.get(isco_code),
                }
            )
        _upsert_by_uri(
            Occupation, rows, ["name", "alt_labels", "description", "code", "isco_group_id"]
        )
        count += len(rows)
    return count


def _adopt_starter_skills(rows: list[dict]) -> None:
    """Gives ESCO URIs to starter skills (no URI) that carry an ESCO preferred label."""
    by_label = {row["name"].lower(): row["esco_uri"] for row in rows}
    known = set(
        Skill.objects.filter(esco_uri__in=by_label.values()).values_list("esco_uri", flat=True)
    )
    for skill in Skill.objects.filter(esco_uri="", name__in=[row["name"] for row in rows]):
        uri = by_label.get(skill.name.lower())
        if uri and uri not in known:
            skill.esco_uri = uri
            skill.save(update_fields=["esco_uri"])
            known.add(uri)


def _import_skills(path: Path) -> int:
    types = set(Skill.Type.values)
    count = 0
    for chunk in _chunks(path):
        rows = [
            {
                "esco_uri": _clean(row["conceptUri"]),
                "name": _clean(row["preferredLabel"]),
                "alt_labels": _clean(row["altLabels"]),
                "description": _clean(row["description"]),
                "skill_type": _clean(row["skillType"]) if _clean(row["skillType"]) in types else "",
                "reuse_level": _clean(row["reuseLevel"]),
            }
            for _line, row in chunk
        ]
        _adopt_starter_skills(rows)
        _upsert_by_uri(
            Skill, rows, ["name", "alt_labels", "description", "skill_type", "reuse_level"]
        )
        count += len(rows)
    return count


def _import_relations(path: Path) -> int:
    occupation_ids = dict(Occupation.objects.values_list("esco_uri", "pk"))
    skill_ids = dict(Skill.objects.exclude(esco_uri="").values_list("esco_uri", "pk"))
    relations = set(OccupationSkill.Relation.values)
    count = 0
    for chunk in _chunks(path):
        links = {}  # one row per pair: PostgreSQL refuses to upsert the same row twice at once
        for line, row in chunk:
            occupation_id = occupation_ids.get(_clean(row["occupationUri"]))
            skill_id = skill_ids.get(_clean(row["skillUri"]))
            relation = _clean(row["relationType"])
            if occupation_id is None or skill_id is None or relation not in relations:
                raise EscoImportError(
                    _(
                        "occupationSkillRelations_en.csv line %(line)d: unknown occupation, "
                        "skill or relation type."
                    )
                    % {"line": line}
                )
            links[occupation_id, skill_id] = OccupationSkill(
                occupation_id=occupation_id, skill_id=skill_id, relation=relation
            )
        OccupationSkill.objects.bulk_create(
            list(links.values()),
            update_conflicts=True,
            unique_fields=["occupation", "skill"],
            update_fields=["relation"],
        )
        count += len(links)
    return count


@transaction.atomic
def esco_import(*, directory: str | Path) -> EscoReport:
    paths = _check_files(Path(directory))
    return EscoReport(
        isco_groups=_import_isco(paths["isco"]),
        occupations=_import_occupations(paths["occupations"]),
        skills=_import_skills(paths["skills"]),
        relations=_import_relations(paths["relations"]),
    )
