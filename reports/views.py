from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import get_visible_or_404, permission_required
from accounts.permissions import Permission

from . import selectors, services
from .charts import bar_chart
from .dashboard import DashboardFilter, dashboard_data
from .forms import (
    CountIndicatorForm,
    DashboardForm,
    ProjectForm,
    ProjectIndicatorForm,
    ReportForm,
    ResearchExportForm,
    TargetForm,
)
from .indicators import DISAGGREGATIONS, registry
from .models import (
    CountIndicator,
    FrameworkChange,
    IndicatorTarget,
    Project,
    ProjectIndicator,
    ReportRun,
)

FROZEN_MISSING = gettext_lazy(
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
        messages.info(
            request,
            _(
                "The report is being prepared. XLSX, CSV and PDF appear on this page when they "
                "are ready; you can leave and find it under Recent reports."
            ),
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
    parameters = run.parameters
    context = {
        "run": run,
        # Names, not the registry's codes (a code no longer registered is shown as it is).
        "indicator_names": [
            registry[code].name if code in registry else code
            for code in parameters.get("indicators", [])
        ],
        "breakdown_names": [
            DISAGGREGATIONS.get(code, code) for code in parameters.get("disaggregations", [])
        ],
        "waiting_for_broker": selectors.report_run_waits_for_broker(run),
        "changes": selectors.report_run_changes(run, request.user),
        "can_submit": request.user.can(Permission.MANAGE_PROGRAMME),
    }
    template = "reports/_run_status.html" if request.htmx else "reports/run_detail.html"
    return render(request, template, context)


@permission_required(Permission.RUN_REPORTS)
def run_download(request, pk: int, output_format: str | None = None):
    run = get_visible_or_404(ReportRun, request.user, pk=pk)
    stored = run
    if output_format and output_format != run.output_format:
        stored = run.files.filter(output_format=output_format).first()
    if stored is None or not stored.file:
        raise Http404
    try:
        content = stored.file.open("rb")
    except FileNotFoundError:
        run = services.report_run_file_missing(run=run)
        context = {
            "run": run,
            "message": run.message if run.status == ReportRun.Status.FAILED else FROZEN_MISSING,
            "back_url": reverse("reports:run_detail", args=[run.pk]),
        }
        return render(request, "file_missing.html", context, status=410)
    services.report_run_downloaded(run=run, user=request.user)
    return FileResponse(content, as_attachment=True, filename=stored.filename)


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


# --- The results framework (programme managers, outside the admin site) ----------------------


def _form_page(request, form, *, title, submit, intro=""):
    context = {"form": form, "title": title, "submit": submit, "intro": intro}
    return render(request, "returns/form_page.html", context)


def _saved(request, form, service, **kwargs) -> bool:
    """Runs a framework service on a valid form; model errors go back to the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        service(user=request.user, **kwargs)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, _("Saved. The dashboard and the reports use it from now on."))
    return True


@permission_required(Permission.MANAGE_PROGRAMME)
def project_list(request):
    context = {
        "projects": Project.objects.prefetch_related("indicators"),
        "count_indicators": CountIndicator.objects.all(),
        # Changes of the count indicators (those of a project show on its page).
        "changes": FrameworkChange.objects.filter(project__isnull=True).select_related("user")[:50],
    }
    return render(request, "reports/project_list.html", context)


@permission_required(Permission.MANAGE_PROGRAMME)
def project_edit(request, pk: int | None = None):
    project = get_object_or_404(Project, pk=pk) if pk else Project()
    form = ProjectForm(request.POST or None, instance=project)
    if _saved(request, form, services.project_save, project=form.instance):
        return redirect("reports:project_detail", pk=form.instance.pk)
    title = _("Edit the project") if pk else _("New project")
    return _form_page(request, form, title=title, submit=_("Save"))


@permission_required(Permission.MANAGE_PROGRAMME)
def project_detail(request, pk: int):
    project = get_object_or_404(Project, pk=pk)
    attached = list(project.indicators.prefetch_related("targets"))
    for item in attached:
        found = registry.get(item.indicator)
        item.label = found.name if found else item.indicator
    context = {
        "project": project,
        "attached": attached,
        "add_form": ProjectIndicatorForm(project=project),
        "changes": project.changes.select_related("user")[:50],
    }
    return render(request, "reports/project_detail.html", context)


@permission_required(Permission.MANAGE_PROGRAMME)
def project_indicator_add(request, pk: int):
    project = get_object_or_404(Project, pk=pk)
    form = ProjectIndicatorForm(request.POST or None, project=project)
    if _saved(request, form, services.project_indicator_save, attached=form.instance):
        return redirect("reports:project_detail", pk=project.pk)
    return _form_page(request, form, title=_("Add an indicator"), submit=_("Add"))


@require_POST
@permission_required(Permission.MANAGE_PROGRAMME)
def project_indicator_remove(request, pk: int):
    attached = get_object_or_404(ProjectIndicator, pk=pk)
    services.project_indicator_remove(user=request.user, attached=attached)
    messages.success(request, _("The indicator and its targets were removed from the project."))
    return redirect("reports:project_detail", pk=attached.project_id)


@permission_required(Permission.MANAGE_PROGRAMME)
def target_edit(request, indicator_pk: int, pk: int | None = None):
    attached = get_object_or_404(
        ProjectIndicator.objects.select_related("project"), pk=indicator_pk
    )
    target = get_object_or_404(attached.targets, pk=pk) if pk else None
    form = TargetForm(request.POST or None, instance=target, project_indicator=attached)
    if _saved(request, form, services.target_save, target=form.instance):
        return redirect("reports:project_detail", pk=attached.project_id)
    title = _("Baseline and target")
    return _form_page(request, form, title=title, submit=_("Save"))


@require_POST
@permission_required(Permission.MANAGE_PROGRAMME)
def target_delete(request, pk: int):
    target = get_object_or_404(IndicatorTarget.objects.select_related("project_indicator"), pk=pk)
    services.target_delete(user=request.user, target=target)
    messages.success(request, _("The target was deleted."))
    return redirect("reports:project_detail", pk=target.project_indicator.project_id)


@permission_required(Permission.MANAGE_PROGRAMME)
def count_indicator_edit(request, pk: int | None = None):
    row = get_object_or_404(CountIndicator, pk=pk) if pk else CountIndicator()
    form = CountIndicatorForm(request.POST or None, instance=row)
    if _saved(request, form, services.count_indicator_save, row=form.instance):
        return redirect("reports:project_list")
    intro = _(
        "Counts what the portal already records, for the period of a report, with the filters "
        "and breakdowns you choose. It can then be added to projects and donor reports."
    )
    title = _("Edit the indicator") if pk else _("New count indicator")
    return _form_page(request, form, title=title, submit=_("Save"), intro=intro)
