"""How well an expert fits a skill need: a transparent, deterministic score out of 100.

`score()` is pure: it takes plain dataclasses (built from the database by selectors) and returns
every component with its weight, so that people can see why, and make the final choice.

Components and weights (they add up to 100):
- essential skills: share of the need's essential skills the expert has        × 40
- optional skills:  share of its optional skills the expert has                 × 10
- occupation:       same ESCO occupation, or same ISCO-08 unit group where one
                    side names only the group 1; two ESCO occupations of one
                    unit group 0.5                                               × 10
- sector:           one of the expert's sectors 1, same NACE section 0.5        × 10
- languages:        share of required languages spoken at the minimum level     × 15
- mode:             the need's mode suits the expert's preference (either fits) × 5
- availability:     share of the need's window the expert is available          × 10
No free points: an occupation or skills missing on either side score 0 for that part, and each
component carries a `reason` saying why it is not full, so that the breakdown can name what would
raise the score. A need without optional skills gives that part the essential skills' share (it
asks for nothing more); a need without languages or window counts those parts as met.
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
    reason: str = ""  # why it is not full (a key of returns_tags.COMPONENT_REASONS), or ""

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
    def to_raise(self) -> tuple[Component, ...]:
        """The parts not full, most points to gain first: what would raise the score."""
        short = [c for c in self.components if c.fraction < 1]
        return tuple(sorted(short, key=lambda c: -(1 - c.fraction) * c.weight))

    @property
    def total(self) -> Decimal:
        return _round(sum((c.fraction * c.weight for c in self.components), Decimal(0)))


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _share(have: int, of: int) -> Decimal:
    return Decimal(1) if of == 0 else Decimal(have) / Decimal(of)


Part = tuple[Decimal, str]  # (fraction, reason when not full)
FULL: Part = (Decimal(1), "")


def _part(fraction: Decimal, reason: str) -> Part:
    return (fraction, "" if fraction == 1 else reason)


def _skills(wanted: frozenset[int], have: frozenset[int], *, optional=False) -> Part:
    if not have:
        return (Decimal(0), "expert_no_skills")
    if not wanted:
        return (Decimal(0), "need_no_skills")
    return _part(
        _share(len(wanted & have), len(wanted)),
        "optional_missing" if optional else "essential_missing",
    )


def _occupation(need: NeedFacts, expert: ExpertFacts) -> Part:
    if need.occupation_id is None and not need.isco_code:
        return (Decimal(0), "need_no_occupation")
    if expert.occupation_id is None and not expert.isco_code:
        return (Decimal(0), "expert_no_occupation")
    if need.occupation_id is not None and need.occupation_id == expert.occupation_id:
        return FULL
    if need.isco_code and need.isco_code == expert.isco_code:
        both_esco = need.occupation_id is not None and expert.occupation_id is not None
        return (Decimal("0.5"), "other_occupation_same_group") if both_esco else FULL
    return (Decimal(0), "other_occupation")


def _sector(need: NeedFacts, expert: ExpertFacts) -> Part:
    if need.sector_code in expert.sector_codes:
        return FULL
    if not expert.sector_codes:
        return (Decimal(0), "expert_no_sector")
    if need.section_code and need.section_code in expert.section_codes:
        return (Decimal("0.5"), "other_sector")
    return (Decimal(0), "other_sector")


def _languages(need: NeedFacts, expert: ExpertFacts) -> Part:
    met = sum(
        1
        for language, minimum in need.languages.items()
        if language in expert.languages
        and CEFR.index(expert.languages[language]) >= CEFR.index(minimum)
    )
    return _part(_share(met, len(need.languages)), "languages")


def _mode(need: NeedFacts, expert: ExpertFacts) -> Part:
    fits = EITHER in (need.mode, expert.mode) or need.mode == expert.mode
    return _part(Decimal(int(fits)), "mode")


def _availability(need: NeedFacts, expert: ExpertFacts) -> Part:
    """Days of the need's window (inclusive) covered by the expert's windows, as a share."""
    if need.window is None:
        return FULL
    start, end = need.window
    covered: set[int] = set()
    for window_start, window_end in expert.availability:
        first, last = max(start, window_start), min(end, window_end)
        covered.update(range(first.toordinal(), last.toordinal() + 1))
    return _part(_share(len(covered), (end - start).days + 1), "availability")


def score(need: NeedFacts, expert: ExpertFacts) -> Match:
    essential = _skills(need.essential_skills, expert.skills)
    if need.optional_skills or not expert.skills:
        optional = _skills(need.optional_skills, expert.skills, optional=True)
    else:  # the need asks for nothing more: as the essential skills go, so goes this part
        optional = (essential[0], essential[1] and "optional_as_essential")
    parts = {
        "essential_skills": essential,
        "optional_skills": optional,
        "occupation": _occupation(need, expert),
        "sector": _sector(need, expert),
        "languages": _languages(need, expert),
        "mode": _mode(need, expert),
        "availability": _availability(need, expert),
    }
    return Match(
        need_id=need.id,
        expert_id=expert.id,
        components=tuple(Component(name, WEIGHTS[name], *parts[name]) for name in WEIGHTS),
        missing_skills=need.essential_skills - expert.skills,
    )


def rank(matches: list[Match]) -> list[Match]:
    """Best first; ties broken by id so that the order never changes between requests."""
    return sorted(matches, key=lambda m: (-m.total, m.expert_id, m.need_id))
