"""Merges under concurrency (issue 16): real transactions in threads against PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from counselling import services
from counselling.models import AuditEvent, Session, Visitor, VisitorMerge
from tests.counselling.factories import SessionFactory, make_visitor


def _at_once(*calls):
    """Runs each call in its own thread (own connection, own transaction), started together;
    returns what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _sessions(visitor, counsellor, n):
    return [SessionFactory(visitor=visitor, counsellor=counsellor, topics=[]) for _ in range(n)]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_exactly_one_record_when_opposite_merges_run_at_once(manager_a, centre_a):
    for _ in range(5):
        a = make_visitor(manager_a, centre_a, given_name="Ana")
        b = make_visitor(manager_a, centre_a, given_name="Ana")
        sessions = _sessions(a, manager_a, 2) + _sessions(b, manager_a, 3)

        outcomes = _at_once(
            lambda a=a, b=b: services.visitor_merge(user=manager_a, keep=a, remove=b),
            lambda a=a, b=b: services.visitor_merge(user=manager_a, keep=b, remove=a),
        )

        a.refresh_from_db()
        b.refresh_from_db()
        kept = [v for v in (a, b) if v.merged_into_id is None]
        assert len(kept) == 1, outcomes
        assert sum(isinstance(o, Visitor) for o in outcomes) == 1
        assert Session.objects.filter(visitor=kept[0]).count() == len(sessions)
        visible = Visitor.objects.visible_to(manager_a)
        assert visible.filter(pk=kept[0].pk).exists()


@pytest.mark.django_db(transaction=True)
def test_it_leaves_no_chain_when_c_into_b_runs_while_b_into_a(manager_a, centre_a):
    for _ in range(5):
        a, b, c = (make_visitor(manager_a, centre_a) for _ in range(3))
        _sessions(c, manager_a, 2)

        _at_once(
            lambda b=b, c=c: services.visitor_merge(user=manager_a, keep=b, remove=c),
            lambda a=a, b=b: services.visitor_merge(user=manager_a, keep=a, remove=b),
        )

        merged = Visitor.objects.filter(pk__in=[a.pk, b.pk, c.pk], merged_into__isnull=False)
        for record in merged:
            assert record.merged_into.merged_into_id is None  # no chain
        kept = Visitor.objects.get(pk=c.pk).kept_record()
        assert kept.merged_into_id is None
        assert Session.objects.filter(visitor=kept).count() == 2


@pytest.mark.django_db(transaction=True)
def test_it_writes_one_audit_entry_when_the_same_merge_runs_twice_at_once(manager_a, centre_a):
    keep = make_visitor(manager_a, centre_a)
    remove = make_visitor(manager_a, centre_a)

    outcomes = _at_once(
        lambda: services.visitor_merge(user=manager_a, keep=keep, remove=remove),
        lambda: services.visitor_merge(user=manager_a, keep=keep, remove=remove),
    )

    assert all(isinstance(o, Visitor) and o.pk == keep.pk for o in outcomes)
    assert keep.audit_events.filter(action=AuditEvent.Action.MERGED).count() == 1
    assert VisitorMerge.objects.filter(removed=remove).count() == 1


@pytest.mark.django_db
def test_it_refuses_to_merge_into_a_merged_record(manager_a, centre_a):
    a, b, c = (make_visitor(manager_a, centre_a) for _ in range(3))
    services.visitor_merge(user=manager_a, keep=a, remove=b)

    with pytest.raises(services.ValidationError) as refused:
        services.visitor_merge(user=manager_a, keep=b, remove=c)

    assert a.code in str(refused.value)


@pytest.mark.django_db
def test_it_points_records_merged_before_at_the_new_kept_record(manager_a, centre_a):
    a, b, c = (make_visitor(manager_a, centre_a) for _ in range(3))
    services.visitor_merge(user=manager_a, keep=b, remove=c)
    services.visitor_merge(user=manager_a, keep=a, remove=b)

    c.refresh_from_db()
    assert c.merged_into_id == a.pk


