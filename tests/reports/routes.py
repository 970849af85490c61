import datetime

from accounts.permissions import Permission
from reports.models import (
    CountIndicator,
    IndicatorTarget,
    Project,
    ProjectIndicator,
    ReportRun,
)
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
    project = Project.objects.create(
        name="Matrix project", donors="EU", start="2026-01-01", end="2026-12-31"
    )
    attached = ProjectIndicator.objects.create(project=project, indicator="centre_staff")
    target = IndicatorTarget.objects.create(
        project_indicator=attached, period_start="2026-01-01", period_end="2026-12-31", value=5
    )
    count = CountIndicator.objects.create(
        identifier="matrix", name="Matrix", definition="d", unit="sessions", source="group_sessions"
    )
    return {
        "report_run": run,
        "project": project,
        "attached": attached,
        "target": target,
        "count_indicator": count,
    }


def _run(world):
    return {"pk": world["report_run"].pk}


def _project(world):
    return {"pk": world["project"].pk}


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
        "reports:run_download_format",
        permission=Permission.RUN_REPORTS,
        personas=frozenset(),
        kwargs=lambda world: {**_run(world), "output_format": "pdf"},
        denied=404,
        note="a failed run has no file in any format: 404 even for its owner",
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
    Route("reports:project_list", permission=Permission.MANAGE_PROGRAMME),
    Route("reports:project_create", permission=Permission.MANAGE_PROGRAMME),
    Route("reports:project_detail", permission=Permission.MANAGE_PROGRAMME, kwargs=_project),
    Route("reports:project_edit", permission=Permission.MANAGE_PROGRAMME, kwargs=_project),
    Route("reports:indicator_add", permission=Permission.MANAGE_PROGRAMME, kwargs=_project),
    Route(
        "reports:indicator_remove",
        permission=Permission.MANAGE_PROGRAMME,
        kwargs=lambda world: {"pk": world["attached"].pk},
        method="post",
        ok=302,
    ),
    Route(
        "reports:target_create",
        permission=Permission.MANAGE_PROGRAMME,
        kwargs=lambda world: {"indicator_pk": world["attached"].pk},
    ),
    Route(
        "reports:target_edit",
        permission=Permission.MANAGE_PROGRAMME,
        kwargs=lambda world: {"indicator_pk": world["attached"].pk, "pk": world["target"].pk},
    ),
    Route(
        "reports:target_delete",
        permission=Permission.MANAGE_PROGRAMME,
        kwargs=lambda world: {"pk": world["target"].pk},
        method="post",
        ok=302,
    ),
    Route("reports:count_indicator_create", permission=Permission.MANAGE_PROGRAMME),
    Route(
        "reports:count_indicator_edit",
        permission=Permission.MANAGE_PROGRAMME,
        kwargs=lambda world: {"pk": world["count_indicator"].pk},
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
