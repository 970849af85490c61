"""How well an expert fits a skill need: a transparent, deterministic score out of 100.

`score()` is pure: it takes plain dataclasses (built from the database by selectors) and returns
every component with its weight, so that people can see why, and make the final choice.

Components and weights (they add up to 100):
- essential skills: share of the need's essential skills the expert has        × 40
- optional skills:  share of its optional skills the expert has                 × 10
- occupation:       same ESCO occupation 1, same ISCO-08 unit group 0.5         × 10
- sector:           one of the expert's sectors 1, same NACE section 0.5        × 10
- languages:        share of required languages spoken at the minimum level     × 15
- mode:             the need's mode suits the expert's preference (either fits) × 5
- availability:     share of the need's window the expert is available          × 10
A need without optional skills or languages counts those components as fully met.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

WEIGHTS = {
    "essential_skills": 40,
    "optional_skills": 10,
    "occupation": 10,
    "sector": 10,
    "languages": 15,
    "mode": 5,
    "availability": 10,
}
CEFR = ["A1", "A2", "B1", "B2", "C1", "C2"]
EITHER = "either"


@dataclass(frozen=True)
class NeedFacts:
    id: int
    essential_skills: frozenset[int]
    optional_skills: frozenset[int] = frozenset()
    occupation_id: int | None = None
    isco_code: str = ""  # the ISCO-08 unit group of the occupation
    sector_code: str = ""
    section_code: str = ""  # the NACE section the sector belongs to
    languages: dict[str, str] = field(default_factory=dict)  # language -> minimum CEFR level
    mode: str = EITHER
    window: tuple[date, date] | None = None


@dataclass(frozen=True)
class ExpertFacts:
    id: int
    skills: frozenset[int]
    occupation_id: int | None = None
    isco_code: str = ""
    sector_codes: frozenset[str] = frozenset()
    section_codes: frozenset[str] = frozenset()
    languages: dict[str, str] = field(default_factory=dict)  # language -> CEFR level
    mode: str = EITHER
    availability: tuple[tuple[date, date], ...] = ()


@dataclass(frozen=True)
class Component:
    name: str
    weight: int
    fraction: Decimal  # 0 … 1, how much of the component is met

    @property
    def points(self) -> Decimal:
        return _round(self.fraction * self.weight)


@dataclass(frozen=True)
class Match:
    need_id: int
    expert_id: int
    components: tuple[Component, ...]
    missing_skills: frozenset[int]  # essential skills the expert lacks

    @property
    def total(self) -> Decimal:
        return _round(sum((c.fraction * c.weight for c in self.components), Decimal(0)))


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _share(have: int, of: int) -> Decimal:
    return Decimal(1) if of == 0 else Decimal(have) / Decimal(of)


def _occupation(need: NeedFacts, expert: ExpertFacts) -> Decimal:
    if need.occupation_id is None:
        return Decimal(1)
    if need.occupation_id == expert.occupation_id:
        return Decimal(1)
    if need.isco_code and need.isco_code == expert.isco_code:
        return Decimal("0.5")
    return Decimal(0)


def _sector(need: NeedFacts, expert: ExpertFacts) -> Decimal:
    if need.sector_code in expert.sector_codes:
        return Decimal(1)
    if need.section_code and need.section_code in expert.section_codes:
        return Decimal("0.5")
    return Decimal(0)


def _languages(need: NeedFacts, expert: ExpertFacts) -> Decimal:
    met = sum(
        1
        for language, minimum in need.languages.items()
        if language in expert.languages
        and CEFR.index(expert.languages[language]) >= CEFR.index(minimum)
    )
    return _share(met, len(need.languages))


def _mode(need: NeedFacts, expert: ExpertFacts) -> Decimal:
    return Decimal(int(EITHER in (need.mode, expert.mode) or need.mode == expert.mode))


def _availability(need: NeedFacts, expert: ExpertFacts) -> Decimal:
    """Days of the need's window (inclusive) covered by the expert's windows, as a share."""
    if need.window is None:
        return Decimal(1)
    start, end = need.window
    covered: set[int] = set()
    for window_start, window_end in expert.availability:
        first, last = max(start, window_start), min(end, window_end)
        covered.update(range(first.toordinal(), last.toordinal() + 1))
    return _share(len(covered), (end - start).days + 1)


def score(need: NeedFacts, expert: ExpertFacts) -> Match:
    fractions = {
        "essential_skills": _share(
            len(need.essential_skills & expert.skills), len(need.essential_skills)
        ),
        "optional_skills": _share(
            len(need.optional_skills & expert.skills), len(need.optional_skills)
        ),
        "occupation": _occupation(need, expert),
        "sector": _sector(need, expert),
        "languages": _languages(need, expert),
        "mode": _mode(need, expert),
        "availability": _availability(need, expert),
    }
    return Match(
        need_id=need.id,
        expert_id=expert.id,
        components=tuple(Component(name, WEIGHTS[name], fractions[name]) for name in WEIGHTS),
        missing_skills=need.essential_skills - expert.skills,
    )


def rank(matches: list[Match]) -> list[Match]:
    """Best first; ties broken by id so that the order never changes between requests."""
    return sorted(matches, key=lambda m: (-m.total, m.expert_id, m.need_id))
