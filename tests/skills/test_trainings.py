import datetime

from django.urls import reverse
from django.utils import timezone

from skills.models import TrainingOpportunity
from tests.skills.factories import SectorFactory, TrainingFactory


def _titles(response):
    return [t.title for t in response.context["page"]]


def test_it_lists_open_calls_to_anyone_and_hides_closed_ones(client, db):
    TrainingFactory(title="Open traineeship")
    TrainingFactory(
        title="Closed internship",
        application_deadline=timezone.localdate() - datetime.timedelta(days=1),
    )
    TrainingFactory(title="Deadline today", application_deadline=timezone.localdate())
    TrainingFactory(title="Draft", is_published=False)
    url = reverse("skills:training_list")
    assert set(_titles(client.get(url))) == {"Open traineeship", "Deadline today"}
    assert set(_titles(client.get(url, {"include_closed": "on"}))) == {
        "Open traineeship",
        "Deadline today",
        "Closed internship",
    }


def test_it_lists_the_closest_deadline_first_on_every_page(client, db):
    today = timezone.localdate()
    # Created out of order: the list is in deadline order, not in the order rows were written.
    for days in [40, 5, 25, 12, 33, 1, 19, 8, 28, 15, 3, 36, 22, 10, 30, 2, 17, 6, 38, 14, 26, 4]:
        TrainingFactory(
            title=f"Call closing in {days:02d} days",
            application_deadline=today + datetime.timedelta(days=days),
        )
    url = reverse("skills:training_list")
    listed = _titles(client.get(url)) + _titles(client.get(url, {"page": 2}))
    assert len(listed) == 22
    assert listed == sorted(listed)


def test_it_filters_trainings_by_country_kind_and_sector(client, db):
    health = SectorFactory(code="R", name="Health")
    hospitals = SectorFactory(code="86", level=2, parent=health, name="Human health")
    TrainingFactory(title="Vienna hospital", country="AT", sector=hospitals)
    TrainingFactory(title="Berlin ICT", country="DE", kind="internship")
    url = reverse("skills:training_list")
    assert _titles(client.get(url, {"country": "DE"})) == ["Berlin ICT"]
    assert _titles(client.get(url, {"kind": "internship"})) == ["Berlin ICT"]
    assert _titles(client.get(url, {"section": health.pk})) == ["Vienna hospital"]
    assert _titles(client.get(url, {"q": "hospital"})) == ["Vienna hospital"]


def test_it_shows_a_trainings_return_commitment(client, db):
    training = TrainingFactory(return_obligation_years=3, return_incentive="A job offer at home.")
    page = client.get(reverse("skills:training_detail", args=[training.pk])).content.decode()
    assert "3 years of work at home" in page
    assert "A job offer at home." in page
    assert "1200.00 EUR" in page


def test_it_hides_an_unpublished_training_except_from_programme_staff(
    client, login, counsellor_a, programme_manager, db
):
    draft = TrainingFactory(is_published=False)
    url = reverse("skills:training_detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    assert login(counsellor_a).get(url).status_code == 404
    assert login(programme_manager).get(url).status_code == 200


def test_it_lets_programme_staff_add_a_training(login, programme_manager, db):
    data = {
        "title": "Graduate traineeship in public finance",
        "provider": "Ministry of Finance",
        "kind": "traineeship",
        "country": "SI",
        "description": "Twelve months, paid.",
        "stipend": "950.50",
        "stipend_currency": "EUR",
        "return_obligation_years": "2",
        "application_deadline": "2030-03-31",
        "start_date": "2030-09-01",
        "end_date": "2031-08-31",
        "is_published": "on",
    }
    response = login(programme_manager).post(reverse("skills:training_create"), data)
    training = TrainingOpportunity.objects.get()
    assert response.url == reverse("skills:training_detail", args=[training.pk])
    assert str(training.stipend) == "950.50"
    assert training.created_by == programme_manager


def test_it_refuses_a_training_that_ends_before_it_starts(login, programme_manager, db):
    data = {
        "title": "Backwards",
        "provider": "Somewhere",
        "kind": "internship",
        "country": "SI",
        "description": "x",
        "stipend_currency": "EUR",
        "application_deadline": "2030-03-31",
        "start_date": "2030-09-01",
        "end_date": "2030-08-01",
    }
    response = login(programme_manager).post(reverse("skills:training_create"), data)
    assert "The training cannot end before it starts." in response.content.decode()
    assert not TrainingOpportunity.objects.exists()


def test_it_lists_trainings_in_a_bounded_number_of_queries(
    client, db, django_assert_max_num_queries
):
    sector = SectorFactory(code="R", name="Health")
    TrainingFactory.create_batch(3, sector=sector)
    with django_assert_max_num_queries(6):
        client.get(reverse("skills:training_list"))
    TrainingFactory.create_batch(15, sector=sector)
    with django_assert_max_num_queries(6):
        assert len(client.get(reverse("skills:training_list")).context["page"]) == 18
