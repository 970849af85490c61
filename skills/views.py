from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import get_visible_or_404, permission_required
from accounts.permissions import Permission
from msc_portal.concurrency import atomic_post

from .exporters import EXPORTERS, FORMATS
from .filters import SkillDemandFilter, TrainingFilter
from .forms import SkillDemandForm, SkillDemandImportForm, TrainingForm
from .models import SkillDemand, TrainingOpportunity
from .selectors import (
    PICKER_MIN_LENGTH,
    demand_matrix,
    isco_unit_search,
    occupation_search,
    skill_search,
    trainings_with_interest,
)
from .services import DemandImportError, skill_demand_import, skill_demand_save, training_save


def _picker_options(request, search, hint):
    query = request.GET.get("q", "").strip()
    options = [
        {"pk": o.pk, "name": getattr(o, "label", o.name), "hint": hint(o)} for o in search(query)
    ]
    context = {"options": options, "query_long_enough": len(query) >= PICKER_MIN_LENGTH}
    return render(request, "skills/picker_options.html", context)


@require_GET
def skill_picker(request):
    """Autocomplete for skills (reference data, no personal data: open to all)."""
    return _picker_options(request, skill_search, lambda s: s.get_skill_type_display())


@require_GET
def occupation_picker(request):
    return _picker_options(
        request, occupation_search, lambda o: o.isco_group.code if o.isco_group else ""
    )


@require_GET
def isco_picker(request):
    """Autocomplete for the ISCO-08 unit groups, the occupations used while ESCO is not imported."""
    return _picker_options(request, isco_unit_search, lambda g: g.code)


def _demand_filter(request):
    queryset = SkillDemand.objects.visible_to(request.user)
    return SkillDemandFilter(request.GET, queryset=queryset)


def demand_browse(request):
    """Where skills are wanted: demand per sector × region, then the records themselves."""
    demand_filter = _demand_filter(request)
    records = demand_filter.qs.select_related(
        "section", "sector", "occupation", "isco_group", "skill"
    )
    page = Paginator(records, 25).get_page(request.GET.get("page"))
    context = {
        "filter": demand_filter,
        "matrix": demand_matrix(demand_filter.qs),
        "page": page,
        "can_manage": _can_manage(request.user),
    }
    return render(request, "skills/demand_browse.html", context)


def demand_export(request, identifier: str, fmt: str):
    if identifier not in EXPORTERS or fmt not in FORMATS:
        raise Http404
    filename, content_type, content = EXPORTERS[identifier](_demand_filter(request).qs).render(fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required(Permission.MANAGE_PROGRAMME)
@atomic_post
def demand_edit(request, pk: int | None = None):
    demand = get_visible_or_404(SkillDemand, request.user, pk=pk) if pk else None
    form = SkillDemandForm(request.POST or None, instance=demand)
    if request.method == "POST" and form.is_valid():
        skill_demand_save(demand=form.save(commit=False), recorded_by=request.user)
        messages.success(request, _("The demand record is saved."))
        return redirect("skills:demand_browse")
    return render(request, "skills/demand_form.html", {"form": form, "demand": demand})


@permission_required(Permission.MANAGE_PROGRAMME)
def demand_import(request):
    form = SkillDemandImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            count = skill_demand_import(file=form.cleaned_data["file"], recorded_by=request.user)
        except DemandImportError as error:
            errors = error.errors
        else:
            messages.success(request, _("%(count)d demand records imported.") % {"count": count})
            return redirect("skills:demand_browse")
    status = 400 if errors else 200
    return render(
        request, "skills/demand_import.html", {"form": form, "errors": errors}, status=status
    )


def _can_manage(user) -> bool:
    return user.is_authenticated and user.can(Permission.MANAGE_PROGRAMME)


def _sees_interest(user) -> bool:
    """Counsellors and the programme see how many visitors were told of a training or applied."""
    return user.is_authenticated and (
        user.can(Permission.COUNSEL_VISITORS) or user.can(Permission.MANAGE_PROGRAMME)
    )


def training_list(request):
    """Paid trainings and internships in the EU for graduate students; open calls by default."""
    trainings = TrainingOpportunity.objects.published().select_related("sector")
    # Explicit: Meta.ordering is dropped from a query with GROUP BY (the interest counts).
    ordered = trainings_with_interest(trainings).order_by("application_deadline", "title", "pk")
    training_filter = TrainingFilter(request.GET, queryset=ordered)
    page = Paginator(training_filter.qs, 20).get_page(request.GET.get("page"))
    context = {
        "filter": training_filter,
        "page": page,
        "can_manage": _can_manage(request.user),
        "show_interest": _sees_interest(request.user),
    }
    return render(request, "skills/training_list.html", context)


def training_detail(request, pk: int):
    can_manage = _can_manage(request.user)
    queryset = trainings_with_interest(TrainingOpportunity.objects.select_related("sector"))
    training = get_object_or_404(queryset if can_manage else queryset.published(), pk=pk)
    context = {
        "training": training,
        "can_manage": can_manage,
        "show_interest": _sees_interest(request.user),
    }
    return render(request, "skills/training_detail.html", context)


@permission_required(Permission.MANAGE_PROGRAMME)
@atomic_post
def training_edit(request, pk: int | None = None):
    training = get_object_or_404(TrainingOpportunity, pk=pk) if pk else None
    form = TrainingForm(request.POST or None, instance=training)
    if request.method == "POST" and form.is_valid():
        training = training_save(training=form.save(commit=False), user=request.user)
        messages.success(request, _("The training opportunity is saved."))
        return redirect("skills:training_detail", pk=training.pk)
    return render(request, "skills/training_form.html", {"form": form, "training": training})
