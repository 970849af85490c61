"""Reads over the classifications and the skills-needs database."""

import math
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length

from .models import (
    WESTERN_BALKANS,
    IscoGroup,
    Occupation,
    Sector,
    Skill,
    SkillDemand,
    region_choices,
)

PICKER_LIMIT = 20
PICKER_MIN_LENGTH = 2
HEAT_STEPS = 4


def _ranked_search(queryset: QuerySet, query: str, limit: int) -> list:
    """Entries whose name or other names contain the query: exact, then prefix, then shortest.

    `icontains` on name and alt_labels is served by the trigram indexes (migration 0003).
    """
    query = query.strip()
    if len(query) < PICKER_MIN_LENGTH:
        return []
    rank = Case(
        When(name__iexact=query, then=Value(0)),
        When(name__istartswith=query, then=Value(1)),
        When(name__icontains=query, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    matches = queryset.filter(Q(name__icontains=query) | Q(alt_labels__icontains=query))
    return list(matches.annotate(rank=rank).order_by("rank", Length("name"), "name")[:limit])


def skill_search(query: str, limit: int = PICKER_LIMIT) -> list[Skill]:
    return _ranked_search(Skill.objects.all(), query, limit)


def occupation_search(query: str, limit: int = PICKER_LIMIT) -> list[Occupation]:
    return _ranked_search(Occupation.objects.select_related("isco_group"), query, limit)


def esco_imported() -> bool:
    """Whether ESCO occupations were imported: the occupation pickers then search them, and
    otherwise the ISCO-08 unit groups shipped with the project."""
    return Occupation.objects.exists()


def isco_unit_groups() -> QuerySet[IscoGroup]:
    return IscoGroup.objects.filter(code__regex=r"^[0-9]{4}$")


def isco_unit_search(query: str, limit: int = PICKER_LIMIT) -> list[IscoGroup]:
    """ISCO-08 unit groups (436) by code prefix or by name, in English or in the user's language
    where the catalogue translates it; few enough to rank in Python after one query."""
    query = query.strip()
    if len(query) < PICKER_MIN_LENGTH:
        return []
    needle = query.casefold()
    found = []
    for group in isco_unit_groups():
        names = (group.name.casefold(), group.label.casefold())
        if group.code.startswith(needle):
            found.append((0, group.code, group))
        elif any(name.startswith(needle) for name in names):
            found.append((1, len(group.name), group))
        elif any(needle in name for name in names):
            found.append((2, len(group.name), group))
    return [group for *_key, group in sorted(found, key=lambda f: f[:2])][:limit]


@dataclass
class DemandCell:
    count: int = 0
    high: int = 0  # of which high or severe shortage
    heat: int = 0  # 0 (none) … HEAT_STEPS (the busiest cell), for the heat-map's CSS class


@dataclass
class DemandRow:
    section: Sector
    cells: list[DemandCell]
    total: int = 0


@dataclass
class DemandMatrix:
    """Demand records counted per NACE section (rows) × region (columns)."""

    regions: list[tuple[str, str]]
    rows: list[DemandRow]
    column_totals: list[int] = field(default_factory=list)
    total: int = 0


def demand_matrix(queryset: QuerySet[SkillDemand]) -> DemandMatrix:
    """Counts in the database (one GROUP BY), then lays them out; regions and sections without
    any record are left out so that the table stays readable."""
    counts = (
        queryset.order_by()
        .values("section_id", "region")
        .annotate(
            n=Count("id"), high=Count("id", filter=Q(shortage__gte=SkillDemand.Shortage.HIGH))
        )
    )
    by_cell = {(c["section_id"], c["region"]): c for c in counts}
    present_regions = {region for _section, region in by_cell}
    regions = [(code, name) for code, name in region_choices() if code in present_regions]
    sections = Sector.objects.filter(pk__in={section for section, _region in by_cell})
    busiest = max((c["n"] for c in by_cell.values()), default=0)

    rows = []
    for section in sections.order_by("code"):
        cells = []
        for code, _name in regions:
            found = by_cell.get((section.pk, code))
            n = found["n"] if found else 0
            heat = math.ceil(n * HEAT_STEPS / busiest) if n else 0
            cells.append(DemandCell(count=n, high=found["high"] if found else 0, heat=heat))
        rows.append(DemandRow(section=section, cells=cells, total=sum(c.count for c in cells)))
    column_totals = [sum(row.cells[i].count for row in rows) for i in range(len(regions))]
    return DemandMatrix(regions, rows, column_totals, sum(column_totals))


def region_group_filter(group: str) -> Q:
    if group == "wb":
        return Q(region__in=WESTERN_BALKANS)
    if group == "eu":
        return ~Q(region__in=WESTERN_BALKANS)
    return Q()


def trainings_with_interest(queryset: QuerySet) -> QuerySet:
    """Annotates how many visitors were told of each training (`informed`) and how many applied
    (`applied`), as the centres recorded it (counselling.TrainingInterest), in the same query."""
    return queryset.annotate(
        informed=Count("interests__visitor", filter=Q(interests__status="informed"), distinct=True),
        applied=Count("interests__visitor", filter=Q(interests__status="applied"), distinct=True),
    )
