"""The web UI shell: home pages per role, error pages, security headers."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("counsellor_a", "Counselling desk"),
        ("manager_a", "Your centre"),
        ("coordinator_a", "Centres in Serbia"),
        ("programme_manager", "Programme overview"),
        ("host", "Your institution"),
        ("expert", "Your expert file"),
        ("administrator", "Administration"),
    ],
)
def test_it_shows_each_role_its_own_home_page(request, login, persona, heading):
    page = login(request.getfixturevalue(persona)).get(reverse("home")).content.decode()
    assert f">{heading}</h1>" in page


def test_it_shows_a_counsellor_their_centre_not_others(login, counsellor_a, centre_a, centre_b):
    page = login(counsellor_a).get(reverse("home")).content.decode()
    assert centre_a.name in page
    assert centre_b.name not in page


def test_it_shows_the_programme_manager_the_network_in_figures(
    login, programme_manager, centre_a, centre_a2, centre_b
):
    response = login(programme_manager).get(reverse("home"))
    by_country = {row["country"]: row["centres"] for row in response.context["centres_by_country"]}
    assert by_country == {"AL": 1, "RS": 2}


def test_it_shows_navigation_only_to_pages_the_role_may_open(login, counsellor_a, manager_a):
    people = reverse("accounts:people")
    assert people not in login(counsellor_a).get(reverse("home")).content.decode()
    assert people in login(manager_a).get(reverse("home")).content.decode()


def test_it_answers_a_missing_page_with_the_portals_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_it_explains_a_refusal_with_the_portals_403(login, counsellor_a):
    response = login(counsellor_a).get(reverse("accounts:people"))
    assert response.status_code == 403
    assert "Your role does not give access to this page" in response.content.decode()


def test_it_sends_a_strict_content_security_policy(client, db):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_it_keeps_scripts_and_styles_out_of_the_html(client, centre_a):
    for url in [reverse("home"), reverse("centres:directory"), reverse("accounts:login")]:
        page = client.get(url).content.decode()
        assert "<script>" not in page
        assert "style=" not in page
