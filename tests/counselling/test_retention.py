"""Issue 12, point 6: visitors inactive for longer than their country's period are anonymised
each night; the statistical profile stays, so reports for past periods do not change."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils.timezone import localdate, now

from counselling import services, tasks
from counselling.models import Referral, Visitor
from reports.indicators import registry
from tests.counselling.factories import ReferralFactory, SessionFactory, make_visitor
from tests.reports.test_counselling_indicators import Q1, hand_counted  # noqa: F401


def _months_ago(months: int) -> datetime.date:
    return localdate() - relativedelta(months=months)


def _inactive_since(visitor: Visitor, months: int) -> None:
    """Registered and last changed that long ago (update() leaves auto_now alone)."""
    then = now() - relativedelta(months=months)
    Visitor.objects.filter(pk=visitor.pk).update(created_at=then, updated_at=then)


def test_it_anonymises_a_visitor_past_the_period_and_keeps_one_inside_it(
    settings, counsellor_a, centre_a
):
    settings.RETENTION_MONTHS = {"RS": 24}
    settings.RETENTION_MONTHS_DEFAULT = 120
    old = make_visitor(
        counsellor_a,
        centre_a,
        phone="+381 64 123 4567",
        email="ivana@example.org",
        municipality="Novi Sad",
        destinations=["DE"],
    )
    session = SessionFactory(
        visitor=old, counsellor=counsellor_a, date=_months_ago(30), notes="Wants to work in Ulm."
    )
    referral = ReferralFactory(
        visitor=old,
        created_by=counsellor_a,
        sent_on=_months_ago(30),
        status_changed_on=_months_ago(29),
        status=Referral.Status.SERVICE_RECEIVED,
        outcome="Got the job at Müller GmbH.",
    )
    _inactive_since(old, 30)
    recent = make_visitor(counsellor_a, centre_a, given_name="Marko", phone="+38160111222")
    SessionFactory(visitor=recent, counsellor=counsellor_a, date=_months_ago(3), notes="Call back.")
    _inactive_since(recent, 30)

    assert tasks.anonymise_inactive_visitors() == 1

    old.refresh_from_db()
    assert (old.given_name, old.family_name, old.phone, old.email, old.municipality) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert old.pin_hash == ""
    assert old.anonymised_at is not None
    assert (old.sex, old.year_of_birth, old.migration_status) == ("F", 1995, "potential_migrant")
    assert [str(c) for c in old.destinations] == ["DE"]
    session.refresh_from_db()
    referral.refresh_from_db()
    assert session.notes == ""
    assert referral.outcome == ""
    assert referral.status == Referral.Status.SERVICE_RECEIVED
    recent.refresh_from_db()
    assert recent.given_name == "Marko"
    assert recent.anonymised_at is None
    # A second run the same night finds nothing left to do.
    assert tasks.anonymise_inactive_visitors() == 0


def test_it_uses_the_period_of_the_registering_centres_country(
    settings, counsellor_a, centre_a, counsellor_b, centre_b
):
    settings.RETENTION_MONTHS = {"AL": 12}
    settings.RETENTION_MONTHS_DEFAULT = 60
    serbian = make_visitor(counsellor_a, centre_a)
    albanian = make_visitor(counsellor_b, centre_b, given_name="Besa")
    _inactive_since(serbian, 18)
    _inactive_since(albanian, 18)

    services.visitors_anonymise_inactive()

    serbian.refresh_from_db()
    albanian.refresh_from_db()
    assert serbian.given_name == "Ivana"
    assert albanian.given_name == ""


def test_it_leaves_a_report_for_a_past_period_unchanged(hand_counted):  # noqa: F811
    def figures():
        return {
            identifier: (
                indicator.total(Q1),
                {by: indicator.rows(Q1, (by,)) for by in indicator.disaggregations},
            )
            for identifier, indicator in registry.items()
        }

    before = figures()
    # Years later, with everyone of Q1 2026 long inactive.
    anonymised = services.visitors_anonymise_inactive(today=datetime.date(2040, 1, 1))

    assert anonymised == Visitor.objects.count() == 3
    assert not Visitor.objects.exclude(given_name="").exists()
    assert figures() == before


def test_it_previews_the_next_run_per_centre_within_the_managers_scope(
    login, settings, manager_a, counsellor_a, centre_a, counsellor_b, centre_b
):
    settings.RETENTION_MONTHS = {}
    settings.RETENTION_MONTHS_DEFAULT = 24
    for _ in range(2):
        _inactive_since(make_visitor(counsellor_a, centre_a), 30)
    _inactive_since(make_visitor(counsellor_b, centre_b), 30)  # another centre's
    make_visitor(counsellor_a, centre_a)  # active

    response = login(manager_a).get(reverse("counselling:retention_preview"))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row["centre"], row["count"]) for row in rows] == [(centre_a, 2)]
    assert response.context["total"] == 2
    tomorrow = localdate() + datetime.timedelta(days=1)
    assert rows[0]["cutoff"] == tomorrow - relativedelta(months=24)
    assert Visitor.objects.filter(anonymised_at__isnull=False).count() == 0


def test_it_schedules_the_retention_tasks_nightly():
    tasks_scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "counselling.tasks.anonymise_inactive_visitors" in tasks_scheduled
    assert "returns.tasks.delete_inactive_cvs" in tasks_scheduled
    assert "counselling.tasks.purge_idempotency_keys" in tasks_scheduled
