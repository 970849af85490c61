"""Duplicate-check benchmark (issue 10): the network-wide probable-match check at 250,000
visitors, as the registration page runs it, against a plain indexed look-up (exact family and
given name, the check before issue 10) measured in the same run on the same rows.

`make bench` runs it after the donor-report figures, on the same database (bench/run.py's
visitors get names, phones and some ID numbers once, by one UPDATE). Alone:
    DATABASE_URL=postgres://…/msc_bench_dup python bench/duplicates.py
creates its own 250,000 named visitors (about a minute) when the database has fewer.

Goal: p95 of the check under 100 ms on the demo machine; the ratio to the plain look-up is
reported so that figures from different machines compare.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msc_portal.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/msc_bench")

VISITORS = 250_000
PROBES = 300
BATCH = 20_000
GIVEN = [
    "Ana",
    "Marko",
    "Ivana",
    "Nikola",
    "Jelena",
    "Stefan",
    "Milica",
    "Luka",
    "Marija",
    "Petar",
    "Elena",
    "Dragan",
    "Sara",
    "Filip",
    "Arben",
    "Blerta",
    "Dritan",
    "Elira",
    "Besnik",
    "Arta",
    "Edin",
    "Amra",
    "Haris",
    "Lejla",
    "Emir",
    "Selma",
    "Goran",
    "Vesna",
    "Zoran",
    "Snežana",
    "Željko",
    "Đorđe",
    "Ljubica",
    "Njegoš",
    "Čedomir",
    "Šefika",
    "Ćamil",
    "Mirjana",
    "Bojan",
    "Tamara",
]
FAMILY = [
    "Petrović",
    "Jovanović",
    "Nikolić",
    "Marković",
    "Đorđević",
    "Stojanović",
    "Ilić",
    "Stanković",
    "Pavlović",
    "Milošević",
    "Testović",
    "Kovačević",
    "Hadžić",
    "Hodžić",
    "Begović",
    "Mehmedović",
    "Delić",
    "Šehić",
    "Ćosić",
    "Čolić",
    "Krasniqi",
    "Gashi",
    "Berisha",
    "Hoxha",
    "Shehu",
    "Morina",
    "Kelmendi",
    "Leka",
    "Dervishi",
    "Basha",
    "Stojanovski",
    "Petrovski",
    "Nikolovski",
    "Trajkovski",
    "Dimitrovski",
    "Georgievski",
    "Popović",
    "Vuković",
    "Radović",
    "Bošković",
    "Lukić",
    "Perić",
    "Šarić",
    "Zorić",
    "Božić",
    "Mitrović",
    "Savić",
    "Tomić",
    "Knežević",
    "Babić",
]


def log(message: str) -> None:
    print(message, flush=True)


def _phone(rng) -> str:
    return f"+3816{rng.randrange(10**8):08d}"


def ensure_identities() -> None:
    """Named visitors to match against: bench/run.py's anonymous rows get identities once;
    an empty database gets VISITORS of its own."""
    from django.db import connection, transaction

    from accounts.models import Role, User
    from centres.models import Centre
    from counselling.models import Visitor

    named = Visitor.objects.exclude(family_name="").count()
    if named >= VISITORS * 0.9:
        log(f"named visitors present: {named:,}")
        return
    rng = random.Random(2026)
    if Visitor.objects.count() >= VISITORS * 0.9:
        log("giving the bench visitors names, phones and ID numbers (once)…")
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE counselling_visitor SET
                    consent_service = true,
                    given_name = (%s::text[])[1 + (id * 7) %% %s],
                    family_name = (%s::text[])[1 + (id * 13) %% %s],
                    phone = '+3816' || lpad(((id * 7919) %% 100000000)::text, 8, '0'),
                    id_number = CASE WHEN id %% 3 = 0 THEN 'ID' || (id * 31) ELSE '' END
                """,
                [GIVEN, len(GIVEN), FAMILY, len(FAMILY)],
            )
            cursor.execute("ANALYZE counselling_visitor")
        return
    log(f"generating {VISITORS:,} named visitors (once)…")
    with transaction.atomic():
        centres = list(Centre.objects.all()[:200])
        if not centres:
            centres = Centre.objects.bulk_create(
                Centre(
                    name=f"Centre {n}",
                    code=f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}",
                    country=["AL", "BA", "XK", "ME", "MK", "RS"][n % 6],
                    city=f"City {n}",
                    host_office="Employment service",
                )
                for n in range(200)
            )
        user, _ = User.objects.get_or_create(
            email="bench@example.org", defaults={"full_name": "Bench", "role": Role.COUNSELLOR}
        )
        for start in range(0, VISITORS, BATCH):
            Visitor.objects.bulk_create(
                Visitor(
                    code=f"BD-{n:07d}",
                    centre=centres[n % len(centres)],
                    given_name=rng.choice(GIVEN),
                    family_name=rng.choice(FAMILY),
                    phone=_phone(rng),
                    id_number=f"ID{n * 31}" if n % 3 == 0 else "",
                    sex=rng.choice("FM"),
                    year_of_birth=rng.randint(1950, 2008),
                    migration_status="potential_migrant",
                    consent_service=True,
                    created_by=user,
                )
                for n in range(start, min(start + BATCH, VISITORS))
            )
            log(f"  {start + BATCH:,} visitors")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE counselling_visitor")


