"""The data-quality work list: records with each problem, linked to their fix; roll-ups."""

from datetime import timedelta

from django.urls import reverse
from django.utils.timezone import localdate

from counselling.models import ConsentEvent, Session
from tests.counselling.factories import ReferralFactory, SessionFactory, make_visitor


def _problems(response):
    return {problem.key: found for problem, found in response.context["sections"]}


def test_it_lists_each_problem_with_a_link_to_its_fix(login, counsellor_a, centre_a, settings):
    settings.REFERRAL_OPEN_DAYS = 30
    incomplete = make_visitor(counsellor_a, centre_a, year_of_birth=None)
    no_consent = make_visitor(counsellor_a, centre_a, consent=False, given_name="", family_name="")
    ConsentEvent.objects.filter(visitor=no_consent).delete()
    session = SessionFactory(visitor=incomplete, counsellor=counsellor_a)
    session.topics.clear()
    overdue = SessionFactory(
        visitor=incomplete,
        counsellor=counsellor_a,
        date=localdate() - timedelta(days=20),
        follow_up_date=localdate() - timedelta(days=5),
    )
    old = ReferralFactory(
        visitor=incomplete, created_by=counsellor_a, sent_on=localdate() - timedelta(days=40)
    )
    twin_a = make_visitor(counsellor_a, centre_a, given_name="Ana", family_name="Petrović")
    twin_b = make_visitor(counsellor_a, centre_a, given_name="ana", family_name="PETROVIĆ")
    response = login(counsellor_a).get(reverse("counselling:data_quality"))
    assert response.status_code == 200
    found = _problems(response)
    assert incomplete in found["incomplete"]["rows"]
    assert found["no_consent"]["rows"] == [no_consent]
    assert found["no_topic"]["rows"] == [session]
    assert found["overdue"]["rows"] == [overdue]
    assert found["open_referral"]["rows"] == [old]
    assert {twin_a, twin_b} <= set(found["duplicate"]["rows"])
    for url in (
        reverse("counselling:visitor_edit", args=[incomplete.code]),
        reverse("counselling:session_edit", args=[session.pk]),
        reverse("counselling:referral_detail", args=[old.pk]),
        reverse("counselling:visitor_merge"),
    ):
        assert url in response.text
    assert "rollup" not in response.context, "a counsellor sees their centre's list only"


def test_it_filters_by_counsellor_and_leaves_deleted_sessions_out(
    login, counsellor_a, manager_a, centre_a
):
    visitor = make_visitor(counsellor_a, centre_a)
    mine = SessionFactory(visitor=visitor, counsellor=counsellor_a)
    mine.topics.clear()
    theirs = SessionFactory(visitor=visitor, counsellor=manager_a)
    theirs.topics.clear()
    gone = SessionFactory(visitor=visitor, counsellor=counsellor_a)
    gone.topics.clear()
    Session.objects.filter(pk=gone.pk).update(deleted_at=theirs.created_at)
    url = reverse("counselling:data_quality")
    response = login(manager_a).get(url, {"counsellor": counsellor_a.pk})
    assert _problems(response)["no_topic"]["rows"] == [mine]


def test_another_centre_sees_none_of_these_records(login, counsellor_a, centre_a, counsellor_b):
    visitor = make_visitor(counsellor_a, centre_a, year_of_birth=None)
    response = login(counsellor_b).get(reverse("counselling:data_quality"))
    assert response.status_code == 200
    assert visitor.code not in response.text
    assert all(found["count"] == 0 for found in _problems(response).values())


def test_totals_roll_up_to_country_and_network_as_counts(
    login, counsellor_a, centre_a, centre_a2, centre_b, coordinator_a, programme_manager
):
    visitor = make_visitor(counsellor_a, centre_a, year_of_birth=None)
    coordinator = login(coordinator_a).get(reverse("counselling:data_quality"))
    rows = {row["centre"]: row for row in coordinator.context["rollup"]}
    assert set(rows) == {centre_a, centre_a2}
    assert rows[centre_a]["incomplete"] == 1
    network = login(programme_manager).get(reverse("counselling:data_quality"))
    assert network.status_code == 200
    assert {row["centre"] for row in network.context["rollup"]} >= {centre_a, centre_b}
    assert "sections" not in network.context
    assert visitor.code not in network.text, "counts only for the programme"
    assert "Data quality" in network.text  # in the navigation


def test_roles_without_counselling_or_network_figures_are_refused(login, host, expert):
    for user in (host, expert):
        assert login(user).get(reverse("counselling:data_quality")).status_code == 403
