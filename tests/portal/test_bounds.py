"""Issue 12, point 7: bounds on requests, no caching of personal data, CSP on every page."""

import re

from django.urls import reverse

from tests.counselling.factories import make_visitor


def _inline_scripts(html: str) -> list[str]:
    return [tag for tag in re.findall(r"<script[^>]*>", html) if "src=" not in tag]


def test_it_sends_a_policy_on_the_admin_and_api_docs_that_lets_them_work(
    client, login, administrator
):
    login(administrator)
    for url in ["/admin/login/", "/admin/", "/admin/accounts/user/", "/api/v1/docs/"]:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        policy = response["Content-Security-Policy"]
        directives = {
            part.split()[0]: part.split()[1:] for part in policy.split("; ") if part.strip()
        }
        assert directives["script-src"] == ["'self'"], url
        assert directives["object-src"] == ["'none'"], url
        assert "'unsafe-inline'" in directives["style-src"], "the admin and Swagger UI style inline"
        if response.status_code == 200:
            assert not _inline_scripts(response.content.decode()), url


def test_it_keeps_inline_styles_out_of_the_portals_own_pages(client, db):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "unsafe-inline" not in policy


def test_it_lets_no_cache_keep_a_page_for_a_signed_in_user(
    login, api_client, counsellor_a, centre_a
):
    visitor = make_visitor(counsellor_a, centre_a)
    client = login(counsellor_a)
    for url in [reverse("home"), reverse("counselling:visitor_detail", args=[visitor.code])]:
        assert "no-store" in client.get(url)["Cache-Control"]
    api_client.force_authenticate(counsellor_a)
    assert "no-store" in api_client.get("/api/v1/visitors/")["Cache-Control"]


def test_it_lets_the_public_pages_be_cached_as_before(client, db):
    assert "no-store" not in client.get(reverse("centres:directory")).get("Cache-Control", "")


def test_it_refuses_a_request_body_over_the_limit_before_reading_it(client, settings, db):
    settings.MAX_REQUEST_BYTES = 1024
    response = client.post(reverse("accounts:login"), {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413


def test_it_refuses_form_fields_over_djangos_memory_limit(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    url = reverse("counselling:session_create", args=[visitor.code])
    response = login(counsellor_a).post(url, {"notes": "x" * (3 * 1024 * 1024)})
    assert response.status_code in (400, 413)
    assert not visitor.sessions.exists()
