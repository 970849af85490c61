"""The API's rates: anonymous clients, signed-in users, and a stricter one for look-ups."""

import pytest
from django.urls import reverse

from tests.counselling.factories import make_visitor

pytestmark = pytest.mark.django_db


def test_it_slows_an_anonymous_client_down(api_client):
    url = reverse("api:skilldemand-list")
    for _ in range(60):
        assert api_client.get(url).status_code == 200
    response = api_client.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Another client is not slowed down.
    assert api_client.get(url, REMOTE_ADDR="192.0.2.44").status_code == 200


def test_it_allows_30_look_ups_by_code_a_minute(api_client, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    api_client.force_login(counsellor_a)
    detail = reverse("api:visitor-detail", args=[visitor.code])
    for n in range(30):
        url = detail if n % 2 else f"{reverse('api:visitor-list')}?code=X{n}"
        assert api_client.get(url).status_code == 200
    assert api_client.get(detail).status_code == 429
    assert api_client.get(f"{reverse('api:visitor-list')}?code=ZZZ").status_code == 429
    assert api_client.get(f"{reverse('api:session-list')}?visitor=ZZZ").status_code == 429
    # Browsing the list (no look-up) goes on at the ordinary rate.
    assert api_client.get(reverse("api:visitor-list")).status_code == 200
