"""Scoring on hand-computed examples: the arithmetic is written out in each test."""

from datetime import date
from decimal import Decimal

from returns.matching import ExpertFacts, NeedFacts, rank, score

NEED = NeedFacts(
    id=1,
    essential_skills=frozenset({1, 2, 3, 4}),
    optional_skills=frozenset({5, 6}),
    occupation_id=10,
    isco_code="2221",
    sector_code="86",
    section_code="Q",
    languages={"sr": "B2", "en": "B1"},
    mode="physical",
    window=(date(2027, 3, 1), date(2027, 3, 10)),  # 10 days
)


def _points(match) -> dict:
    return {c.name: c.points for c in match.components}


def test_it_gives_a_perfect_expert_100():
    expert = ExpertFacts(
        id=7,
        skills=frozenset({1, 2, 3, 4, 5, 6}),
        occupation_id=10,
        sector_codes=frozenset({"86"}),
        languages={"sr": "C2", "en": "B1"},
        mode="either",
        availability=((date(2027, 1, 1), date(2027, 12, 31)),),
    )
    match = score(NEED, expert)
    assert match.total == Decimal("100.0")
    assert match.missing_skills == frozenset()


def test_it_scores_a_partial_match_as_computed_by_hand():
    expert = ExpertFacts(
        id=8,
        skills=frozenset({1, 2, 3, 5, 99}),  # 3 of 4 essential, 1 of 2 optional
        occupation_id=11,
        isco_code="2221",  # another occupation, same ISCO unit group: 0.5
        sector_codes=frozenset({"87"}),
        section_codes=frozenset({"Q"}),  # same NACE section, not the same division: 0.5
        languages={"sr": "C1", "en": "A2"},  # Serbian met, English below B1: 1 of 2
        mode="virtual",  # the need is physical: 0
        availability=((date(2027, 2, 20), date(2027, 3, 4)),),  # 1–4 March: 4 of 10 days
    )
    match = score(NEED, expert)
    assert _points(match) == {
        "essential_skills": Decimal("30.0"),  # 3/4 × 40
        "optional_skills": Decimal("5.0"),  # 1/2 × 10
        "occupation": Decimal("5.0"),  # 0.5 × 10
        "sector": Decimal("5.0"),  # 0.5 × 10
        "languages": Decimal("7.5"),  # 1/2 × 15
        "mode": Decimal("0.0"),
        "availability": Decimal("4.0"),  # 4/10 × 10
    }
    assert match.total == Decimal("56.5")
    assert match.missing_skills == frozenset({4})


def test_it_counts_overlapping_availability_windows_once():
    expert = ExpertFacts(
        id=9,
        skills=frozenset(),
        availability=(
            (date(2027, 3, 1), date(2027, 3, 3)),
            (date(2027, 3, 2), date(2027, 3, 5)),
        ),  # 1–5 March: 5 of 10 days, not 3 + 4
    )
    assert _points(score(NEED, expert))["availability"] == Decimal("5.0")


def test_it_treats_a_need_without_optional_skills_or_languages_as_met():
    need = NeedFacts(id=2, essential_skills=frozenset({1, 2, 3}), sector_code="85")
    expert = ExpertFacts(id=1, skills=frozenset({1}))
    points = _points(score(need, expert))
    assert points["essential_skills"] == Decimal("13.3")  # 1/3 × 40 = 13.33
    assert points["optional_skills"] == Decimal("10.0")
    assert points["languages"] == Decimal("15.0")
    assert points["occupation"] == Decimal("10.0")  # the need names no occupation
    assert points["sector"] == Decimal("0.0")
    # 13.333… + 10 + 10 + 0 + 15 + 5 (either/either) + 10 (no window) = 63.333…
    assert score(need, expert).total == Decimal("63.3")


def test_it_ranks_best_first_and_breaks_ties_by_id():
    strong = ExpertFacts(id=3, skills=frozenset({1, 2, 3, 4}))
    weak_b = ExpertFacts(id=2, skills=frozenset({1}))
    weak_a = ExpertFacts(id=1, skills=frozenset({1}))
    ranked = rank([score(NEED, e) for e in (weak_b, strong, weak_a)])
    assert [m.expert_id for m in ranked] == [3, 1, 2]


def test_it_names_every_component_for_people():
    from returns.matching import WEIGHTS
    from returns.templatetags.returns_tags import COMPONENT_LABELS

    assert set(COMPONENT_LABELS) == set(WEIGHTS)
    assert sum(WEIGHTS.values()) == 100
