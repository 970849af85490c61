"""Benchmark: `make bench` (PostgreSQL; its own database, msc_bench by default).

Fills the database once with 200 centres, 250,000 visitors, 1,000,000 sessions, 20,000 group
sessions and 100,000 attendances (bench/data.py, in SQL; skipped when they are there), then
measures in one run, each figure against a baseline measured in the same run on the same rows:

(a) the full network donor report (every indicator, every breakdown, XLSX) against the
    one-query anchor: one hand-written GROUPING SETS query with COUNT(DISTINCT visitor) over
    the same sessions and attendances (goal: report ≤ 2× the anchor, issue 14);
(b) the streamed research CSV export at 100,000 and 1,000,000 rows: peak memory (each size in
    a fresh process) and throughput against PostgreSQL's COPY of the same rows (issue 5);
(c) the pages and API lists of issue 14 for each role: p50/p95 and SQL queries per page, and
    20 counsellors browsing and logging sessions at once against gunicorn (bench/pages.py).

(d) the duplicate check at 250,000 visitors (bench/duplicates.py, issue 10): p95 < 100 ms,
    reported as a ratio to a plain indexed look-up.

Results are printed and written to bench/RESULTS.md with the machine's load average.
`bench/run.py --pages` runs (c) only, `--quick` shortens the concurrent run to 30 s.
"""

import datetime
import io
import json
import os
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
from django.db import connection  # noqa: E402

PERIOD = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def log(message: str) -> None:
    print(message, flush=True)


def generate() -> None:
    from bench import data

    if data.present():
        log("data present")
    else:
        data.generate(log)
    # VACUUM on every run: a bulk load, and the writes of an earlier run (the duplicate check's
    # bench names every visitor once; the concurrent counsellors log sessions), leave the
    # visibility map unset, and without it the planner prices index-only scans of the scope
    # indexes as heap visits and scans whole tables (seen: coordinator lists 3× slower).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


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


