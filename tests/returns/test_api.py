import pytest
from django.urls import reverse

from returns.models import Application, Need
from tests.edits import if_match

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    ExpertProfileFactory,
    HostFactory,
    NeedFactory,
)

pytestmark = pytest.mark.django_db
A = Application.Status


def _ids(api_client, user, name):
    api_client.force_authenticate(user)
    response = api_client.get(reverse(name))
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_it_shows_counsellors_published_needs_and_hosts_their_own(
    api_client, counsellor_a, host, programme_manager
):
    mine_draft = NeedFactory(host=HostFactory(members=[host]), status=Need.Status.DRAFT)
    published = NeedFactory()
    other_draft = NeedFactory(status=Need.Status.DRAFT)
    assert _ids(api_client, counsellor_a, "api:need-list") == {published.pk}
    assert _ids(api_client, host, "api:need-list") == {published.pk, mine_draft.pk}
    assert _ids(api_client, programme_manager, "api:need-list") == {
        published.pk,
        mine_draft.pk,
        other_draft.pk,
    }
    api_client.force_authenticate(counsellor_a)
    assert api_client.get(reverse("api:need-detail", args=[other_draft.pk])).status_code == 404


def test_it_filters_needs_by_mode_in_the_api(api_client, expert):
    virtual = NeedFactory(mode="virtual")
    NeedFactory(mode="physical")
    api_client.force_authenticate(expert)
    rows = api_client.get(reverse("api:need-list"), {"mode": "virtual"}).json()["results"]
    assert [row["id"] for row in rows] == [virtual.pk]


def test_it_shows_each_party_only_their_applications_and_assignments(
    api_client, host, expert, programme_manager
):
    institution, profile = HostFactory(members=[host]), ExpertProfileFactory(user=expert)
    mine = ApplicationFactory(need=NeedFactory(host=institution), expert=profile, status=A.PROPOSED)
    screening = ApplicationFactory(need=NeedFactory(host=institution), status=A.SCREENING)
    other = ApplicationFactory()
    assert _ids(api_client, expert, "api:application-list") == {mine.pk}
    assert _ids(api_client, host, "api:application-list") == {mine.pk}
    assert _ids(api_client, programme_manager, "api:application-list") == {
        mine.pk,
        screening.pk,
        other.pk,
    }
    assignment = AssignmentFactory(
        application__need=NeedFactory(host=institution), application__expert=profile
    )
    foreign = AssignmentFactory()
    assert _ids(api_client, expert, "api:assignment-list") == {assignment.pk}
    assert _ids(api_client, host, "api:assignment-list") == {assignment.pk}
    assert _ids(api_client, programme_manager, "api:assignment-list") == {assignment.pk, foreign.pk}
    api_client.force_authenticate(expert)
    assert api_client.get(reverse("api:application-detail", args=[other.pk])).status_code == 404


def test_it_lets_an_expert_apply_and_withdraw_through_the_api(api_client, expert):
    ExpertProfileFactory(user=expert)
    need = NeedFactory()
    api_client.force_authenticate(expert)
    response = api_client.post(
        reverse("api:application-list"),
        {
            "need": need.pk,
            "motivation": "Ready.",
            "proposed_start": "2027-01-10",
            "proposed_end": "2027-02-10",
            "mode": "physical",
        },
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["status"] == "submitted"
    again = api_client.post(
        reverse("api:application-list"),
        {
            "need": need.pk,
            "motivation": "Again.",
            "proposed_start": "2027-01-10",
            "proposed_end": "2027-02-10",
            "mode": "physical",
        },
    )
    assert again.status_code == 400
    assert "You have already applied to this need." in str(again.json())
    refused = api_client.post(reverse("api:application-move", args=[pk]), {"target": "screening"})
    assert refused.status_code == 403
    withdrawn = api_client.post(
        reverse("api:application-move", args=[pk]),
        {"target": "withdrawn", "comment": "Found a job."},
    )
    assert withdrawn.json()["status"] == "withdrawn"


def test_it_lets_the_host_accept_a_proposed_expert_through_the_api(api_client, host):
    institution = HostFactory(members=[host])
    application = ApplicationFactory(need=NeedFactory(host=institution), status=A.PROPOSED)
    api_client.force_authenticate(host)
    response = api_client.post(
        reverse("api:application-move", args=[application.pk]), {"target": "accepted"}
    )
    assert response.json()["status"] == "accepted"
    approve = api_client.post(
        reverse("api:application-move", args=[application.pk]), {"target": "approved"}
    )
    assert approve.status_code == 403


def test_it_lets_an_expert_read_and_change_only_their_own_profile(api_client, expert):
    profile = ExpertProfileFactory(user=expert)
    ExpertProfileFactory(city_of_residence="Zürich")
    api_client.force_authenticate(expert)
    url = reverse("api:expert-me")
    assert api_client.get(url).json()["id"] == profile.pk
    headers = if_match(api_client, url)
    response = api_client.patch(
        url, {"city_of_residence": "Munich", "years_experience": 9}, **headers
    )
    assert response.status_code == 200
    profile.refresh_from_db()
    assert (profile.city_of_residence, profile.years_experience) == ("Munich", 9)
    bad = api_client.patch(url, {"preferred_mode": "teleport"}, **if_match(api_client, url))
    assert bad.status_code == 400
    assert "preferred_mode" in bad.json()


def test_it_lists_needs_in_a_bounded_number_of_queries(
    api_client, expert, django_assert_max_num_queries
):
    for _ in range(12):
        NeedFactory(languages=[("sr", "B2")])
    api_client.force_authenticate(expert)
    with django_assert_max_num_queries(8):
        response = api_client.get(reverse("api:need-list"))
    assert response.json()["count"] == 12


def _need_payload(host, **extra):
    from .factories import SectorFactory, SkillFactory

    return {
        "host": host.pk,
        "title": "Ventilation training",
        "description": "Train the ICU.",
        "sector": SectorFactory().code,
        "essential_skills": [SkillFactory().pk],
        "languages": [{"language": "sr", "min_level": "B2"}],
        "mode": "physical",
        "duration_days": 20,
        "window_start": "2027-03-01",
        "window_end": "2027-06-01",
        "experts_wanted": 1,
        **extra,
    }


def test_it_lets_a_host_member_draft_a_need_for_their_institution(api_client, host):
    institution = HostFactory(members=[host])
    api_client.force_authenticate(host)
    response = api_client.post(reverse("api:need-list"), _need_payload(institution), format="json")
    assert response.status_code == 201, response.json()
    need = Need.objects.get()
    assert (need.host, need.status, need.created_by) == (institution, Need.Status.DRAFT, host)
    assert str(need.languages.get()) == "Serbian ≥ B2"
    too_long = api_client.post(
        reverse("api:need-list"), _need_payload(institution, duration_days=90), format="json"
    )
    assert too_long.status_code == 400
    assert "duration_days" in too_long.json()


def test_it_refuses_needs_for_another_institution_or_from_other_roles(
    api_client, host, expert, programme_manager
):
    other = HostFactory()
    api_client.force_authenticate(host)
    response = api_client.post(reverse("api:need-list"), _need_payload(other), format="json")
    assert response.status_code == 400
    assert "host" in response.json()
    for user in (expert, programme_manager):
        api_client.force_authenticate(user)
        refused = api_client.post(reverse("api:need-list"), _need_payload(other), format="json")
        assert refused.status_code == 403
    assert not Need.objects.exists()
