from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.access import get_visible_or_404, permission_required
from accounts.permissions import Permission

from . import selectors, services
from .charts import bar_chart
from .dashboard import DashboardFilter, dashboard_data
from .forms import DashboardForm, ReportForm, ResearchExportForm
from .models import ReportRun

FROZEN_MISSING = _(
    "The file of this submitted report is missing. It cannot be prepared again without changing "
    "what was submitted: ask the portal's administrators to restore it from the backup."
)


@permission_required(Permission.RUN_REPORTS)
def builder(request):
    form = ReportForm(
        request.POST or None, user=request.user, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        run, _created = services.report_run_request(
            user=request.user,
            exporter="indicators",
            output_format=form.cleaned_data["output_format"],
            parameters=form.parameters(),
            project=form.cleaned_data["project"],
        )
        return redirect("reports:run_detail", pk=run.pk)
    runs = ReportRun.objects.visible_to(request.user).select_related("requested_by")[:20]
    context = {
        "form": form,
        "runs": runs,
        "can_export_research": request.user.can(Permission.EXPORT_RESEARCH_DATA),
    }
    return render(request, "reports/builder.html", context)


@permission_required(Permission.EXPORT_RESEARCH_DATA)
def research_export(request):
    form = ResearchExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run, _created = services.report_run_request(
            user=request.user,
            exporter="research_sessions",
            output_format=form.cleaned_data["output_format"],
            parameters=form.parameters(),
        )
        return redirect("reports:run_detail", pk=run.pk)
    return render(request, "reports/research_export.html", {"form": form})


@permission_required(Permission.RUN_REPORTS)
def run_detail(request, pk: int):
    run = get_visible_or_404(ReportRun, request.user, pk=pk)
    context = {
        "run": run,
        "waiting_for_broker": selectors.report_run_waits_for_broker(run),
        "changes": selectors.report_run_changes(run, request.user),
        "can_submit": request.user.can(Permission.MANAGE_PROGRAMME),
    }
    template = "reports/_run_status.html" if request.htmx else "reports/run_detail.html"
    return render(request, template, context)


@permission_required(Permission.RUN_REPORTS)
def run_download(request, pk: int):
    run = get_visible_or_404(ReportRun, request.user, pk=pk)
    if not run.file:
        raise Http404
    try:
        content = run.file.open("rb")
    except FileNotFoundError:
        run = services.report_run_file_missing(run=run)
        context = {
            "run": run,
            "message": run.message if run.status == ReportRun.Status.FAILED else FROZEN_MISSING,
            "back_url": reverse("reports:run_detail", args=[run.pk]),
        }
        return render(request, "file_missing.html", context, status=410)
    services.report_run_downloaded(run=run, user=request.user)
    return FileResponse(content, as_attachment=True, filename=run.filename)


@require_POST
@permission_required(Permission.RUN_REPORTS)
def run_retry(request, pk: int):
    run = get_visible_or_404(ReportRun, request.user, pk=pk)
    try:
        services.report_run_retry(run=run)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("reports:run_detail", pk=run.pk)


@require_POST
@permission_required(Permission.MANAGE_PROGRAMME)
def run_submit(request, pk: int):
    run = get_visible_or_404(ReportRun, request.user, pk=pk)
    try:
        services.report_run_submit(run=run, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("reports:run_detail", pk=run.pk)


@permission_required(Permission.RUN_REPORTS)
def dashboard(request):
    year = timezone.localdate().year
    form = DashboardForm(request.GET or {"year": year}, user=request.user)
    if form.is_valid():
        year = form.cleaned_data["year"]
    countries = (
        form.countries()
        if form.is_valid()
        else DashboardForm({"year": year}, user=request.user).countries()
    )
    flt = DashboardFilter(start=date(year, 1, 1), end=date(year, 12, 31), countries=countries)
    data = dashboard_data(flt)
    chart = bar_chart([(month.strftime("%b"), count) for month, count in data["per_month"]])
    context = {"form": form, "data": data, "chart": chart, "year": year}
    return render(request, "reports/dashboard.html", context)
