"""Donor-report benchmark: `make bench` (PostgreSQL; its own database, msc_bench by default).

Fills the database once with 200 centres, 250,000 visitors and 1,000,000 sessions (skipped when
they are there), then measures in one run, each figure against a baseline measured in the same
run on the same rows:

(a) the network report's aggregation (the counselling indicators by country, sex and age band,
    as build_report asks for them) against hand-written SQL GROUP BY queries for the same figures;
(b) the XLSX of that report; and the streamed research CSV export at 100,000 and 1,000,000 rows:
    peak memory (each size in a fresh process) and throughput against PostgreSQL's COPY of the
    same rows.

Targets (issue 5): aggregation ≤ 1.5× the SQL baseline; memory growth ≤ 100 MB from 100k to 1M
rows; CSV throughput ≥ 10% of COPY.

(c) The duplicate check at 250,000 visitors (bench/duplicates.py, issue 10): p95 < 100 ms,
    reported as a ratio to a plain indexed look-up.
"""

import datetime
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msc_portal.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/msc_bench")

import django  # noqa: E402
import environ  # noqa: E402
import psycopg2  # noqa: E402


def ensure_database() -> None:
    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()


if __name__ == "__main__" and "--export" not in sys.argv:
    ensure_database()
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

CENTRES, VISITORS, SESSIONS = 200, 250_000, 1_000_000
PERIOD = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
COUNTRIES = ["AL", "BA", "XK", "ME", "MK", "RS"]
BATCH = 20_000


def log(message: str) -> None:
    print(message, flush=True)


def generate() -> None:
    from accounts.models import Role, User
    from centres.models import Centre
    from counselling.models import Session, Topic, Visitor

    if Session.objects.count() >= SESSIONS:
        log(f"data present: {Session.objects.count():,} sessions")
        return
    log("generating data (once)…")
    rng = random.Random(2026)
    with transaction.atomic():
        Session.topics.through.objects.all().delete()
        Session.objects.all().delete()
        Visitor.objects.all().delete()
        Centre.objects.all().delete()
        centres = Centre.objects.bulk_create(
            Centre(
                name=f"Centre {n}",
                code=f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}",
                country=COUNTRIES[n % 6],
                city=f"City {n}",
                host_office="Employment service",
            )
            for n in range(CENTRES)
        )
        counsellor, _ = User.objects.get_or_create(
            email="bench@example.org",
            defaults={"full_name": "Bench", "role": Role.COUNSELLOR},
        )
        statuses = ["potential_migrant", "returnee", "migrant_worker", "student", "other"]
        destinations = ["DE", "AT", "IT", "DE,AT", "CH", "FR", ""]
        for start in range(0, VISITORS, BATCH):
            Visitor.objects.bulk_create(
                Visitor(
                    code=f"BN-{n:07d}",
                    centre=centres[n % CENTRES],
                    sex=rng.choice("FFMMX"),
                    year_of_birth=rng.randint(1950, 2010),
                    migration_status=rng.choice(statuses),
                    destinations=rng.choice(destinations),
                    intention_purpose=rng.choice(["work", "study", "family", ""]),
                    consent_service=False,
                    # Everyone agreed to research use, so that the export has a million rows.
                    consent_research=True,
                    created_by=counsellor,
                )
                for n in range(start, min(start + BATCH, VISITORS))
            )
        visitor_ids = list(Visitor.objects.values_list("pk", "centre_id"))
        topics = list(Topic.objects.values_list("pk", flat=True))
        days = (PERIOD[1] - PERIOD[0]).days
        for start in range(0, SESSIONS, BATCH):
            batch = []
            for _n in range(start, min(start + BATCH, SESSIONS)):
                visitor_id, centre_id = rng.choice(visitor_ids)
                batch.append(
                    Session(
                        visitor_id=visitor_id,
                        centre_id=centre_id,
                        counsellor=counsellor,
                        date=PERIOD[0] + datetime.timedelta(days=rng.randint(0, days)),
                        mode=rng.choice(["in_person", "phone", "online"]),
                        duration_minutes=rng.choice([15, 30, 45, 60]),
                        services=["information"],
                    )
                )
            created = Session.objects.bulk_create(batch)
            Session.topics.through.objects.bulk_create(
                Session.topics.through(session_id=s.pk, topic_id=rng.choice(topics))
                for s in created[::3]
            )
            log(f"  {start + len(batch):,} sessions")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


AGE_BAND_SQL = """
    CASE WHEN v.year_of_birth IS NULL THEN 'unknown'
         WHEN %(year)s - v.year_of_birth <= 14 THEN '0-14'
         WHEN %(year)s - v.year_of_birth <= 17 THEN '15-17'
         WHEN %(year)s - v.year_of_birth <= 24 THEN '18-24'
         WHEN %(year)s - v.year_of_birth <= 34 THEN '25-34'
         WHEN %(year)s - v.year_of_birth <= 44 THEN '35-44'
         WHEN %(year)s - v.year_of_birth <= 54 THEN '45-54'
         WHEN %(year)s - v.year_of_birth <= 64 THEN '55-64'
         ELSE '65+' END
"""


def sql_baseline(groupings: list[tuple[str, tuple[str, ...]]]) -> None:
    """The same figures as the report, each one hand-written GROUP BY query."""
    columns = {
        "country": "c.country",
        "sex": "v.sex",
        "age_band": AGE_BAND_SQL % {"year": PERIOD[1].year},
    }
    measures = {
        "visitors_counselled": "count(DISTINCT s.visitor_id)",
        "individual_sessions": "count(*)",
    }
    with connection.cursor() as cursor:
        for identifier, by in groupings:
            select = ", ".join(columns[name] for name in by)
            group = f"GROUP BY {select}" if by else ""
            # Join only what the grouping needs, as a person writing the SQL by hand would.
            joins = ""
            if {"sex", "age_band"} & set(by):
                joins += " JOIN counselling_visitor v ON v.id = s.visitor_id"
            if "country" in by:
                joins += " JOIN centres_centre c ON c.id = s.centre_id"
            cursor.execute(
                f"SELECT {select + ',' if by else ''} {measures[identifier]} "
                f"FROM counselling_session s{joins} WHERE s.date BETWEEN %s AND %s {group}",
                PERIOD,
            )
            cursor.fetchall()


