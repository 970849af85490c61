"""API tokens: named by their owner, shown once, stored hashed, expiring and revocable."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.timezone import now

from accounts.models import ApiToken
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

ME = reverse("api:me")


def _new_token(client, name="Reporting script") -> str:
    response = client.post(reverse("accounts:api_token"), {"name": name})
    assert response.status_code == 200
    assert name in response.text
    return response.context["token"]


def _answer(api_client, token) -> int:
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api_client.get(ME).status_code


def test_it_shows_a_named_token_once_and_lists_it_on_the_profile(login, api_client, counsellor_a):
    client = login(counsellor_a)
    token = _new_token(client, "Laptop in Novi Sad")
    assert _answer(api_client, token) == 200
    profile = client.get(reverse("accounts:profile")).text
    assert "Laptop in Novi Sad" in profile
    assert token not in profile


def test_it_keeps_only_a_hash_of_the_token(login, counsellor_a):
    token = _new_token(login(counsellor_a))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert not any(token in str(value) for value in rows[0])


def test_it_asks_for_a_name(login, counsellor_a):
    response = login(counsellor_a).post(reverse("accounts:api_token"), {"name": ""})
    assert response.status_code == 400
    assert "id_name_error_1" in response.text
    assert not ApiToken.objects.exists()


def test_it_refuses_an_expired_token(login, api_client, counsellor_a, settings):
    token = _new_token(login(counsellor_a))
    expiry = ApiToken.objects.get().expiry
    assert timedelta(days=89) < expiry - now() <= timedelta(days=90)
    ApiToken.objects.update(expiry=now() - timedelta(seconds=1))
    assert _answer(api_client, token) == 401


def test_it_revokes_a_token(login, api_client, counsellor_a):
    client = login(counsellor_a)
    kept, revoked = _new_token(client, "kept"), _new_token(client, "revoked")
    digest = ApiToken.objects.get(name="revoked").digest
    response = client.post(reverse("accounts:api_token_revoke", args=[digest]), follow=True)
    assert "no longer works" in response.text
    assert _answer(api_client, revoked) == 401
    assert _answer(api_client, kept) == 200


def test_it_revokes_only_ones_own_tokens(login, counsellor_a, counsellor_b):
    _new_token(login(counsellor_a))
    digest = ApiToken.objects.get().digest
    other = Client()
    other.force_login(counsellor_b)
    assert other.post(reverse("accounts:api_token_revoke", args=[digest])).status_code == 404
    assert ApiToken.objects.exists()


def test_it_ends_the_tokens_when_the_password_changes(login, api_client, counsellor_a):
    client = login(counsellor_a)
    token = _new_token(client)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert response.status_code == 302
    assert _answer(api_client, token) == 401


def test_it_ends_the_tokens_when_the_password_is_reset(login, api_client, counsellor_a):
    token = _new_token(login(counsellor_a))
    counsellor_a.set_password("a reset passphrase here")
    counsellor_a.save()
    assert _answer(api_client, token) == 401


def test_it_ends_the_tokens_of_a_deactivated_user(login, api_client, counsellor_a):
    token = _new_token(login(counsellor_a))
    counsellor_a.is_active = False
    counsellor_a.save()
    assert _answer(api_client, token) == 401
    assert not ApiToken.objects.exists()  # reactivating the account does not revive them


def test_it_ends_the_tokens_when_signing_out_everywhere(login, api_client, counsellor_a):
    client = login(counsellor_a)
    token = _new_token(client)
    client.post(reverse("accounts:sign_out_everywhere"))
    assert _answer(api_client, token) == 401


def test_it_keeps_at_most_ten_live_tokens(login, counsellor_a):
    client = login(counsellor_a)
    for n in range(10):
        _new_token(client, f"script {n}")
    response = client.post(reverse("accounts:api_token"), {"name": "one too many"})
    assert response.status_code == 400
    assert "You have 10 tokens already" in response.text
    assert "id_name_error_1" in response.text
    ApiToken.objects.filter(name="script 0").update(expiry=now() - timedelta(seconds=1))
    assert _new_token(client, "one more")
