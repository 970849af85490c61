from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_visible_or_404, permission_required
from accounts.permissions import Permission
from centres.models import Centre
from outbox.selectors import outbox_waits

from . import codes, import_jobs, importer, selectors, services
from .forms import (
    AuditSearchForm,
    ConsentForm,
    EraseForm,
    GroupSessionForm,
    ImportForm,
    MergeForm,
    PresenceForm,
    ReferralForm,
    ReferralStatusForm,
    SearchForm,
    SessionForm,
    StatisticsForm,
    VisitorForm,
    VisitorRegisterForm,
)
from .models import AuditEvent, GroupSession, ImportJob, Referral, Session, Visitor
from .statistics import Period, centre_statistics

COUNSEL = Permission.COUNSEL_VISITORS


def _too_many(request, error) -> HttpResponse:
    response = render(request, "counselling/too_many.html", {"message": str(error)}, status=429)
    return response


def _form_errors_from(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _centre_from_query(request) -> Centre | None:
    """The ?centre= filter, limited to the user's own centres."""
    if request.GET.get("centre", "").isdigit():
        return Centre.objects.staffed_by(request.user).filter(pk=request.GET["centre"]).first()
    return None


@permission_required(COUNSEL)
def visitor_list(request):
    centre = _centre_from_query(request)
    visitors = selectors.visitor_list(user=request.user, centre=centre)
    page = Paginator(visitors, 50).get_page(request.GET.get("page"))
    services.audit_record(
        user=request.user,
        action=AuditEvent.Action.LISTED,
        centre=centre,
        count=len(page.object_list),
        detail="visitors",
    )
    context = {
        "page": page,
        "search_form": SearchForm(),
        "centres": Centre.objects.staffed_by(request.user).active().order_by("name"),
        "centre": centre,
    }
    return render(request, "counselling/visitor_list.html", context)


@require_POST
@permission_required(COUNSEL)
def search(request):
    """POST only: names and phone numbers never travel in a URL."""
    form = SearchForm(request.POST)
    try:
        results = selectors.visitor_search(user=request.user, query=form.data.get("q", ""))
    except services.TooManyAttempts as error:
        if request.htmx:  # htmx swaps only 2xx answers into the page: say it where they look
            return render(request, "counselling/_search_results.html", {"limited": str(error)})
        return _too_many(request, error)
    visible = set(Visitor.objects.visible_to(request.user).filter(pk__in=[v.pk for v in results]))
    # Who searched and how many they found; what they typed may be a name, so it is not kept.
    services.audit_record(user=request.user, action=AuditEvent.Action.SEARCHED, count=len(results))
    if form.is_valid() and len(results) == 1 and not request.htmx:
        # "Log a session" on the desk goes straight to the form; so does another centre's code.
        wants_session = request.POST.get("then") == "session"
        target = (
            "visitor_detail" if results[0] in visible and not wants_session else "session_create"
        )
        return redirect(f"counselling:{target}", code=results[0].code)
    template = "counselling/_search_results.html" if request.htmx else "counselling/search.html"
    code = codes.normalise(form.data.get("q", ""))
    context = {
        "form": form,
        "results": results,
        "visible": visible,
        "searched": form.is_valid(),
        "mistyped_code": bool(codes.CODE_RE.match(code)) and not codes.is_valid(code),
    }
    return render(request, template, context)


@permission_required(COUNSEL)
def visitor_create(request):
    form = VisitorRegisterForm(request.POST or None, user=request.user)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = list(
            services.visitor_duplicates(
                user=request.user,
                given_name=data["given_name"],
                family_name=data["family_name"],
                year_of_birth=data["year_of_birth"],
                phone=data["phone"],
            )
        )
        if not duplicates or data["confirm_new"]:
            visitor = services.visitor_register(
                user=request.user,
                centre=data["centre"],
                consents=form.consents(),
                **form.profile(),
            )
            messages.success(
                request,
                _(
                    "Visitor %(code)s registered. PIN for the card: %(pin)s. Write it on the "
                    "card now: it is not shown again, and other centres ask for it."
                )
                % {"code": visitor.code, "pin": visitor.card_pin},
            )
            return redirect("counselling:visitor_detail", code=visitor.code)
    context = {"form": form, "duplicates": duplicates}
    return render(request, "counselling/visitor_form.html", context)


@permission_required(COUNSEL)
def visitor_detail(request, code: str):
    visible = Visitor.objects.visible_to(request.user)
    merged = Visitor.objects.filter(code=code, merged_into__in=visible).first()
    if merged is not None:  # an old card of a merged record leads to the kept one
        return redirect("counselling:visitor_detail", code=merged.merged_into.code)
    visitor = get_visible_or_404(Visitor, request.user, code=code)
    services.audit_record(visitor=visitor, user=request.user, action=AuditEvent.Action.VIEWED)
    context = {
        "visitor": visitor,
        "timeline": selectors.visitor_timeline(visitor=visitor, user=request.user),
        "consent_purposes": _consent_purposes(visitor),
        "can_manage": request.user.can(Permission.MANAGE_CENTRE),
    }
    return render(request, "counselling/visitor_detail.html", context)


@permission_required(COUNSEL)
def visitor_edit(request, code: str):
    visitor = get_visible_or_404(Visitor, request.user, code=code)
    form = VisitorForm(request.POST or None, instance=visitor)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        visitor.refresh_from_db()
        services.visitor_update(visitor=visitor, user=request.user, **changes)
        messages.success(request, _("Visitor %(code)s saved.") % {"code": visitor.code})
        return redirect("counselling:visitor_detail", code=visitor.code)
    return render(request, "counselling/visitor_edit.html", {"form": form, "visitor": visitor})


@require_POST
@permission_required(COUNSEL)
def visitor_consent(request, code: str):
    """Consent is recorded by the visitor's centre, or by another centre during a visit."""
    opened = Visitor.objects.open_for_session(request.user)
    visitor = get_object_or_404(opened, code=code)
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.consent_record(
            visitor=visitor,
            user=request.user,
            purpose=form.cleaned_data["purpose"],
            given=form.cleaned_data["given"],
        )
        messages.success(request, _("Consent recorded."))
    if not Visitor.objects.visible_to(request.user).filter(pk=visitor.pk).exists():
        return redirect("counselling:session_create", code=visitor.code)
    return redirect("counselling:visitor_detail", code=visitor.code)


def _consent_purposes(visitor) -> list:
    return [
        ("service", _("Service (named record)"), visitor.consent_service),
        ("research", _("Research use"), visitor.consent_research),
        ("contact", _("Contact by the centre"), visitor.consent_contact),
    ]


@permission_required(COUNSEL)
def presence_confirm(request, code: str):
    """A visitor of another centre is here: their proof (the card's PIN, or given name and
    year of birth) opens them to this user for the visit; every attempt is audited."""
    try:
        visitor = services.visitor_find_by_code(user=request.user, raw_code=code)
    except services.TooManyAttempts as error:
        return _too_many(request, error)
    if visitor is None or visitor.code != code:
        raise Http404
    if Visitor.objects.open_for_session(request.user).filter(pk=visitor.pk).exists():
        return redirect("counselling:session_create", code=visitor.code)
    form = PresenceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.presence_confirm(user=request.user, visitor=visitor, **data)
        except services.TooManyAttempts as error:
            return _too_many(request, error)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Presence confirmed: log the session."))
            return redirect("counselling:session_create", code=visitor.code)
    context = {"form": form, "visitor": visitor}
    return render(request, "counselling/presence_form.html", context)


@permission_required(COUNSEL)
def session_create(request, code: str):
    """Log a session. A visitor of another centre needs their proof of presence first
    (presence_confirm); then this page shows their name to confirm and their consent."""
    visitor = Visitor.objects.open_for_session(request.user).filter(code=code).first()
    if visitor is None:
        try:
            elsewhere = services.visitor_find_by_code(user=request.user, raw_code=code)
        except services.TooManyAttempts as error:
            return _too_many(request, error)
        if elsewhere is None or elsewhere.code != code:
            raise Http404
        return redirect("counselling:presence_confirm", code=code)
    own = Visitor.objects.visible_to(request.user).filter(pk=visitor.pk).exists()
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_log(user=request.user, visitor=visitor, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Session logged for %(code)s.") % {"code": visitor.code})
            if own:
                return redirect("counselling:visitor_detail", code=visitor.code)
            return redirect("home")
    context = {
        "form": form,
        "visitor": visitor,
        "visiting": not own,
        "consent_purposes": _consent_purposes(visitor),
    }
    return render(request, "counselling/session_form.html", context)


@require_POST
@permission_required(COUNSEL)
def follow_up_done(request, pk: int):
    session = get_visible_or_404(Session, request.user, pk=pk)
    services.session_follow_up_done(session=session, user=request.user)
    messages.success(request, _("Follow-up marked as done."))
    return redirect("home")


@permission_required(COUNSEL)
def group_session_list(request):
    page = Paginator(selectors.group_session_list(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "counselling/group_session_list.html", {"page": page})


@permission_required(COUNSEL)
def group_session_create(request):
    form = GroupSessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_session_log(
                user=request.user,
                centre=data["centre"],
                topics=data["topics"],
                facilitators=data["facilitators"] or [request.user],
                attendees=data["attendee_codes"],
                counts=form.counts(),
                type=data["type"],
                date=data["date"],
                place=data["place"],
                total_participants=data["total_participants"],
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Group session logged."))
            return redirect("counselling:group_session_detail", pk=group.pk)
    return render(request, "counselling/group_session_form.html", {"form": form})


@permission_required(COUNSEL)
def group_session_detail(request, pk: int):
    group = get_visible_or_404(GroupSession, request.user, pk=pk)
    counts = list(group.counts.all())
    attendees = list(group.attendees.order_by("code"))
    services.audit_record(
        user=request.user,
        action=AuditEvent.Action.LISTED,
        centre=group.centre_id,
        count=len(attendees),
        detail=f"group session {group.pk}",
    )
    context = {
        "group": group,
        "attendees": attendees,
        # Attending opens no record: other centres' attendees are shown by code only.
        "visible": set(Visitor.objects.visible_to(request.user).filter(group_sessions=group)),
        "counts": counts,
        "counted": sum(c.count for c in counts),
    }
    return render(request, "counselling/group_session_detail.html", context)


@permission_required(COUNSEL)
def referral_create(request, code: str):
    visitor = get_visible_or_404(Visitor, request.user, code=code)
    form = ReferralForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_create(user=request.user, visitor=visitor, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Referral recorded."))
            return redirect("counselling:visitor_detail", code=visitor.code)
    return render(request, "counselling/referral_form.html", {"form": form, "visitor": visitor})


@permission_required(COUNSEL)
def referral_list(request):
    show_all = request.GET.get("all") == "1"
    centre = _centre_from_query(request)
    referrals = selectors.referral_list(user=request.user, open_only=not show_all)
    if centre is not None:
        referrals = referrals.filter(centre=centre)
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    services.audit_record(
        user=request.user,
        action=AuditEvent.Action.LISTED,
        centre=centre,
        count=len(page.object_list),
        detail="referrals",
    )
    context = {
        "page": page,
        "show_all": show_all,
        "centres": Centre.objects.staffed_by(request.user).active().order_by("name"),
        "centre": centre,
    }
    return render(request, "counselling/referral_list.html", context)


@permission_required(COUNSEL)
def referral_detail(request, pk: int):
    referral = get_visible_or_404(Referral, request.user, pk=pk)
    form = ReferralStatusForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_transition(
                referral=referral,
                user=request.user,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Referral updated."))
            return redirect("counselling:referral_detail", pk=referral.pk)
    services.audit_record(
        user=request.user,
        action=AuditEvent.Action.VIEWED,
        visitor=referral.visitor,
        detail=f"referral {referral.pk}",
    )
    context = {
        "referral": referral,
        "form": form if referral.next_statuses() else None,
        "history": selectors.referral_history(referral),
    }
    return render(request, "counselling/referral_detail.html", context)


@permission_required(Permission.MANAGE_CENTRE)
def visitor_merge(request):
    form = MergeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            keep = services.visitor_merge(
                user=request.user,
                keep=form.cleaned_data["keep"],
                remove=form.cleaned_data["remove"],
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Visitors merged into %(code)s.") % {"code": keep.code})
            return redirect("counselling:visitor_detail", code=keep.code)
    return render(request, "counselling/merge.html", {"form": form})


@permission_required(Permission.MANAGE_CENTRE)
def visitor_audit(request, code: str):
    visitor = get_visible_or_404(Visitor, request.user, code=code)
    events = visitor.audit_events.select_related("user")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "counselling/audit.html", {"visitor": visitor, "page": page})


@permission_required(Permission.SEARCH_AUDIT)
def audit_search(request):
    """Who read or changed personal data in the manager's scope (centres, country, network)."""
    form = AuditSearchForm(request.GET or None, user=request.user)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "who": data["user"],
            "visitor_code": data["visitor"],
            "action": data["action"],
            "start": data["start"],
            "end": data["end"],
        }
    events = selectors.audit_event_list(user=request.user, **filters)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "counselling/audit_search.html", {"form": form, "page": page})


@permission_required(Permission.MANAGE_CENTRE)
def presence_list(request):
    """Other centres' proofs of presence for this manager's visitors, newest first."""
    page = Paginator(selectors.presence_list(user=request.user), 100).get_page(
        request.GET.get("page")
    )
    return render(request, "counselling/presence_list.html", {"page": page})


@permission_required(Permission.MANAGE_CENTRE)
def retention_preview(request):
    """How many visitors of the user's centres the next nightly retention run anonymises."""
    preview = selectors.retention_preview(user=request.user)
    return render(request, "counselling/retention_preview.html", preview)


@permission_required(Permission.MANAGE_CENTRE)
def visitor_export(request, code: str):
    """Article 15/20: everything held about the visitor, as a JSON file; audited."""
    visitor = get_visible_or_404(Visitor, request.user, code=code)
    data = services.visitor_export(visitor=visitor, user=request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{visitor.code}.json"'
    return response


@permission_required(Permission.MANAGE_CENTRE)
def visitor_erase(request, code: str):
    """Article 17: anonymise the visitor now, on their request; statistics stay."""
    visitor = get_visible_or_404(Visitor, request.user, code=code)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.visitor_erase(
            visitor=visitor, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            _(
                "Names, contacts and notes of %(code)s are erased. The anonymous profile is "
                "still counted in statistics."
            )
            % {"code": visitor.code},
        )
        return redirect("counselling:visitor_detail", code=visitor.code)
    return render(request, "counselling/erase.html", {"form": form, "visitor": visitor})


@permission_required(Permission.VIEW_CENTRE_STATISTICS)
def statistics(request):
    """Aggregates only: managers and coordinators for their centres, programme managers for
    the network. No visitor is named here."""
    form = StatisticsForm(request.GET, user=request.user)
    context = {"form": form}
    if form.is_valid():
        data = form.cleaned_data
        period = Period(start=data["start"], end=data["end"])
        context["period"] = period
        context.update(
            centre_statistics(
                user=request.user,
                period=period,
                centre=data.get("centre"),
                country=data.get("country", ""),
            )
        )
    return render(request, "counselling/statistics.html", context)


@permission_required(Permission.MANAGE_CENTRE)
def sessions_import(request):
    """The upload is stored and imported in the background; its page follows the progress."""
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_jobs.import_job_create(
                user=request.user,
                centre=form.cleaned_data["centre"],
                uploaded=form.cleaned_data["file"],
            )
        except ValueError as error:
            form.add_error("file", str(error))
        else:
            return redirect("counselling:import_job", pk=job.pk)
    jobs = ImportJob.objects.visible_to(request.user).select_related("centre")[:10]
    context = {"form": form, "columns": importer.COLUMNS, "jobs": jobs}
    return render(request, "counselling/import.html", context)


@permission_required(Permission.MANAGE_CENTRE)
def import_job(request, pk: int):
    job = get_visible_or_404(ImportJob, request.user, pk=pk)
    context = {"job": job, "waiting_for_broker": outbox_waits(job.task_id)}
    template = "counselling/_import_status.html" if request.htmx else "counselling/import_job.html"
    return render(request, template, context)


@permission_required(Permission.MANAGE_CENTRE)
def import_template(request):
    response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="msc-sessions-template.csv"'
    return response
