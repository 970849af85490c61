from django.urls import reverse

from tests.centres.factories import CentreFactory


def test_it_lists_active_centres_to_anyone(client, centre_a, centre_b):
    closed = CentreFactory(country="ME", code="PG", city="Podgorica", is_active=False)
    page = client.get(reverse("centres:directory")).content.decode()
    assert centre_a.name in page
    assert centre_b.name in page
    assert closed.name not in page


def test_it_filters_centres_by_country_and_city(client, centre_a, centre_a2, centre_b):
    response = client.get(reverse("centres:directory"), {"country": "RS"})
    assert list(response.context["page"]) == [centre_a2, centre_a]  # ordered by city
    response = client.get(reverse("centres:directory"), {"country": "RS", "city": "Niš"})
    assert list(response.context["page"]) == [centre_a2]


def test_it_offers_the_six_programme_countries_with_kosovo_as_xk(client, db):
    form = client.get(reverse("centres:directory")).context["filter"].form
    choices = dict(form.fields["country"].choices)
    assert set(choices) - {""} == {"AL", "BA", "XK", "ME", "MK", "RS"}
    assert "Kosovo" in str(choices["XK"])


def test_it_shows_a_centres_contact_details(client, centre_a):
    centre_a.phone = "+381 21 123 456"
    centre_a.opening_hours = "Mon–Fri 8:00–16:00"
    centre_a.save()
    page = client.get(reverse("centres:detail", args=[centre_a.pk])).content.decode()
    assert "+381 21 123 456" in page
    assert "Mon–Fri 8:00–16:00" in page
    assert "Serbian" in page  # languages by name, not code


def test_it_hides_a_closed_centres_page(client, centre_a):
    centre_a.is_active = False
    centre_a.save()
    assert client.get(reverse("centres:detail", args=[centre_a.pk])).status_code == 404
