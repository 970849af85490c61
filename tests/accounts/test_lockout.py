"""Guessing passwords: the 6th wrong one locks the account, on the portal and on /admin/."""

import logging
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")


def _sign_in(client, url, email, password):
    return client.post(url, {"username": email, "password": password})


def test_it_locks_the_account_at_the_6th_wrong_password_on_the_portal(counsellor_a, caplog):
    client = Client()
    for _ in range(5):
        response = _sign_in(client, LOGIN, counsellor_a.email, "wrong password")
        assert response.status_code == 200
        assert "Please enter a correct e-mail address and password" in response.text
    with caplog.at_level(logging.WARNING):
        response = _sign_in(client, LOGIN, counsellor_a.email, "wrong password")
    assert response.status_code == 429
    assert "Sign-in locked" in response.text
    assert "Try again in 30 minutes" in response.text
    # The lockout is logged, naming the account and the client.
    lockouts = [r.getMessage() for r in caplog.records if "Locking out" in r.getMessage()]
    assert lockouts
    assert f"user {counsellor_a.pk}" in lockouts[0]
    assert counsellor_a.email not in lockouts[0]  # logs name people by id (STYLE.md)

    # Locked even with the right password, whatever the case of the address, from anywhere.
    other_computer = Client(REMOTE_ADDR="192.0.2.7")
    response = _sign_in(other_computer, LOGIN, counsellor_a.email.upper(), PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in other_computer.session


@pytest.mark.parametrize(
    ("language", "minutes", "wait"),
    [
        ("en", 1, "Try again in 1 minute,"),
        ("sq", 1, "Provoni përsëri pas 1 minute,"),
        ("sq", 30, "Provoni përsëri pas 30 minutash,"),
        ("sr-latn", 1, "Pokušajte ponovo za 1 minut "),
        ("sr-latn", 22, "Pokušajte ponovo za 22 minuta "),
        ("sr", 21, "Покушајте поново за 21 минут "),
        ("mk", 1, "Обидете се повторно за 1 минута "),
        ("mk", 30, "Обидете се повторно за 30 минути "),
        ("bs", 1, "Pokušajte ponovo za 1 minutu "),
        ("bs", 3, "Pokušajte ponovo za 3 minute "),
        ("bs", 30, "Pokušajte ponovo za 30 minuta "),
    ],
)
def test_it_says_how_long_the_lock_lasts_in_the_visitors_language(
    counsellor_a, settings, language, minutes, wait
):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=minutes)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    for _ in range(6):
        response = _sign_in(client, LOGIN, counsellor_a.email, "wrong password")
    assert response.status_code == 429
    assert wait in response.text


def test_it_locks_the_account_at_the_6th_wrong_password_on_the_admin_site(administrator):
    client = Client()
    for _ in range(5):
        assert _sign_in(client, ADMIN_LOGIN, administrator.email, "wrong").status_code == 200
    assert _sign_in(client, ADMIN_LOGIN, administrator.email, "wrong").status_code == 429
    assert _sign_in(client, ADMIN_LOGIN, administrator.email, PASSWORD).status_code == 429


def test_it_locks_a_client_that_tries_many_accounts(centre_a):
    users = UserFactory.create_batch(7, centres=[centre_a])
    attacker, colleague = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.4")
    for user in users[:6]:
        _sign_in(attacker, LOGIN, user.email, "wrong password")
    # The 7th account was never tried, but this client is locked; another client is not.
    assert _sign_in(attacker, LOGIN, users[6].email, PASSWORD).status_code == 429
    assert _sign_in(colleague, LOGIN, users[6].email, PASSWORD).status_code == 302


def test_it_lets_the_lock_lapse_after_the_cool_off(counsellor_a, settings):
    client = Client()
    for _ in range(6):
        _sign_in(client, LOGIN, counsellor_a.email, "wrong password")
    assert _sign_in(client, LOGIN, counsellor_a.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time="2000-01-01T00:00:00Z")
    assert _sign_in(client, LOGIN, counsellor_a.email, PASSWORD).status_code == 302


def test_it_shows_lockouts_to_an_administrator_who_can_lift_them(
    login, counsellor_a, administrator
):
    client = Client()
    for _ in range(6):
        _sign_in(client, LOGIN, counsellor_a.email, "wrong password")

    admin = login(administrator)
    page = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200
    assert counsellor_a.email in page.text
    attempt = AccessAttempt.objects.get(username=counsellor_a.email)
    admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert _sign_in(client, LOGIN, counsellor_a.email, PASSWORD).status_code == 302


def test_it_lifts_a_lock_from_the_command_line(counsellor_a):
    client = Client()
    for _ in range(6):
        _sign_in(client, LOGIN, counsellor_a.email, "wrong password")
    call_command("axes_reset_username", counsellor_a.email)
    assert _sign_in(client, LOGIN, counsellor_a.email, PASSWORD).status_code == 302


def test_it_counts_failures_per_client_address_a_client_cannot_forge(centre_a, settings):
    users = UserFactory.create_batch(7, centres=[centre_a])
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for n, user in enumerate(users[:6]):
        attacker.post(
            LOGIN,
            {"username": user.email, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert _sign_in(attacker, LOGIN, users[6].email, PASSWORD).status_code == 429


def test_it_tells_clients_apart_behind_the_reverse_proxy(centre_a, settings):
    settings.PROXY_COUNT = 1
    users = UserFactory.create_batch(7, centres=[centre_a])
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for user in users[:6]:
        proxy.post(
            LOGIN,
            {"username": user.email, "password": "wrong"},
            HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9",  # forged first entry, then the proxy's
        )
    colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    credentials = {"username": users[6].email, "password": PASSWORD}
    assert proxy.post(LOGIN, credentials, **colleague).status_code == 302
    attacker = {"HTTP_X_FORWARDED_FOR": "192.0.2.99, 203.0.113.9"}
    assert Client().post(LOGIN, credentials, **attacker).status_code == 429


def test_it_lifts_the_lock_of_an_account_whose_password_is_reset(counsellor_a, background_work):
    client = Client()
    for _ in range(6):
        _sign_in(client, LOGIN, counsellor_a.email, "wrong password")
    with background_work():
        client.post(reverse("accounts:password_reset"), {"email": counsellor_a.email})
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "a brand new passphrase"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert _sign_in(Client(), LOGIN, counsellor_a.email, new).status_code == 302
