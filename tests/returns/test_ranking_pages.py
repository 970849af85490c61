import pytest
from django.urls import reverse

from .factories import ExpertProfileFactory, NeedFactory, SkillFactory

pytestmark = pytest.mark.django_db


def test_it_ranks_eligible_experts_for_a_need_with_missing_skills(
    login, programme_manager, django_assert_max_num_queries
):
    triage, ventilation = SkillFactory(name="Triage"), SkillFactory(name="Ventilation")
    need = NeedFactory(essential_skills=[triage, ventilation])
    best = ExpertProfileFactory(skills=[triage, ventilation])
    half = ExpertProfileFactory(skills=[triage])
    ineligible = ExpertProfileFactory(skills=[triage, ventilation], years_experience=1)
    for _ in range(5):
        ExpertProfileFactory(skills=[triage])
    client = login(programme_manager)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("returns:need_matches", args=[need.pk]))
    rows = response.context["rows"]
    experts = [row["expert"] for row in rows]
    assert experts[0] == best
    assert half in experts
    assert ineligible not in experts
    assert rows[0]["missing"] == []
    assert rows[1]["missing"] == ["Ventilation"]
    assert "essential_skills: 20.0 / 40" in response.text


def test_it_shows_an_expert_the_needs_that_fit_best(login, expert, django_assert_max_num_queries):
    triage = SkillFactory(name="Triage")
    ExpertProfileFactory(user=expert, skills=[triage])
    fits = NeedFactory(title="Triage in the ER", essential_skills=[triage])
    NeedFactory(title="Something else")
    for _ in range(5):
        NeedFactory()
    client = login(expert)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("returns:expert_needs"))
    ranked = [need for need, match in response.context["ranked"]]
    assert ranked[0] == fits
    assert len(ranked) == 7
