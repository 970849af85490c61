"""Issue 13's small things a person notices: counts that open their list, the next step after
an action, titles and headings, eligibility where it is decided, one searchable list widget."""

from django.core.cache import cache
from django.urls import reverse

from counselling.models import Topic
from counselling.selectors import USUAL_DESTINATIONS_KEY, destination_choices
from returns.models import Application
from tests.counselling.factories import SessionFactory, make_visitor
from tests.returns.factories import ApplicationFactory, ExpertProfileFactory


def test_it_opens_the_applications_to_screen_from_the_home_page_count(login, programme_manager):
    waiting = ApplicationFactory(status=Application.Status.SUBMITTED)
    withdrawn = ApplicationFactory(status=Application.Status.WITHDRAWN)
    client = login(programme_manager)
    home = client.get(reverse("home")).text
    link = reverse("returns:application_list") + "?to=screen"
    assert link in home
    page = client.get(link).text
    assert "Applications to screen" in page
    assert reverse("returns:application_detail", args=[waiting.pk]) in page
    assert reverse("returns:application_detail", args=[withdrawn.pk]) not in page


def test_it_shows_the_programme_the_cv_link_and_eligibility_of_an_application(
    login, programme_manager
):
    application = ApplicationFactory()
    page = login(programme_manager).get(
        reverse("returns:application_detail", args=[application.pk])
    )
    assert "Eligibility for" in page.text
    assert "Eligible" in page.text


def test_it_shows_the_expert_their_eligibility_on_their_profile(login, expert):
    ExpertProfileFactory(user=expert)
    page = login(expert).get(reverse("returns:expert_profile")).text
    assert "Eligibility for" in page
    assert "Met:" in page


def test_it_gives_the_check_your_e_mail_page_a_heading(db, client):
    response = client.post(
        reverse("returns:expert_register"),
        {
            "full_name": "Arben Krasniqi",
            "email": "arben@example.org",
            "password": "a long enough passphrase 42",
            "consent": "on",
        },
    )
    assert '<h1 class="h3">Check your e-mail</h1>' in response.text


def test_it_titles_a_coordinators_statistics_by_country(login, coordinator_a, manager_a):
    page = login(coordinator_a).get(reverse("counselling:statistics")).text
    assert '<h1 class="h3">Country statistics</h1>' in page
    page = login(manager_a).get(reverse("counselling:statistics")).text
    assert '<h1 class="h3">Centre statistics</h1>' in page


def test_it_says_what_to_do_next_after_logging_a_session(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    client = login(counsellor_a)
    response = client.post(
        reverse("counselling:session_create", args=[visitor.code]),
        {
            "centre": centre_a.pk,
            "date": "2026-11-02",
            "mode": "in_person",
            "duration_minutes": 30,
            "topics": [Topic.objects.first().pk],
        },
        follow=True,
    )
    assert "Next: record a referral" in response.text


def test_it_lists_the_networks_usual_destinations_first(
    counsellor_a, centre_a, counsellor_b, centre_b
):
    for code, times in (("DE", 3), ("AT", 2)):
        for _ in range(times):
            visitor = make_visitor(counsellor_b, centre_b)
            session = SessionFactory(visitor=visitor, counsellor=counsellor_b)
            session.destinations = [code]
            session.save()
    cache.delete(USUAL_DESTINATIONS_KEY)
    usual, everything = destination_choices()
    assert [code for code, _name in usual[1]] == ["DE", "AT"]
    assert "DE" not in [code for code, _name in everything[1]]


def test_it_makes_every_long_multiple_choice_the_searchable_widget(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    page = login(counsellor_a).get(reverse("counselling:session_create", args=[visitor.code])).text
    assert 'name="destinations"' in page
    assert "data-searchable" in page
    assert "you can choose several" in page
