"""Fault test (issue 15), run by .ci/run after `make test`: real Celery workers on PostgreSQL and
Redis are SIGKILLed (main process and children) at random moments while they render report
runs; every run must end exactly once, with the figures and file of an uninterrupted render,
within 120 s. Then a backup is restored into a fresh database that serves the same figures.

Its own database (msc_faults) and Redis index (14). Usage: python .ci/faults.py [--kills N]
"""

import argparse
import contextlib
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("FAULTS_PG", "postgres://postgres@127.0.0.1:5432")
DB, RESTORED_DB = "msc_faults", "msc_faults_restored"
REDIS = os.environ.get("FAULTS_REDIS_URL", "redis://127.0.0.1:6379/14")
BOUND = 120  # seconds from the last kill that hit a run to its end
WORK = Path(tempfile.mkdtemp(prefix="msc-faults-"))
ENV = {
    **os.environ,
    "DATABASE_URL": f"{PG}/{DB}",
    "REDIS_URL": REDIS,
    "CELERY_BROKER_URL": REDIS,
    "CELERY_TASK_ALWAYS_EAGER": "false",
    "MEDIA_ROOT": str(WORK / "media"),
    "DEMO_MODE": "false",
    "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
    "PYTHONPATH": str(ROOT),
}
PY = sys.executable
CELERY = [PY, "-m", "celery", "-A", "msc_portal"]


def log(message: str) -> None:
    print(f"[faults {time.strftime('%H:%M:%S')}] {message}", flush=True)


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True, capture_output=True)


def fresh_database(name: str) -> None:
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name}")


def manage(*args: str, env=None) -> str:
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env or ENV, check=True, capture_output=True
    )
    return done.stdout.decode()


