import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from returns import services
from returns.models import Need
from returns.transitions import NEED_MOVES
from tests.edits import edit_version

from .factories import HostFactory, NeedFactory, SectorFactory, SkillFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["host", "programme_manager", "expert", "counsellor_a"]
S = Need.Status


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("source", "target"), list(NEED_MOVES))
def test_it_allows_each_need_move_only_to_its_roles(request, persona, source, target):
    user = request.getfixturevalue(persona)
    need = NeedFactory(host=HostFactory(members=[request.getfixturevalue("host")]), status=source)
    if user.role in NEED_MOVES[(source, target)].roles:
        services.need_move(need=need, target=target, actor=user)
        need.refresh_from_db()
        assert need.status == target
    else:
        with pytest.raises(PermissionDenied):
            services.need_move(need=need, target=target, actor=user)
        need.refresh_from_db()
        assert need.status == source


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.DRAFT, S.PUBLISHED),
        (S.PUBLISHED, S.DRAFT),
        (S.FILLED, S.PUBLISHED),
        (S.CANCELLED, S.DRAFT),
    ],
)
def test_it_refuses_moves_outside_the_table_even_to_the_programme(
    programme_manager, source, target
):
    need = NeedFactory(status=source)
    with pytest.raises(PermissionDenied):
        services.need_move(need=need, target=target, actor=programme_manager)


def test_it_refuses_a_move_by_a_member_of_another_host(login, host):
    need = NeedFactory(status=S.PUBLISHED)  # someone else's, visible because published
    response = login(host).post(
        reverse("returns:need_move", args=[need.pk]), {"target": "closed"}, follow=True
    )
    assert "You may not make this change." in response.text
    need.refresh_from_db()
    assert need.status == S.PUBLISHED


def test_it_walks_a_need_from_draft_to_published_through_the_pages(login, host, programme_manager):
    institution = HostFactory(members=[host])
    sector, skill = SectorFactory(), SkillFactory(name="Mechanical ventilation")
    client = login(host)
    response = client.post(
        reverse("returns:need_create", args=[institution.pk]),
        {
            "title": "ICU ventilation training",
            "description": "Train 20 nurses.",
            "sector": sector.pk,
            "essential_skills": [skill.pk],
            "mode": "either",
            "duration_days": 10,
            "window_start": "2027-03-01",
            "window_end": "2027-06-30",
            "experts_wanted": 1,
            "lang-TOTAL_FORMS": 3,
            "lang-INITIAL_FORMS": 0,
            "lang-0-language": "sr",
            "lang-0-level": "B2",
        },
    )
    need = Need.objects.get()
    assert response.url == reverse("returns:need_detail", args=[need.pk])
    assert need.status == S.DRAFT
    assert need.created_by == host
    assert str(need.languages.get()) == "Serbian ≥ B2"
    assert not client.get(reverse("returns:need_list")).context["page"].object_list
    client.post(reverse("returns:need_move", args=[need.pk]), {"target": "submitted"})
    login(programme_manager).post(
        reverse("returns:need_move", args=[need.pk]), {"target": "published"}
    )
    need.refresh_from_db()
    assert need.status == S.PUBLISHED
    assert need.published_at
    assert "ICU ventilation training" in client.get(reverse("returns:need_list")).text


def test_it_refuses_a_need_whose_window_ends_before_it_starts(login, host):
    institution = HostFactory(members=[host])
    response = login(host).post(
        reverse("returns:need_create", args=[institution.pk]),
        {
            "title": "x",
            "description": "x",
            "sector": SectorFactory().pk,
            "essential_skills": [SkillFactory().pk],
            "mode": "either",
            "duration_days": 10,
            "window_start": "2027-06-01",
            "window_end": "2027-03-01",
            "experts_wanted": 1,
            "lang-TOTAL_FORMS": 0,
            "lang-INITIAL_FORMS": 0,
        },
    )
    assert "The window must end after it starts." in response.text
    assert not Need.objects.exists()