def anchor_query(dimensions: list[str]) -> None:
    """The one-query anchor: the report's contact figures by hand, one GROUPING SETS query."""
    columns = {
        "country": "c.country",
        "centre": "c.name",
        "sex": "v.sex",
        "age_band": AGE_BAND_SQL % {"year": PERIOD[1].year},
        "purpose": "v.intention_purpose",
        "mode": "x.mode",
    }
    names = [name for name in dimensions if name in columns]
    sets = ["()", "(d_country)"]
    sets += [f"(d_country, d_{name})" for name in names if name != "country"]
    sets += [f"(d_{name})" for name in names if name != "country"]
    select = ", ".join(f"{columns[name]} AS d_{name}" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {", ".join(f"d_{name}" for name in names)},
                   count(*) FILTER (WHERE kind = 's'),
                   count(DISTINCT visitor_id) FILTER (WHERE kind = 's'),
                   count(DISTINCT visitor_id)
            FROM (
                SELECT {select}, x.kind, x.visitor_id FROM (
                    SELECT 's' AS kind, visitor_id, centre_id, date, mode
                    FROM counselling_session
                    UNION ALL
                    SELECT 'a', a.visitor_id, g.centre_id, g.date, NULL
                    FROM counselling_groupattendance a
                    JOIN counselling_groupsession g ON g.id = a.group_session_id
                ) x
                JOIN counselling_visitor v ON v.id = x.visitor_id
                JOIN centres_centre c ON c.id = x.centre_id
                WHERE x.date BETWEEN %s AND %s
            ) rows
            GROUP BY GROUPING SETS ({", ".join(sets)})
            """,
            PERIOD,
        )
        cursor.fetchall()


def measure_aggregation() -> dict:
    from django.test.utils import CaptureQueriesContext

    from reports.indicators import DISAGGREGATIONS, ReportQuery, registry
    from reports.renderers import write_xlsx
    from reports.report_data import build_report

    query = ReportQuery(start=PERIOD[0], end=PERIOD[1])
    ids, dims = sorted(registry), list(DISAGGREGATIONS)

    def report():
        return write_xlsx(build_report(query=query, indicator_ids=ids, disaggregations=dims))

    with CaptureQueriesContext(connection) as captured:
        xlsx = report()
    report_s = best_of(3, report)
    anchor_s = best_of(3, lambda: anchor_query(dims))
    return {
        "indicators": len(ids),
        "queries": len(captured),
        "report_s": report_s,
        "anchor_s": anchor_s,
        "ratio": report_s / anchor_s,
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


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


NOTES_MARKER = "<!-- Notes and earlier runs below: written by hand, kept by `make bench`. -->"


def write_results(machine: str, loads: dict, aggregation, export, pages, crowd) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"`make bench`, {datetime.datetime.now():%Y-%m-%d %H:%M}. {machine}. Data: 200 centres, "
        "250,000 visitors, 1,000,000 sessions and 100,000 group attendances in 2025 "
        "(bench/data.py). Load average (1 / 5 / 15 min) at each part: "
        + "; ".join(f"{part} {value}" for part, value in loads.items())
        + ". The machine is shared: read the ratios more than the milliseconds.",
        "",
    ]
    if pages:
        floor = pages["floor"]
        lines += [
            "## Pages and API lists (issue 14)",
            "",
            f"Sequential, signed in as each persona (Django test Client, in process). Baseline in "
            f"the same run: `/healthz` p50 {floor * 1000:.1f} ms (the request floor).",
            "",
            "| role | page | p50 ms | p95 ms | p95 / goal | queries | n |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for row in pages["rows"]:
            lines.append(
                f"| {row['role']} | {row['page']} | {row['p50'] * 1000:.0f} | "
                f"{row['p95'] * 1000:.0f} | {row['p95'] / row['goal']:.2f} | {row['queries']} | "
                f"{row['n']} |"
            )
        lines.append("")
    if crowd:
        lines += [
            "## 20 counsellors at once",
            "",
            f"gunicorn, 3 workers; each counsellor of another centre: home, visitor list, search "
            f"by name, a visitor, the session form, log a session, for {crowd['seconds']:.0f} s. "
            f"{crowd['requests']} requests, {crowd['errors']} errors "
            f"({100 * crowd['error_rate']:.1f} %), p50 {crowd['p50'] * 1000:.0f} ms, p95 "
            f"{crowd['p95'] * 1000:.0f} ms (goal: 0 errors, p95 ≤ 300 ms). p95 by page: "
            + ", ".join(f"{page} {p95 * 1000:.0f} ms" for page, p95 in crowd["pages"].items())
            + ".",
            "",
        ]
    if aggregation:
        lines += [
            "## Donor report vs the one-query anchor",
            "",
            f"Full network report, {aggregation['indicators']} indicators, every breakdown, "
            f"XLSX: {aggregation['report_s']:.2f} s, {aggregation['queries']} SQL queries. "
            f"Anchor (one hand-written GROUPING SETS query, COUNT(DISTINCT visitor), same rows): "
            f"{aggregation['anchor_s']:.2f} s. Ratio **{aggregation['ratio']:.2f}×** "
            "(goal ≤ 2×).",
            "",
        ]
    if export:
        lines += [
            "## Streamed research CSV export (issue 5)",
            "",
            f"Memory growth 100k → 1M rows {export['growth_mb']:.1f} MB (goal ≤ 100 MB); "
            f"throughput {export['share']:.1f} % of COPY (goal ≥ 10 %).",
            "",
        ]
    # What follows the marker (notes, earlier runs) is written by hand and kept as it is.
    path = ROOT / "bench" / "RESULTS.md"
    earlier = path.read_text() if path.exists() else ""
    kept = earlier[earlier.index(NOTES_MARKER) :] if NOTES_MARKER in earlier else ""
    path.write_text("\n".join([*lines, kept]) if kept else "\n".join(lines))


def main() -> None:
    from bench import pages as page_bench

    only_pages = "--pages" in sys.argv
    call_command("migrate", verbosity=0)
    generate()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    python = f"Python {sys.version.split()[0]} ({os.path.realpath(sys.executable)})"
    machine = f"{os.cpu_count()} cores, PostgreSQL {version}, {python}"
    log(f"machine: {machine}; load {load()}")
    loads, aggregation, export = {}, None, None

    log("\n(c) pages and API lists, sequential")
    loads["pages"] = load()
    floor = page_bench.measure_floor()
    log(f"  baseline /healthz p50 {floor * 1000:.1f} ms")
    pages = {"floor": floor, "rows": page_bench.measure_pages(log)}
    log("\n(c) 20 counsellors at once")
    loads["concurrent"] = load()
    crowd = page_bench.measure_concurrency(log, seconds=30.0 if "--quick" in sys.argv else 120.0)

    if not only_pages:
        log("\n(a) full network report vs the one-query anchor")
        loads["report"] = load()
        aggregation = measure_aggregation()
        log(
            f"  report {aggregation['report_s']:.3f} s ({aggregation['indicators']} indicators, "
            f"{aggregation['queries']} queries, XLSX {aggregation['xlsx_bytes']:,} B), anchor "
            f"{aggregation['anchor_s']:.3f} s: ratio {aggregation['ratio']:.2f}× (goal ≤ 2×)"
        )

        log("\n(b) streamed research CSV export")
        loads["export"] = load()
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
        export = {"growth_mb": growth_mb, "share": 100 * export_rate / copy_rate}
    write_results(machine, loads, aggregation, export, pages, crowd)
    log("\nwritten to bench/RESULTS.md")

    from duplicates import report as duplicate_check_report  # bench/duplicates.py

    duplicate_check_report()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--export":
        export_child(int(sys.argv[2]))
    else:
        main()
