"""Loading the reference classifications shipped with the project, idempotently.

- NACE Rev. 2.1 sections, divisions, groups and classes come from the `naceconverter` package
  (its `nacecodes.csv` holds the Rev. 2.1 codes with their level and parent; its level 5 is a
  national subdivision that we do not load);
- ISCO-08 (10 major, 43 sub-major, 130 minor and 436 unit groups) from `skills/data/isco08.csv`;
- the starter skills (a few hundred skills of the programme's sectors) from
  `skills/data/starter_skills.csv`, each tagged with NACE divisions.

`manage.py load_classifications` and the demo call `classifications_load()`; running it again
updates names and adds what is missing, never duplicates. The full ESCO comes from `import_esco`.
"""

import csv
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from django.db import transaction

from .models import IscoGroup, Sector, Skill

DATA_DIR = Path(__file__).parent / "data"
ISCO_FILE = DATA_DIR / "isco08.csv"
STARTER_SKILLS_FILE = DATA_DIR / "starter_skills.csv"
NACE_LEVELS = {"1", "2", "3", "4"}


@dataclass
class LoadReport:
    sectors: int = 0
    isco_groups: int = 0
    skills: int = 0

    def __str__(self):
        return (
            f"{self.sectors} NACE entries, {self.isco_groups} ISCO-08 groups, "
            f"{self.skills} starter skills"
        )


def _nace_rows() -> list[dict]:
    text = (files("naceconverter") / "nacecodes.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter=";")
    return [
        {"code": r["code"], "level": int(r["level"]), "name": r["name"], "parent": r["parentCode"]}
        for r in rows
        if r["level"] in NACE_LEVELS
    ]


def _isco_rows() -> list[dict]:
    with ISCO_FILE.open(encoding="utf-8", newline="") as f:
        return [
            {
                "code": r["code"],
                "level": len(r["code"]),
                "name": r["name"],
                "parent": r["code"][:-1],
            }
            for r in csv.DictReader(f)
        ]


def _upsert_tree(model, rows: list[dict], with_level: bool) -> int:
    """Creates or renames the entries of a coded tree, parents before children."""
    existing = {obj.code: obj for obj in model.objects.all()}
    for level in sorted({row["level"] for row in rows}):
        new, changed = [], []
        for row in (r for r in rows if r["level"] == level):
            parent = existing.get(row["parent"]) if row["parent"] else None
            obj = existing.get(row["code"])
            if obj is None:
                fields = {"code": row["code"], "name": row["name"], "parent": parent}
                if with_level:
                    fields["level"] = level
                new.append(model(**fields))
            elif obj.name != row["name"] or obj.parent_id != (parent.pk if parent else None):
                obj.name, obj.parent = row["name"], parent
                changed.append(obj)
        model.objects.bulk_create(new, batch_size=500)
        model.objects.bulk_update(changed, ["name", "parent"], batch_size=500)
        if new:  # the next level needs their ids as parents
            existing = {obj.code: obj for obj in model.objects.all()}
    return len(rows)


def sectors_load() -> int:
    return _upsert_tree(Sector, _nace_rows(), with_level=True)


def isco_groups_load() -> int:
    return _upsert_tree(IscoGroup, _isco_rows(), with_level=False)


def starter_skills_load() -> int:
    """Adds the starter skills missing by name (ESCO or not) and tags them with their sectors."""
    with STARTER_SKILLS_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_name = {name.lower(): pk for pk, name in Skill.objects.values_list("pk", "name")}
    missing = [
        Skill(name=r["name"], skill_type=r["skill_type"])
        for r in rows
        if r["name"].lower() not in by_name
    ]
    Skill.objects.bulk_create(missing, batch_size=500)
    if missing:
        by_name = {name.lower(): pk for pk, name in Skill.objects.values_list("pk", "name")}
    sector_ids = dict(Sector.objects.values_list("code", "pk"))
    Through = Skill.sectors.through
    links = [
        Through(skill_id=by_name[r["name"].lower()], sector_id=sector_ids[code])
        for r in rows
        for code in r["sectors"].split()
    ]
    Through.objects.bulk_create(links, ignore_conflicts=True, batch_size=1000)
    return len(rows)


@transaction.atomic
def classifications_load() -> LoadReport:
    return LoadReport(
        sectors=sectors_load(), isco_groups=isco_groups_load(), skills=starter_skills_load()
    )