def test_it_refuses_a_need_longer_than_the_programme_allows(login, host):
    institution = HostFactory(members=[host])
    response = login(host).post(
        reverse("returns:need_create", args=[institution.pk]),
        {
            "title": "Long stay",
            "description": "x",
            "sector": SectorFactory().pk,
            "essential_skills": [SkillFactory().pk],
            "mode": "physical",
            "duration_days": 120,
            "window_start": "2027-03-01",
            "window_end": "2027-12-01",
            "experts_wanted": 1,
            "lang-TOTAL_FORMS": 0,
            "lang-INITIAL_FORMS": 0,
        },
    )
    assert "MIDWEB assignments last 5 to 45 working days." in response.text
    assert not Need.objects.exists()


def test_it_filters_published_needs_by_country_sector_and_mode(client):
    health = SectorFactory(code="Q", name="Health")
    education = SectorFactory(code="P", name="Education")
    division = SectorFactory(code="86", level=2, name="Human health", parent=health)
    rs_health = NeedFactory(title="Serbian hospital", sector=division, mode="physical")
    al_school = NeedFactory(
        title="Albanian school", host=HostFactory(country="AL"), sector=education, mode="virtual"
    )
    NeedFactory(title="Draft need", status=S.DRAFT)

    def titles(**query):
        page = client.get(reverse("returns:need_list"), query).context["page"]
        return {need.title for need in page}

    assert titles() == {rs_health.title, al_school.title}
    assert titles(country="AL") == {al_school.title}
    assert titles(sector=health.pk) == {rs_health.title}
    assert titles(mode="virtual") == {al_school.title}


def test_it_shows_drafts_only_to_their_host_and_the_programme(
    client, login, host, counsellor_a, programme_manager, expert
):
    draft = NeedFactory(host=HostFactory(members=[host]), status=S.DRAFT)
    url = reverse("returns:need_detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    assert login(counsellor_a).get(url).status_code == 404
    assert login(expert).get(url).status_code == 404
    assert login(host).get(url).status_code == 200
    assert login(programme_manager).get(url).status_code == 200
    other_member_view = login(host).get(
        reverse("returns:need_detail", args=[NeedFactory(status=S.DRAFT).pk])
    )
    assert other_member_view.status_code == 404


def test_it_lists_in_the_workspace_only_the_host_s_own_needs(login, host, programme_manager):
    mine = NeedFactory(host=HostFactory(members=[host]), status=S.SUBMITTED)
    theirs = NeedFactory(status=S.SUBMITTED)
    host_page = login(host).get(reverse("returns:need_manage")).context["page"]
    assert list(host_page) == [mine]
    pm_page = login(programme_manager).get(reverse("returns:need_manage")).context["page"]
    assert set(pm_page) == {mine, theirs}


def test_it_lets_a_host_edit_only_a_draft(login, host):
    skill = SkillFactory()
    draft = NeedFactory(host=HostFactory(members=[host]), status=S.DRAFT, languages=[("en", "B1")])
    data = {
        "title": "Renamed need",
        "description": "Better description.",
        "sector": draft.sector_id,
        "essential_skills": [skill.pk],
        "mode": "virtual",
        "duration_days": 12,
        "window_start": "2027-03-01",
        "window_end": "2027-05-01",
        "experts_wanted": 2,
        "lang-TOTAL_FORMS": 1,
        "lang-INITIAL_FORMS": 1,
        "lang-0-language": "de",
        "lang-0-level": "C1",
    }
    client = login(host)
    data.update(edit_version(client, reverse("returns:need_edit", args=[draft.pk])))
    response = client.post(reverse("returns:need_edit", args=[draft.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert draft.title == "Renamed need"
    assert [str(x) for x in draft.languages.all()] == ["German ≥ C1"]
    assert list(draft.essential_skills.all()) == [skill]
    published = NeedFactory(host=draft.host, status=S.PUBLISHED)
    response = client.post(reverse("returns:need_edit", args=[published.pk]), data, follow=True)
    assert "Only a draft can be edited." in response.text
    published.refresh_from_db()
    assert published.title != "Renamed need"


def test_it_keeps_showing_an_expert_the_needs_they_applied_to(login, expert):
    from .factories import ApplicationFactory, ExpertProfileFactory

    profile = ExpertProfileFactory(user=expert)
    filled = NeedFactory(status=S.FILLED)
    ApplicationFactory(need=filled, expert=profile)
    other_filled = NeedFactory(status=S.FILLED)
    client = login(expert)
    assert client.get(reverse("returns:need_detail", args=[filled.pk])).status_code == 200
    assert client.get(reverse("returns:need_detail", args=[other_filled.pk])).status_code == 404
