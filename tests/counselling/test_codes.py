import threading

import pytest
from django.db import connection

from counselling import codes, services
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
