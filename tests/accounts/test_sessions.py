"""“Your active sessions” on the profile, and “sign out everywhere”."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import UserSession
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def _browser(user, agent) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    return client


def test_it_lists_the_browsers_one_is_signed_in_on(counsellor_a, counsellor_b):
    office = _browser(counsellor_a, "Firefox at the office")
    _browser(counsellor_a, "Phone browser")
    _browser(counsellor_b, "Someone else's browser")
    page = office.get(PROFILE).text
    assert "Your active sessions" in page
    assert "Firefox at the office" in page
    assert "Phone browser" in page
    assert "Someone else" not in page
    assert "this browser" in page


def test_it_forgets_a_browser_that_signed_out(counsellor_a):
    office, phone = _browser(counsellor_a, "Office"), _browser(counsellor_a, "Phone")
    phone.post(reverse("accounts:logout"))
    assert "Phone" not in office.get(PROFILE).text


def test_it_signs_out_everywhere(counsellor_a):
    office, phone = _browser(counsellor_a, "Office"), _browser(counsellor_a, "Phone")
    response = office.post(reverse("accounts:sign_out_everywhere"), follow=True)
    assert "You are signed out on every browser" in response.text
    for browser in (office, phone):
        response = browser.get(PROFILE)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert not UserSession.objects.exists()


def test_it_signs_one_other_browser_out(counsellor_a, counsellor_b):
    office, phone = _browser(counsellor_a, "Office"), _browser(counsellor_a, "Phone")
    session = UserSession.objects.get(user_agent="Phone")
    other = _browser(counsellor_b, "Other")
    assert other.post(reverse("accounts:session_end", args=[session.pk])).status_code == 404

    response = office.post(reverse("accounts:session_end", args=[session.pk]), follow=True)
    assert "That browser is signed out." in response.text
    assert phone.get(PROFILE).status_code == 302
    assert office.get(PROFILE).status_code == 200


def test_it_signs_the_other_browsers_out_when_the_password_changes(counsellor_a):
    office, phone = _browser(counsellor_a, "Office"), _browser(counsellor_a, "Phone")
    response = office.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert response.status_code == 302
    assert phone.get(PROFILE).status_code == 302
    page = office.get(PROFILE).text
    assert "Office" in page
    assert "Phone" not in page
