"""Two people editing the same record (issue 16): nothing is overwritten in silence."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from counselling.models import Visitor
from tests.accounts.factories import PASSWORD
from tests.conftest import Client
from tests.counselling.factories import make_visitor
from tests.edits import edit_version, if_match


def _visitor_form(visitor, **changes):
    data = {
        "given_name": visitor.given_name,
        "family_name": visitor.family_name,
        "phone": visitor.phone,
        "email": visitor.email,
        "sex": visitor.sex,
        "year_of_birth": visitor.year_of_birth,
        "municipality": visitor.municipality,
        "migration_status": visitor.migration_status,
    }
    data.update(changes)
    return data


@pytest.fixture
def second_client():
    return Client()


def test_a_stale_edit_is_refused_and_shows_what_changed(
    client, second_client, login, counsellor_a, manager_a, centre_a
):
    visitor = make_visitor(counsellor_a, centre_a, phone="+381601111111")
    url = reverse("counselling:visitor_edit", args=[visitor.code])
    login(counsellor_a)
    mine = edit_version(client, url)  # opened the form first
    assert second_client.login(username=manager_a.email, password=PASSWORD)
    theirs = edit_version(second_client, url)
    saved = second_client.post(url, _visitor_form(visitor, phone="+381602222222", **theirs))
    assert saved.status_code == 302

    response = client.post(url, _visitor_form(visitor, municipality="Novi Sad", **mine))

    assert response.status_code == 200
    visitor.refresh_from_db()
    assert (visitor.phone, visitor.municipality) == ("+381602222222", "")  # nothing reverted
    page = response.content.decode()
    assert "Someone else saved this record after you opened it" in page
    (change,) = response.context["form"].stale_changes
    assert change == {"label": "Phone", "theirs": "+381602222222", "yours": "+381601111111"}

    again = client.post(
        url,
        _visitor_form(
            visitor,
            phone="+381602222222",
            municipality="Novi Sad",
            **{"edit_version": response.context["form"]["edit_version"].value()},
        ),
    )
    assert again.status_code == 302
    visitor.refresh_from_db()
    assert (visitor.phone, visitor.municipality) == ("+381602222222", "Novi Sad")


def test_an_edit_without_a_version_is_refused(client, login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    url = reverse("counselling:visitor_edit", args=[visitor.code])

    response = login(counsellor_a).post(url, _visitor_form(visitor, municipality="Niš"))

    assert response.status_code == 200
    visitor.refresh_from_db()
    assert visitor.municipality == ""


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_instant_do_not_overwrite_each_other(
    counsellor_a, manager_a, centre_a
):
    visitor = make_visitor(counsellor_a, centre_a, phone="+381601111111")
    url = reverse("counselling:visitor_edit", args=[visitor.code])
    clients = [Client(), Client()]
    for persona, signed_in in zip((counsellor_a, manager_a), clients, strict=True):
        assert signed_in.login(username=persona.email, password=PASSWORD)
    versions = [edit_version(c, url) for c in clients]
    posts = [
        _visitor_form(visitor, phone="+381602222222", **versions[0]),
        _visitor_form(visitor, municipality="Novi Sad", **versions[1]),
    ]
    barrier, statuses = threading.Barrier(2), [None, None]

    def save(index):
        try:
            barrier.wait()
            statuses[index] = clients[index].post(url, posts[index]).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 302]  # one saved, the other was shown the change
    visitor = Visitor.objects.get(pk=visitor.pk)
    winner = statuses.index(302)
    assert (visitor.phone, visitor.municipality) == [
        ("+381602222222", ""),
        ("+381601111111", "Novi Sad"),
    ][winner]


def test_a_stale_api_update_is_refused_with_412(api_client, counsellor_a):
    url = reverse("api:me")
    api_client.force_authenticate(counsellor_a)
    read = api_client.get(url)
    etag = read["ETag"]
    counsellor_a.full_name = "Changed Elsewhere"
    counsellor_a.save()

    stale = api_client.patch(url, {"full_name": "Mine"}, HTTP_IF_MATCH=etag)

    assert stale.status_code == 412
    assert stale.json()["changes"] == [
        {"field": "full_name", "current": "Changed Elsewhere", "yours": "Mine"}
    ]
    counsellor_a.refresh_from_db()
    assert counsellor_a.full_name == "Changed Elsewhere"
    fresh = api_client.patch(url, {"full_name": "Mine"}, HTTP_IF_MATCH=stale["ETag"])
    assert fresh.status_code == 200
    assert fresh["ETag"] != stale["ETag"]


def test_an_api_update_without_if_match_answers_428(api_client, counsellor_a):
    api_client.force_authenticate(counsellor_a)

    response = api_client.patch(reverse("api:me"), {"full_name": "Mine"})

    assert response.status_code == 428
    counsellor_a.refresh_from_db()
    assert counsellor_a.full_name != "Mine"
    ok = api_client.patch(
        reverse("api:me"), {"full_name": "Mine"}, **if_match(api_client, reverse("api:me"))
    )
    assert ok.status_code == 200
