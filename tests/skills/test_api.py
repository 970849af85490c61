import datetime

from django.urls import reverse
from django.utils import timezone

from tests.skills.factories import (
    IscoGroupFactory,
    OccupationFactory,
    SectorFactory,
    SkillDemandFactory,
    SkillFactory,
    TrainingFactory,
)


def test_it_searches_skills_and_occupations(api_client, counsellor_a):
    SkillFactory(name="program in Python")
    SkillFactory(name="snake care", alt_labels="handle pythons")
    SkillFactory(name="accounting")
    OccupationFactory(name="software developer", isco_group=IscoGroupFactory(code="2512"))
    api_client.force_authenticate(counsellor_a)
    skills = api_client.get(reverse("api:skill-list"), {"search": "python"}).json()
    assert {s["name"] for s in skills["results"]} == {"program in Python", "snake care"}
    occupations = api_client.get(reverse("api:occupation-list"), {"isco_group": "2512"}).json()
    assert [o["name"] for o in occupations["results"]] == ["software developer"]
    assert occupations["results"][0]["isco_group"] == "2512"


def test_it_lists_sectors_by_level_and_parent(api_client, expert, db):
    section = SectorFactory(code="Q", name="Education")
    SectorFactory(code="85", level=2, parent=section, name="Education")
    api_client.force_authenticate(expert)
    divisions = api_client.get(reverse("api:sector-list"), {"parent": "Q"}).json()["results"]
    assert divisions == [
        {"id": divisions[0]["id"], "code": "85", "level": 2, "name": "Education", "parent": "Q"}
    ]


def test_it_serves_skill_demand_with_filters_to_anyone(api_client, counsellor_a, db):
    section = SectorFactory(code="R", name="Health")
    SkillDemandFactory(region="DE", sector=section)
    SkillDemandFactory(region="RS", sector=section)
    url = reverse("api:skilldemand-list")
    assert api_client.get(url, {"area": "wb"}).json()["count"] == 1  # public, as the page
    api_client.force_authenticate(counsellor_a)
    answer = api_client.get(url, {"area": "wb"}).json()
    assert [d["region"] for d in answer["results"]] == ["RS"]
    assert answer["results"][0]["section"] == "R"


def test_it_serves_open_trainings_to_anyone(api_client, db):
    TrainingFactory(title="Open")
    TrainingFactory(
        title="Closed", application_deadline=timezone.localdate() - datetime.timedelta(1)
    )
    TrainingFactory(title="Draft", is_published=False)
    url = reverse("api:training-list")
    assert [t["title"] for t in api_client.get(url).json()["results"]] == ["Open"]
    titles = {t["title"] for t in api_client.get(url, {"include_closed": "true"}).json()["results"]}
    assert titles == {"Open", "Closed"}


def test_it_lists_skill_demand_in_a_bounded_number_of_queries(
    api_client, programme_manager, django_assert_max_num_queries, db
):
    section = SectorFactory(code="R", name="Health")
    SkillDemandFactory.create_batch(15, sector=section, isco_group=IscoGroupFactory(code="2221"))
    api_client.force_authenticate(programme_manager)
    with django_assert_max_num_queries(3):
        assert len(api_client.get(reverse("api:skilldemand-list")).json()["results"]) == 15


def test_it_serves_the_demand_matrix_counted_by_the_database(api_client, coordinator_a, db):
    health = SectorFactory(code="R", name="Health")
    ict = SectorFactory(code="K", name="ICT")
    SkillDemandFactory(region="DE", sector=health, shortage=4)
    SkillDemandFactory(region="DE", sector=health, shortage=1)
    SkillDemandFactory(region="RS", sector=ict, shortage=3)
    SkillDemandFactory(region="RS", sector=health, shortage=2)
    api_client.force_authenticate(coordinator_a)
    answer = api_client.get(reverse("api:skilldemand-matrix")).json()
    assert answer == {
        "regions": ["RS", "DE"],
        "rows": [
            {
                "section": "K",
                "name": "ICT",
                "counts": {"RS": 1, "DE": 0},
                "high_or_severe": {"RS": 1, "DE": 0},
                "total": 1,
            },
            {
                "section": "R",
                "name": "Health",
                "counts": {"RS": 1, "DE": 2},
                "high_or_severe": {"RS": 0, "DE": 1},
                "total": 3,
            },
        ],
        "total": 4,
    }
    filtered = api_client.get(reverse("api:skilldemand-matrix"), {"area": "eu"}).json()
    assert (filtered["regions"], filtered["total"]) == (["DE"], 2)