def _plain(given: str, family: str) -> str:
    from counselling.duplicates import name_key

    return name_key(given, family).title().split(" ", 1)[-1]


def _probes(rng) -> list[dict]:
    """What counsellors type: a third existing people typed without diacritics, a third
    existing phones typed locally, a third new people."""
    from counselling.models import Visitor

    sample = list(
        Visitor.objects.exclude(family_name="")
        .order_by("?")
        .values("given_name", "family_name", "year_of_birth", "phone")[: PROBES // 3 * 2]
    )
    probes = []
    for n, row in enumerate(sample):
        if n % 2:
            probes.append({"phone": "0" + row["phone"][4:]})
        else:
            probes.append(
                {
                    "given_name": row["given_name"],
                    "family_name": _plain(row["given_name"], row["family_name"]),
                    "year_of_birth": row["year_of_birth"],
                }
            )
    while len(probes) < PROBES:
        probes.append(
            {
                "given_name": rng.choice(GIVEN),
                "family_name": rng.choice(FAMILY) + "ski",
                "year_of_birth": rng.randint(1950, 2008),
                "phone": _phone(rng),
            }
        )
    rng.shuffle(probes)
    return probes


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def measure() -> dict:
    from counselling.duplicates import probable_matches
    from counselling.models import Visitor

    rng = random.Random(7)
    probes = _probes(rng)
    check, plain, found = [], [], 0
    for _round in range(2):  # the first round warms the caches; the second is measured
        check.clear(), plain.clear()
        for probe in probes:
            started = time.perf_counter()
            found += bool(list(probable_matches(**probe)))
            check.append(time.perf_counter() - started)
            started = time.perf_counter()
            list(
                Visitor.objects.filter(
                    given_name=probe.get("given_name", ""),
                    family_name=probe.get("family_name", ""),
                    year_of_birth=probe.get("year_of_birth"),
                )[:20]
            )
            plain.append(time.perf_counter() - started)
    return {
        "check_p95_ms": 1000 * _p95(check),
        "plain_p95_ms": 1000 * _p95(plain),
        "ratio": _p95(check) / _p95(plain),
        "found": found // 2,
        "probes": len(probes),
        "visitors": Visitor.objects.count(),
    }


def report() -> None:
    ensure_identities()
    result = measure()
    log(f"\n(c) duplicate check at {result['visitors']:,} visitors ({result['probes']} probes)")
    log(
        f"  probable-match check p95 {result['check_p95_ms']:.1f} ms (goal < 100 ms), "
        f"plain indexed look-up p95 {result['plain_p95_ms']:.1f} ms: "
        f"ratio {result['ratio']:.1f}×; {result['found']} probes found a match"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    from run import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    report()