@pytest.mark.django_db
def test_it_refuses_a_chain_written_behind_the_services_back(manager_a, centre_a):
    a, b, c = (make_visitor(manager_a, centre_a) for _ in range(3))
    Visitor.objects.filter(pk=b.pk).update(merged_into=a)

    with pytest.raises(IntegrityError), transaction.atomic():
        Visitor.objects.filter(pk=c.pk).update(merged_into=b)
    with pytest.raises(IntegrityError), transaction.atomic():
        Visitor.objects.filter(pk=a.pk).update(merged_into=c)  # a has b merged into it
    with pytest.raises(IntegrityError), transaction.atomic():
        Visitor.objects.filter(pk=c.pk).update(merged_into=c)


def _without_trigger():
    with connection.cursor() as cursor:
        # As the database was before migration 0015 (the test database user is a superuser).
        cursor.execute("SET session_replication_role = replica")


def _with_trigger():
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = origin")


@pytest.mark.django_db
def test_the_repair_command_fixes_cycles_and_chains_of_the_past(manager_a, centre_a, capsys):
    a, b = make_visitor(manager_a, centre_a), make_visitor(manager_a, centre_a)
    x, y, z = (make_visitor(manager_a, centre_a) for _ in range(3))
    _sessions(a, manager_a, 1)
    _sessions(b, manager_a, 2)
    _sessions(z, manager_a, 1)
    _without_trigger()
    Visitor.objects.filter(pk=a.pk).update(merged_into=b)  # a cycle: a -> b -> a
    Visitor.objects.filter(pk=b.pk).update(merged_into=a)
    Visitor.objects.filter(pk=z.pk).update(merged_into=y)  # a chain: z -> y -> x
    Visitor.objects.filter(pk=y.pk).update(merged_into=x)
    _with_trigger()

    call_command("repair_merges")

    output = capsys.readouterr().out
    a.refresh_from_db(), b.refresh_from_db(), z.refresh_from_db()
    assert a.merged_into_id is None  # the oldest of the cycle is kept
    assert b.merged_into_id == a.pk
    assert Session.objects.filter(visitor=a).count() == 3
    assert z.merged_into_id == x.pk
    assert Session.objects.filter(visitor=x).count() == 1
    assert f"{z.code}: now merged into {x.code}" in output
    assert a.code in output
    call_command("repair_merges")
    assert capsys.readouterr().out.strip() == "0 change(s)."


@pytest.mark.django_db
def test_an_old_code_leads_to_the_kept_record(client, login, manager_a, centre_a):
    a, b = make_visitor(manager_a, centre_a), make_visitor(manager_a, centre_a)
    services.visitor_merge(user=manager_a, keep=a, remove=b)
    login(manager_a)

    response = client.get(reverse("counselling:visitor_detail", args=[b.code]))

    assert response.status_code == 302
    assert response["Location"] == reverse("counselling:visitor_detail", args=[a.code])


@pytest.mark.django_db
def test_an_undo_within_30_days_restores_both(manager_a, centre_a):
    a, b = make_visitor(manager_a, centre_a), make_visitor(manager_a, centre_a)
    _sessions(a, manager_a, 1)
    _sessions(b, manager_a, 2)
    services.visitor_merge(user=manager_a, keep=a, remove=b)
    merge = VisitorMerge.objects.get(removed=b)

    services.visitor_merge_undo(user=manager_a, merge=merge)

    b.refresh_from_db()
    assert b.merged_into_id is None
    assert Session.objects.filter(visitor=a).count() == 1
    assert Session.objects.filter(visitor=b).count() == 2
    assert b.audit_events.filter(action=AuditEvent.Action.UNMERGED).exists()


@pytest.mark.django_db
def test_a_merge_is_final_after_30_days(manager_a, centre_a):
    a, b = make_visitor(manager_a, centre_a), make_visitor(manager_a, centre_a)
    services.visitor_merge(user=manager_a, keep=a, remove=b)
    merge = VisitorMerge.objects.get(removed=b)
    VisitorMerge.objects.filter(pk=merge.pk).update(merged_at=merge.merged_at - timedelta(days=31))
    merge.refresh_from_db()

    assert not merge.can_be_undone
    with pytest.raises(services.ValidationError):
        services.visitor_merge_undo(user=manager_a, merge=merge)


@pytest.mark.django_db
def test_the_desk_search_finds_the_kept_record_by_an_old_card(manager_a, centre_a):
    a, b = make_visitor(manager_a, centre_a), make_visitor(manager_a, centre_a)
    services.visitor_merge(user=manager_a, keep=a, remove=b)

    assert services.visitor_find_by_code(user=manager_a, raw_code=b.code) == a
