import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from counselling import codes, importer, services
from counselling.models import Topic, Visitor
from tests.counselling.factories import make_visitor


def test_it_builds_codes_from_country_centre_sequence_and_check():
    code = codes.format_code("RS", "NS", 42)
    assert code.startswith("RS-NS-0042-")
    assert codes.is_valid(code)


def test_it_catches_every_single_typo_and_adjacent_swap():
    for number in range(1, 400):
        code = codes.format_code("RS", "NS", number)
        if code is None:
            continue
        compact = code.replace("-", "")
        for i, char in enumerate(compact):
            for other in codes.ALPHABET:
                if other != char:
                    typo = compact[:i] + other + compact[i + 1 :]
                    assert not codes.is_valid(codes.normalise(typo)), (code, typo)
        for i in range(len(compact) - 1):
            if compact[i] != compact[i + 1]:
                swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
                assert not codes.is_valid(codes.normalise(swapped)), (code, swapped)


def test_it_skips_numbers_whose_check_would_be_a_star():
    skipped = [n for n in range(1, 200) if codes.format_code("RS", "NS", n) is None]
    assert skipped, "MOD 37-2 asks for the 37th value about once in 37 numbers"
    assert all(codes.check_value(codes.payload_of("RS", "NS", n)) == 36 for n in skipped)


def test_it_reads_codes_typed_loosely():
    code = codes.format_code("RS", "NS", 7)
    assert codes.normalise(code.lower().replace("-", " ")) == code
    assert codes.normalise(code.replace("-", "")) == code


def test_it_gives_new_visitors_codes_that_cannot_be_computed(
    counsellor_a, centre_a, counsellor_b, centre_b
):
    first = make_visitor(counsellor_a, centre_a)
    second = make_visitor(counsellor_a, centre_a, given_name="Marko")
    other = make_visitor(counsellor_b, centre_b)
    for visitor in (first, second, other):
        assert codes.is_valid(visitor.code)
        assert len(visitor.code.split("-")[2]) == codes.RANDOM_DIGITS
    assert first.code.startswith("RS-NS-")
    assert other.code.startswith("AL-TR-")
    numbers = [int(v.code.split("-")[2]) for v in (first, second)]
    assert abs(numbers[0] - numbers[1]) != 1, "not the next number of a sequence"
    sequential = {codes.format_code("RS", "NS", n) for n in range(1, 50)}
    assert not sequential & {first.code, second.code}


def test_it_keeps_accepting_codes_given_before_they_were_random():
    old = codes.format_code("RS", "NS", 42)
    assert old.startswith("RS-NS-0042-")
    assert codes.is_valid(old)
    assert codes.normalise(old.lower().replace("-", " ")) == old


def test_it_draws_numbers_that_do_not_repeat():
    drawn = {codes.random_code("RS", "NS") for _ in range(2000)}
    assert len(drawn) >= 1990
    assert all(codes.is_valid(code) for code in drawn)


@pytest.mark.django_db(transaction=True)
def test_it_never_gives_two_concurrent_registrations_the_same_code(centre_a):
    results, errors = [], []

    def allocate():
        try:
            for _ in range(10):
                results.append(services.visitor_code_allocate(centre=centre_a))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 40
    assert len(set(results)) == 40


def test_bulk_saved_visitors_get_codes_not_given_before_nor_twice(
    monkeypatch, counsellor_a, centre_a
):
    """An import's visitors draw their codes in bulk: a number already given, or drawn twice
    in the batch, is drawn again."""
    taken = make_visitor(counsellor_a, centre_a).code
    draws = iter([taken, "RS-NS-00000001-X", "RS-NS-00000001-X"])
    real = codes.random_code
    monkeypatch.setattr(codes, "random_code", lambda *a: next(draws, None) or real(*a))
    visitors = [
        Visitor(centre=centre_a, created_by=counsellor_a, sex="F", migration_status="student")
        for _ in range(3)
    ]
    services.visitors_save_with_codes(visitors)
    saved = list(Visitor.objects.exclude(code=taken).values_list("code", flat=True))
    assert len(saved) == len(set(saved)) == 3
    assert "RS-NS-00000001-X" in saved
    assert Visitor.objects.filter(code=taken).count() == 1


def test_bulk_saved_visitors_draw_again_when_a_concurrent_registration_took_a_code(
    monkeypatch, counsellor_a, centre_a
):
    """A code given by a transaction that committed after the look-up: the batch's insert
    fails on the unique code, is undone (savepoint) and drawn again; the import goes on."""
    taken = make_visitor(counsellor_a, centre_a).code
    real, calls = services._codes_draw, []

    def draw_then_clash(visitors):
        real(visitors)
        calls.append(len(visitors))
        if len(calls) == 1:
            visitors[0].code = taken  # as if the desk had just registered it

    monkeypatch.setattr(services, "_codes_draw", draw_then_clash)
    visitors = [
        Visitor(centre=centre_a, created_by=counsellor_a, sex="M", migration_status="student")
        for _ in range(3)
    ]
    with transaction.atomic():
        services.visitors_save_with_codes(visitors)
    assert calls == [3, 3]
    assert Visitor.objects.filter(code=taken).count() == 1
    assert Visitor.objects.exclude(code=taken).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_visitor_registers_while_an_import_of_4000_rows_is_still_open(
    manager_a, counsellor_a, centre_a
):
    """The desk does not wait for an import: the registration completes while the import's
    transaction (4,000 rows at the same centre) is still open."""
    Topic.objects.get_or_create(code="legal-channels", defaults={"name": "Legal channels"})
    lines = [
        # Two sessions per person, on different days (the same row twice is skipped).
        f",L-{n // 2},2024-03-0{1 + n % 2},,30,legal-channels,DE,F,1990,student,yes,"
        f"Ana,Test{n // 2}"
        for n in range(4000)
    ]
    rows = importer.read_rows(_csv(lines))
    imported, release, outcome = threading.Event(), threading.Event(), {}

    def run_import():
        try:
            with transaction.atomic():  # held open until the test has registered
                outcome["import"] = importer.sessions_import(
                    user=manager_a, centre=centre_a, rows=rows
                )
                imported.set()
                release.wait(timeout=120)
        except Exception as error:  # pragma: no cover - reported below
            outcome["import"] = error
            imported.set()
        finally:
            connection.close()

    def register():
        try:
            outcome["visitor"] = make_visitor(counsellor_a, centre_a, given_name="Desk")
        finally:
            connection.close()

    importing = threading.Thread(target=run_import)
    importing.start()
    assert imported.wait(timeout=300), "the import did not finish writing"
    desk = threading.Thread(target=register)
    desk.start()
    desk.join(timeout=60)
    registered_while_open = not desk.is_alive() and not release.is_set()
    release.set()
    importing.join()
    desk.join()

    assert registered_while_open
    assert outcome["import"].sessions == 4000
    assert Visitor.objects.filter(centre=centre_a).count() == 2001
    assert Visitor.objects.filter(pk=outcome["visitor"].pk).exists()


def _csv(lines):
    header = "visitor_code,legacy_ref,date,mode,duration_minutes,topics,destinations,sex,year_of_birth,migration_status,consent_service,given_name,family_name"  # noqa: E501
    text = "\n".join([header, *lines]) + "\n"
    return SimpleUploadedFile("log.csv", text.encode(), content_type="text/csv")