class Worker:
    """A `celery worker` in its own process group, so that one SIGKILL takes all of it."""

    def __init__(self):
        self.log = open(WORK / "worker.log", "ab")  # noqa: SIM115 (closed in kill)
        self.process = subprocess.Popen(
            [
                *CELERY,
                "worker",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                "-n",
                "faults@%h",
            ],
            cwd=ROOT,
            env=ENV,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.log.close()


def setup_django():
    os.environ.update(ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "msc_portal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def parameter_sets() -> list[tuple[str, dict]]:
    from reports.indicators import registry

    indicators = sorted(registry)
    sets = []
    for year in range(2026, 2032):
        for output_format in ("csv", "pdf"):
            parameters = {
                "start": f"{year}-01-01",
                "end": f"{year}-12-31",
                "countries": [],
                "centre_ids": [],
                "indicators": indicators,
                "disaggregations": ["country", "centre"],
                "suppression": True,
                "project": None,
                "language": "en",
            }
            sets.append((output_format, parameters))
    return sets


def make_world() -> None:
    """Staff at three centres, with the indicators' data for several years."""
    from accounts.models import CentreMembership
    from tests.accounts.factories import UserFactory
    from tests.centres.factories import CentreFactory

    centres = [CentreFactory(country=c) for c in ("RS", "AL", "RS")]
    for index, centre in enumerate(centres):
        UserFactory.create_batch(6 + index, centres=[centre])
    CentreMembership.objects.update(since="2025-06-01")
    UserFactory(email="programme@example.org", role="programme_manager")


def digest(run) -> tuple[str, str]:
    content = run.file.open("rb").read()
    run.file.close()
    return json.dumps(run.figures, sort_keys=True), hashlib.sha256(content).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=20)
    options = parser.parse_args()
    random.seed(os.environ.get("FAULTS_SEED") or None)

    log(f"fresh database {DB}, media in {WORK}")
    fresh_database(DB)
    manage("migrate", "--noinput")
    subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=True, capture_output=True)
    setup_django()
    from celery import current_app
    from django.utils import timezone

    from accounts.models import User
    from reports import services
    from reports.models import ReportRun

    make_world()
    manager = User.objects.get(email="programme@example.org")
    sets = parameter_sets()

    # Uninterrupted renders, in this process: what every run must produce.
    expected = {}
    for output_format, parameters in sets:
        run = ReportRun.objects.create(
            exporter="indicators",
            output_format=output_format,
            parameters=parameters,
            fingerprint=f"reference-{len(expected)}",
            requested_by=manager,
        )
        services.report_run_render(run_id=run.pk)
        run.refresh_from_db()
        assert run.status == ReportRun.Status.DONE, run.message
        figures, content = digest(run)
        expected[run.fingerprint_of("indicators", output_format, parameters)] = (
            figures,
            content if output_format == "csv" else None,  # a PDF carries its creation time
        )
    log(f"{len(expected)} reference renders made")
    current_app.conf.task_always_eager = False

    beat = subprocess.Popen(
        [*CELERY, "beat", "--loglevel=WARNING", "-s", str(WORK / "beat-schedule")],
        cwd=ROOT,
        env=ENV,
        stdout=open(WORK / "beat.log", "ab"),  # noqa: SIM115 (the child keeps it)
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    runs: dict = {}  # run id -> when the last kill found it in progress (None: never)
    cycle = 0

    def ask_for_more() -> None:
        """Three more runs, of parameter sets none of whose runs is still open."""
        nonlocal cycle
        open_sets = set(
            ReportRun.objects.filter(pk__in=runs)
            .exclude(status=ReportRun.Status.DONE)
            .values_list("fingerprint", flat=True)
        )
        asked = 0
        for _ in range(len(sets)):
            output_format, parameters = sets[cycle % len(sets)]
            cycle += 1
            fingerprint = ReportRun.fingerprint_of("indicators", output_format, parameters)
            if fingerprint in open_sets:
                continue
            run, _created = services.report_run_request(
                user=manager,
                exporter="indicators",
                output_format=output_format,
                parameters=parameters,
            )
            runs.setdefault(run.pk, None)
            asked += 1
            if asked == 3:
                return

    started = time.monotonic()
    killed_busy = 0
    worker = None
    try:
        for kill in range(1, options.kills + 1):
            ask_for_more()
            worker, since = Worker(), timezone.now()
            # A random moment while this worker renders: once it has started a run, 0-1.5 s more.
            deadline = time.monotonic() + 30
            while (
                time.monotonic() < deadline
                and not ReportRun.objects.filter(
                    pk__in=runs, status="running", started_at__gte=since
                ).exists()
            ):
                time.sleep(0.2)
            time.sleep(random.uniform(0.0, 1.5))
            in_progress = list(
                ReportRun.objects.in_progress().filter(pk__in=runs).values_list("pk", "status")
            )
            worker.kill()
            now = timezone.now()
            for pk, _status in in_progress:
                runs[pk] = now
            rendering = sum(status == "running" for _pk, status in in_progress)
            killed_busy += bool(rendering)
            log(f"kill {kill}: {len(in_progress)} runs in progress ({rendering} running)")
        last_kill = time.monotonic()
        worker = Worker()
        log("last worker started; waiting for every run to end")
        retried = set()
        while time.monotonic() - last_kill < BOUND + 30:
            # A run its worker lost twice is failed with a reason; the requester retries it.
            for run in ReportRun.objects.filter(pk__in=runs, status="failed"):
                if run.pk not in retried and "stopped twice" in run.message:
                    log(f"run {run.pk} failed after two lost workers; retried as a user would")
                    services.report_run_retry(run=run)
                    retried.add(run.pk)
                    runs[run.pk] = timezone.now()
            if not ReportRun.objects.in_progress().filter(pk__in=runs).exists():
                break
            time.sleep(1)
    finally:
        if worker is not None:
            worker.kill()
        os.killpg(beat.pid, signal.SIGKILL)
        beat.wait()

    failures = []
    for run in ReportRun.objects.filter(pk__in=runs):
        if run.status != ReportRun.Status.DONE:
            failures.append(f"run {run.pk}: {run.status} {run.message!r} (stuck or lost)")
            continue
        figures, content = digest(run)
        want_figures, want_content = expected[run.fingerprint]
        if figures != want_figures or (want_content and content != want_content):
            failures.append(f"run {run.pk}: its file differs from an uninterrupted render")
        hit = runs[run.pk]
        if hit:
            took = (run.finished_at - hit).total_seconds()
            if took > BOUND:
                failures.append(f"run {run.pk}: final {took:.0f} s after the kill")
    media = WORK / "media" / "reports"
    files = [p for p in media.rglob("*") if p.is_file()]
    # Each finished run keeps one file per format (XLSX, CSV, PDF), and nothing else is left.
    finished = ReportRun.objects.filter(status=ReportRun.Status.DONE).prefetch_related("files")
    referenced = set()
    for run in finished:
        names = {run.file.name, *(stored.file.name for stored in run.files.all())}
        if len(names) != len(ReportRun.Format.values):
            failures.append(f"run {run.pk}: {len(names)} files, one per format expected")
        referenced |= names
    on_disk = {str(p.relative_to(WORK / "media")) for p in files}
    if on_disk != referenced:
        failures.append(
            f"{len(on_disk)} report files for {len(referenced)} files of finished runs "
            f"(duplicates or lost: {sorted(on_disk ^ referenced)[:5]})"
        )
    log(
        f"{len(runs)} runs, {options.kills} kills ({killed_busy} while rendering), "
        f"{len(files)} files, {time.monotonic() - started:.0f} s"
    )

    failures += restore_check(expected)
    for failure in failures:
        log("FAIL " + failure)
    if not failures:
        log("ok: every run ended once with the right file; the restored database agrees")
    return 1 if failures else 0


def restore_check(expected) -> list[str]:
    """ops/backup.sh, then ops/restore.sh into a fresh database; the restored portal renders the
    same figures and still has every report file."""
    from django.db import connections

    env = {**ENV, "DATABASE_URL": f"{PG}/{DB}"}
    made = subprocess.run(
        [str(ROOT / "ops" / "backup.sh"), str(WORK / "backups")],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    backup = made.stdout.strip().splitlines()[-1]
    connections.close_all()
    fresh_database(RESTORED_DB)
    restored = {**ENV, "DATABASE_URL": f"{PG}/{RESTORED_DB}", "MEDIA_ROOT": str(WORK / "restored")}
    subprocess.run(
        [str(ROOT / "ops" / "restore.sh"), backup], env=restored, check=True, capture_output=True
    )
    script = (
        "import json\n"
        "from reports.models import ReportRun\n"
        "from reports import services\n"
        "out = {}\n"
        "for run in ReportRun.objects.filter(status='done').order_by('pk'):\n"
        "    assert run.file.storage.exists(run.file.name), run.file.name\n"
        "    again = ReportRun.objects.create(exporter=run.exporter,"
        " output_format=run.output_format, parameters=run.parameters,"
        " fingerprint='restored-%s' % run.pk,"
        " requested_by=run.requested_by)\n"
        "    services.report_run_render(run_id=again.pk)\n"
        "    again.refresh_from_db()\n"
        "    out[run.fingerprint] = json.dumps(again.figures, sort_keys=True)\n"
        "print(json.dumps(out))\n"
    )
    output = manage("shell", "-c", script, env={**restored, "CELERY_TASK_ALWAYS_EAGER": "true"})
    figures = json.loads(output.strip().splitlines()[-1])
    failures = [
        f"restored database: figures of {fingerprint[:8]} differ"
        for fingerprint, value in figures.items()
        if fingerprint in expected and expected[fingerprint][0] != value
    ]
    log(f"restore: {len(figures)} reports re-rendered on the restored database")
    psql(f"DROP DATABASE IF EXISTS {RESTORED_DB} WITH (FORCE)")
    return failures


if __name__ == "__main__":
    sys.exit(main())
