"""Two-factor sign-in: TOTP with recovery codes, required for the roles that see most."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


def _code(device, ahead=0) -> str:
    """The app's code now or `ahead` steps on (a code once used is refused: replay)."""
    t0 = device.t0 - ahead * device.step
    return f"{totp(device.bin_key, device.step, t0, device.digits, device.drift):06d}"


def _sign_in(user, **extra) -> Client:
    client = Client(**extra)
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _set_up(client, user) -> list[str]:
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"otp_token": _code(device), "next": "/"})
    assert "Your recovery codes" in response.text
    return re.findall(r"<li>([a-z2-7]{8})</li>", response.text)


def test_it_keeps_an_administrator_without_2fa_out_of_the_admin_site(administrator):
    client = _sign_in(administrator)
    for url in [reverse("admin:index"), reverse("admin:accounts_user_changelist")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(SETUP)
    # Signing in on the admin's own form leads to the same place.
    admin_form = Client()
    admin_form.post(reverse("admin:login"), {"username": administrator.email, "password": PASSWORD})
    assert admin_form.get(reverse("admin:index")).url.startswith(SETUP)


def test_it_opens_the_admin_site_once_the_administrator_set_up_2fa(administrator):
    client = _sign_in(administrator)
    codes = _set_up(client, administrator)
    assert len(codes) == 10
    assert client.get(reverse("admin:index")).status_code == 200


def test_it_keeps_the_admin_site_shut_without_2fa_even_without_the_middleware(
    administrator, settings
):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "TwoFactor" not in m]
    client = _sign_in(administrator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    ("role", "required"),
    [
        (Role.ADMINISTRATOR, True),
        (Role.PROGRAMME_MANAGER, True),
        (Role.COUNTRY_COORDINATOR, True),
        (Role.CENTRE_MANAGER, True),
        (Role.COUNSELLOR, False),
        (Role.HOST_MEMBER, False),
        (Role.EXPERT, False),
    ],
)
def test_it_requires_2fa_of_the_roles_that_see_most(role, required, centre_a):
    user = UserFactory(
        role=role,
        country="RS" if role == Role.COUNTRY_COORDINATOR else "",
        centres=[centre_a] if role in (Role.CENTRE_MANAGER, Role.COUNSELLOR) else [],
    )
    client = _sign_in(user)
    response = client.get(reverse("accounts:profile"))
    if required:
        assert response.status_code == 302
        assert response.url == f"{SETUP}?next=%2Faccounts%2Fprofile%2F"
        assert client.get(reverse("api:me")).status_code == 403
    else:
        assert response.status_code == 200
        assert "Set up two-factor sign-in" in response.text  # offered


def test_it_asks_for_a_code_at_each_sign_in_once_set_up(counsellor_a):
    _set_up(_sign_in(counsellor_a), counsellor_a)
    device = TOTPDevice.objects.get(user=counsellor_a)

    client = _sign_in(counsellor_a)
    response = client.get(reverse("accounts:profile"))
    assert response.url == f"{VERIFY}?next=%2Faccounts%2Fprofile%2F"
    response = client.post(VERIFY, {"otp_token": "000000", "next": "/accounts/profile/"})
    assert response.status_code == 200
    assert "This code is not right" in response.text
    assert 'aria-invalid="true"' in response.text
    # The device refuses codes for a moment after a wrong one (django-otp's throttling).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(VERIFY, {"otp_token": _code(device), "next": "/accounts/profile/"})
    assert "This code is not right" in response.text  # the code that set the app up: used
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(
        VERIFY, {"otp_token": _code(device, ahead=1), "next": "/accounts/profile/"}
    )
    assert response.url == "/accounts/profile/"
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_it_signs_in_with_a_recovery_code_once(manager_a):
    codes = _set_up(_sign_in(manager_a), manager_a)

    client = _sign_in(manager_a)
    response = client.post(VERIFY, {"otp_token": codes[0].upper(), "next": "/"}, follow=True)
    assert "9 are left" in response.text
    assert client.get(reverse("admin:index")).status_code in (302, 403)  # not an admin

    again = _sign_in(manager_a)
    response = again.post(VERIFY, {"otp_token": codes[0], "next": "/"})
    assert "This code is not right" in response.text


def test_it_lets_a_counsellor_turn_2fa_off_but_not_a_manager(login, counsellor_a, manager_a):
    client = _sign_in(counsellor_a)
    _set_up(client, counsellor_a)
    client.post(reverse("accounts:two_factor_disable"))
    assert not TOTPDevice.objects.filter(user=counsellor_a).exists()
    assert client.get(reverse("accounts:profile")).status_code == 200

    client = login(manager_a)
    response = client.post(reverse("accounts:two_factor_disable"), follow=True)
    assert "Your role needs two-factor sign-in" in response.text
    assert TOTPDevice.objects.filter(user=manager_a, confirmed=True).exists()


def test_it_lets_the_demo_switch_the_requirement_off(manager_a, settings):
    settings.TWO_FACTOR_REQUIRED = False
    assert _sign_in(manager_a).get(reverse("accounts:profile")).status_code == 200


def test_it_does_not_let_a_password_alone_replace_the_authenticator(manager_a):
    _set_up(_sign_in(manager_a), manager_a)
    original = TOTPDevice.objects.get(user=manager_a)

    thief = _sign_in(manager_a)  # knows the password, not the phone
    response = thief.get(SETUP)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    thief.post(SETUP, {"otp_token": "123456"})
    assert list(TOTPDevice.objects.filter(user=manager_a)) == [original]
