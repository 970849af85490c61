import datetime

from accounts.permissions import Permission
from reports.models import ReportRun
from tests.matrix import Route

QUARTER = {"start": "2026-01-01", "end": "2026-03-31", "indicators": ["centre_staff"]}


def build_world(request, world):
    owner = request.getfixturevalue("programme_manager")
    run = ReportRun.objects.create(
        exporter="indicators",
        output_format="csv",
        parameters=QUARTER,
        fingerprint="matrix",
        requested_by=owner,
        status=ReportRun.Status.FAILED,
        finished_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC),
    )
    return {"report_run": run}


def _run(world):
    return {"pk": world["report_run"].pk}


# Runs are seen by the programme managers and by whoever asked for them (404 for others).
RUN_OWNERS = frozenset({"programme_manager"})

ROUTES = [
    Route("reports:builder", permission=Permission.RUN_REPORTS),
    Route("reports:dashboard", permission=Permission.RUN_REPORTS),
    Route("reports:research_export", permission=Permission.EXPORT_RESEARCH_DATA),
    Route(
        "reports:run_detail",
        permission=Permission.RUN_REPORTS,
        personas=RUN_OWNERS,
        kwargs=_run,
        denied=404,
    ),
    Route(
        "reports:run_download",
        permission=Permission.RUN_REPORTS,
        personas=frozenset(),
        kwargs=_run,
        denied=404,
        note="a failed run has no file: 404 even for its owner",
    ),
    Route(
        "reports:run_retry",
        permission=Permission.RUN_REPORTS,
        personas=RUN_OWNERS,
        kwargs=_run,
        method="post",
        ok=302,
        denied=404,
    ),
    Route(
        "reports:run_submit",
        permission=Permission.MANAGE_PROGRAMME,
        kwargs=_run,
        method="post",
        ok=302,
        note="a failed run cannot be submitted: back with a message",
    ),
    Route("api:indicator-list", permission=Permission.RUN_REPORTS),
    Route("api:reportrun-list", permission=Permission.RUN_REPORTS),
    Route(
        "api:reportrun-detail",
        permission=Permission.RUN_REPORTS,
        personas=RUN_OWNERS,
        kwargs=_run,
        denied=404,
    ),
    Route(
        "api:reportrun-retry",
        permission=Permission.RUN_REPORTS,
        personas=RUN_OWNERS,
        kwargs=_run,
        method="post",
        ok=202,
        denied=404,
        note="a failed run is queued again",
    ),
    Route(
        "api:reportrun-download",
        permission=Permission.RUN_REPORTS,
        personas=frozenset(),
        kwargs=_run,
        denied=404,
    ),
]
