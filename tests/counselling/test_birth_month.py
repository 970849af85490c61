"""The profile keeps what a visitor gives: the year, or the month and year, of birth."""

from django.urls import reverse

from counselling.models import Visitor
from tests.counselling.test_pages import REGISTER


def test_it_keeps_the_month_of_birth_a_visitor_gives_and_shows_it(login, counsellor_a, centre_a):
    client = login(counsellor_a)
    data = {**REGISTER, "centre": centre_a.pk, "month_of_birth": "6", "year_of_birth": "1991"}
    response = client.post(reverse("counselling:visitor_create"), data)
    assert response.status_code == 302
    visitor = Visitor.objects.get()
    assert (visitor.month_of_birth, visitor.year_of_birth) == (6, 1991)
    assert "June 1991" in client.get(response.url).text


def test_it_refuses_a_month_of_birth_without_the_year(login, counsellor_a, centre_a):
    data = {**REGISTER, "centre": centre_a.pk, "month_of_birth": "6", "year_of_birth": ""}
    response = login(counsellor_a).post(reverse("counselling:visitor_create"), data)
    assert response.status_code == 200
    assert "Give the year of birth with the month." in response.text
    assert not Visitor.objects.exists()
