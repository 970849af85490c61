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


def test_it_gives_no_free_points_for_a_missing_occupation_or_skills():
    need = NeedFacts(id=2, essential_skills=frozenset({1, 2, 3}), sector_code="85")
    expert = ExpertFacts(id=1, skills=frozenset({1}))
    match = score(need, expert)
    points = _points(match)
    assert points["essential_skills"] == Decimal("13.3")  # 1/3 × 40 = 13.33
    # no optional skills asked: that part follows the essential skills' share (1/3 × 10)
    assert points["optional_skills"] == Decimal("3.3")
    assert points["languages"] == Decimal("15.0")  # no language asked
    assert points["occupation"] == Decimal("0.0")  # the need names no occupation: no points
    assert points["sector"] == Decimal("0.0")
    # 13.333… + 3.333… + 0 + 0 + 15 + 5 (either/either) + 10 (no window) = 46.666…
    assert match.total == Decimal("46.7")
    reasons = {c.name: c.reason for c in match.components}
    assert reasons["occupation"] == "need_no_occupation"
    assert reasons["sector"] == "expert_no_sector"
    assert reasons["languages"] == ""
    # the parts to raise, most points to gain first
    assert [c.name for c in match.to_raise][:2] == ["essential_skills", "occupation"]


def test_it_scores_zero_for_an_expert_without_occupation_or_skills():
    expert = ExpertFacts(id=1, skills=frozenset())
    match = score(NEED, expert)
    points = _points(match)
    assert points["occupation"] == points["essential_skills"] == points["optional_skills"] == 0
    reasons = {c.name: c.reason for c in match.components}
    assert reasons["occupation"] == "expert_no_occupation"
    assert reasons["essential_skills"] == "expert_no_skills"


def test_it_counts_the_same_isco_unit_group_in_full_when_one_side_names_only_the_group():
    need = NeedFacts(id=3, essential_skills=frozenset({1}), isco_code="2529")
    same_group = ExpertFacts(id=1, skills=frozenset({1}), isco_code="2529")
    other = ExpertFacts(id=2, skills=frozenset({1}), isco_code="2221")
    assert _points(score(need, same_group))["occupation"] == Decimal("10.0")
    assert _points(score(need, other))["occupation"] == Decimal("0.0")
    assert {c.reason for c in score(need, other).components} >= {"other_occupation"}


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
