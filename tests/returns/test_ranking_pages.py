import pytest
from django.urls import reverse

from returns.models import Application

from .factories import (
    ApplicationFactory,
    ExpertProfileFactory,
    HostFactory,
    NeedFactory,
    SkillFactory,
)

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
    assert "Essential skills: 20.0 / 40" in response.text


def test_it_ranks_for_a_host_only_the_candidates_proposed_to_it(login, host):
    triage = SkillFactory(name="Triage")
    need = NeedFactory(host=HostFactory(members=[host]), essential_skills=[triage])
    proposed = ExpertProfileFactory(skills=[triage])
    ApplicationFactory(need=need, expert=proposed, status=Application.Status.PROPOSED)
    screening = ExpertProfileFactory(skills=[triage])
    ApplicationFactory(need=need, expert=screening, status=Application.Status.SCREENING)
    ExpertProfileFactory(skills=[triage])  # has not applied
    response = login(host).get(reverse("returns:need_matches", args=[need.pk]))
    assert [row["expert"] for row in response.context["rows"]] == [proposed]
    other = NeedFactory(status="draft")
    assert login(host).get(reverse("returns:need_matches", args=[other.pk])).status_code == 404


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


def test_it_ranks_a_nurse_below_a_security_engineer_for_a_security_need(login, programme_manager):
    from skills.classifications import isco_groups_load
    from skills.models import IscoGroup

    isco_groups_load()
    security, networks = SkillFactory(name="Network security"), SkillFactory(name="Firewalls")
    triage = SkillFactory(name="Triage")
    need = NeedFactory(
        title="Cyber security lab",
        essential_skills=[security, networks],
        isco_group=IscoGroup.objects.get(code="2529"),
    )
    nurse = ExpertProfileFactory(skills=[triage], isco_group=IscoGroup.objects.get(code="2221"))
    engineer = ExpertProfileFactory(
        skills=[security], isco_group=IscoGroup.objects.get(code="2529")
    )
    response = login(programme_manager).get(reverse("returns:need_matches", args=[need.pk]))
    rows = response.context["rows"]
    assert [row["expert"] for row in rows] == [engineer, nurse]
    nurse_points = {c.name: c.points for c in rows[1]["match"].components}
    assert nurse_points["occupation"] == 0  # no free points for another occupation
    assert rows[1]["match"].total < 40
    assert "Another occupation: the need&#x27;s occupation or its group would count." in (
        response.text
    )