def measure_aggregation() -> dict:
    from reports import indicators
    from reports.indicators import ReportQuery
    from reports.report_data import build_report

    query = ReportQuery(start=PERIOD[0], end=PERIOD[1])
    ids = ["visitors_counselled", "individual_sessions"]
    dims = ["country", "sex", "age_band"]

    # Record the groupings the report asks the database for, to replay them as raw SQL.
    groupings: list[tuple[str, tuple[str, ...]]] = []
    originals = {i: indicators.registry[i].compute for i in ids}
    for identifier in ids:
        original = originals[identifier]

        def recording(q, by, _identifier=identifier, _original=original):
            groupings.append((_identifier, tuple(by)))
            return _original(q, by)

        object.__setattr__(indicators.registry[identifier], "compute", recording)
    build_report(query=query, indicator_ids=ids, disaggregations=dims)
    for identifier in ids:
        object.__setattr__(indicators.registry[identifier], "compute", originals[identifier])

    report = best_of(3, lambda: build_report(query=query, indicator_ids=ids, disaggregations=dims))
    baseline = best_of(3, lambda: sql_baseline(groupings))
    data = build_report(query=query, indicator_ids=ids, disaggregations=dims)
    from reports.renderers import write_xlsx

    started = time.perf_counter()
    xlsx = write_xlsx(data)
    xlsx_seconds = time.perf_counter() - started
    return {
        "queries": len(groupings),
        "report_s": report,
        "sql_s": baseline,
        "ratio": report / baseline,
        "xlsx_s": xlsx_seconds,
        "xlsx_bytes": len(xlsx),
    }


def export_child(limit: int) -> None:
    """Runs in a fresh process: streams `limit` research rows to a file, prints its figures."""
    import csv

    from counselling.exports import ResearchExport

    exporter = ResearchExport()
    parameters = {"start": PERIOD[0].isoformat(), "end": PERIOD[1].isoformat()}
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    rows = 0
    with open(os.devnull, "w", newline="") as sink:
        writer = csv.writer(sink)
        writer.writerow(exporter.header(parameters))
        for row in exporter.rows(parameters, None):
            writer.writerow(row)
            rows += 1
            if rows >= limit:
                break
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_kb": peak, "start_kb": before}))


def measure_export(limit: int) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--export", str(limit)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_copy(limit: int) -> dict:
    sql = (
        "COPY (SELECT s.id, s.visitor_id, s.date, c.country, c.code, v.sex, v.year_of_birth, "
        "v.migration_status, v.education, v.employment_status, v.occupation, v.destinations, "
        "v.intention_purpose, v.intention_timeframe, v.has_job_offer, s.mode, "
        "s.duration_minutes, s.services, s.destinations "
        "FROM counselling_session s JOIN counselling_visitor v ON v.id = s.visitor_id "
        "JOIN centres_centre c ON c.id = s.centre_id "
        f"WHERE v.consent_research AND s.date BETWEEN '{PERIOD[0]}' AND '{PERIOD[1]}' "
        f"ORDER BY s.id LIMIT {limit}) TO STDOUT WITH CSV"
    )

    class Sink(io.RawIOBase):
        def writable(self):
            return True

        def write(self, data):
            return len(data)

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.copy_expert(sql, Sink())
        return {"rows": limit, "seconds": time.perf_counter() - started}


def main() -> None:
    call_command("migrate", verbosity=0)
    generate()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    log(f"machine: {os.cpu_count()} cores, PostgreSQL {version}, Python {sys.version.split()[0]}")
    log("\n(a) network report aggregation vs hand-written SQL GROUP BY")
    aggregation = measure_aggregation()
    log(
        f"  report {aggregation['report_s']:.3f} s, SQL {aggregation['sql_s']:.3f} s "
        f"({aggregation['queries']} GROUP BY queries each): "
        f"ratio {aggregation['ratio']:.2f}× (goal ≤ 1.5×)"
    )
    log(f"  XLSX of the report: {aggregation['xlsx_s']:.3f} s, {aggregation['xlsx_bytes']:,} B")

    log("\n(b) streamed research CSV export")
    small, large = measure_export(100_000), measure_export(1_000_000)
    growth_mb = (large["peak_kb"] - small["peak_kb"]) / 1024
    copy = measure_copy(large["rows"])
    export_rate = large["rows"] / large["seconds"]
    copy_rate = copy["rows"] / copy["seconds"]
    log(
        f"  100k rows: {small['seconds']:.1f} s, peak RSS {small['peak_kb'] / 1024:.0f} MB; "
        f"{large['rows']:,} rows: {large['seconds']:.1f} s, peak RSS "
        f"{large['peak_kb'] / 1024:.0f} MB"
    )
    log(f"  memory growth 100k → 1M rows: {growth_mb:.1f} MB (goal ≤ 100 MB)")
    log(
        f"  throughput {export_rate:,.0f} rows/s vs COPY {copy_rate:,.0f} rows/s: "
        f"{100 * export_rate / copy_rate:.1f}% of COPY (goal ≥ 10%)"
    )

    from duplicates import report as duplicate_check_report  # bench/duplicates.py

    duplicate_check_report()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--export":
        export_child(int(sys.argv[2]))
    else:
        main()
