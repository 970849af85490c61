"""A counsellor of centre A can neither see nor change anything of centre B.

Later features add their own rows to this promise (visitors, sessions, referrals); what the
foundation holds is its staff, its centre page for staff and the shared reference data.
"""

from django.urls import reverse


def test_it_shows_centre_a_staff_nothing_of_centre_b(
    login, counsellor_a, manager_a, counsellor_b, centre_b
):
    home = login(counsellor_a).get(reverse("home")).content.decode()
    assert centre_b.name not in home
    people = login(manager_a).get(reverse("accounts:people")).content.decode()
    assert counsellor_b.email not in people
    assert counsellor_b.full_name not in people


def test_it_lets_no_counsellor_change_centres_through_the_api(api_client, counsellor_a, centre_b):
    api_client.force_authenticate(counsellor_a)
    url = reverse("api:centre-detail", args=[centre_b.pk])
    assert api_client.patch(url, {"name": "Taken over"}).status_code == 405
    assert api_client.delete(url).status_code == 405
    centre_b.refresh_from_db()
    assert centre_b.name != "Taken over"


def test_it_keeps_counsellors_out_of_the_admin_site(login, counsellor_a, centre_b):
    client = login(counsellor_a)
    response = client.post(
        reverse("admin:centres_centre_change", args=[centre_b.pk]), {"name": "Taken over"}
    )
    assert response.status_code == 302
    assert reverse("admin:login") in response.url
    centre_b.refresh_from_db()
    assert centre_b.name != "Taken over"
