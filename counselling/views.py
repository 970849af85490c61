from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_visible_or_404, permission_required
from accounts.models import User
from accounts.permissions import Permission
from centres.models import Centre
from msc_portal.concurrency import atomic_post
from outbox.selectors import outbox_waits

from . import card, codes, import_jobs, importer, quality, selectors, services
from .duplicates import (
    duplicate_pairs,
    matches_elsewhere,
    matches_of,
    probable_matches,
    review_scope,
)
from .forms import (
    AuditSearchForm,
    ConsentForm,
    ConsentWithdrawForm,
    DeleteForm,
    DuplicatePairForm,
    EraseForm,
    GroupSessionEditForm,
    GroupSessionForm,
    ImportForm,
    MergeForm,
    PresenceForm,
    ReferralEditForm,
    ReferralForm,
    ReferralStatusForm,
    SearchForm,
    SessionEditForm,
    SessionForm,
    StatisticsForm,
    TrainingInterestForm,
    VisitorForm,
    VisitorRegisterForm,
)
from .models import (
    IDENTIFYING_FIELDS,
    AuditEvent,
    ConsentPurpose,
    GroupSession,
    ImportJob,
    Referral,
    Session,
    Visitor,
    VisitorMerge,
)
from .statistics import Period, centre_statistics

COUNSEL = Permission.COUNSEL_VISITORS

# What to do next, said after each action (issue 13): a person should never wonder.
NEXT_AFTER_SESSION = gettext_lazy(
    "Next: record a referral from the visitor's page if you made one, or find the next visitor."
)
NEXT_AFTER_FOLLOW_UP = gettext_lazy("Next: the other follow-ups due are listed below.")
NEXT_AFTER_GROUP_SESSION = gettext_lazy(
    "Next: check the counts below; registered visitors present now show it in their history."
)
NEXT_AFTER_REFERRAL = gettext_lazy(
    "Next: when the partner answers, open the referral from the list of referrals and update it."
)
NEXT_AFTER_REFERRAL_UPDATE = gettext_lazy(
    "Next: its history below shows every change; the visitor's page shows the latest state."
)
NEXT_AFTER_VISITOR = gettext_lazy("Next: log the session from this page.")
NEXT_AFTER_MERGE = gettext_lazy(
    "Next: the merged record's history holds both visitors' sessions; statistics count one "
    "person from now on."
)


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
    page.object_list = selectors.visitors_with_last_session(page.object_list)
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
    duplicates, elsewhere = [], []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        identity = {
            name: data[name]
            for name in ("given_name", "family_name", "year_of_birth", "phone", "id_number")
        }
        duplicates = list(services.visitor_duplicates(user=request.user, **identity))
        # Another centre's probable match: only its centre's name is told (no personal data).
        elsewhere = matches_elsewhere(user=request.user, matches=probable_matches(**identity))
        if not (duplicates or elsewhere) or data["confirm_new"]:
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
    context = {"form": form, "duplicates": duplicates, "elsewhere": elsewhere}
    return render(request, "counselling/visitor_form.html", context)


@permission_required(COUNSEL)
def visitor_detail(request, code: str):
    visitor = Visitor.objects.visible_to(request.user).filter(code=code).first()
    if visitor is None:
        merged = Visitor.objects.filter(code=code, merged_into__isnull=False).first()
        if merged is not None:  # an old card of a merged record leads to the kept one
            kept = merged.kept_record()
            if Visitor.objects.visible_to(request.user).filter(pk=kept.pk).exists():
                return redirect("counselling:visitor_detail", code=kept.code)
        raise Http404
    services.audit_record(visitor=visitor, user=request.user, action=AuditEvent.Action.VIEWED)
    # The newest entries first; the whole timeline on request (a regular visitor's grows).
    length = None if request.GET.get("timeline") == "all" else selectors.TIMELINE_LENGTH
    timeline = selectors.visitor_timeline(visitor=visitor, user=request.user, length=length)
    context = {
        "visitor": visitor,
        "timeline": timeline[:length],
        "timeline_cut": length is not None and len(timeline) > length,
        "consent_purposes": _consent_purposes(visitor),
        "can_manage": request.user.can(Permission.MANAGE_CENTRE),
        "training_interests": visitor.training_interests.select_related("training"),
        "elsewhere": matches_elsewhere(user=request.user, matches=matches_of(visitor)),
        "merges": visitor.merges_kept.filter(undone_at__isnull=True).select_related("removed"),
    }
    return render(request, "counselling/visitor_detail.html", context)


@permission_required(COUNSEL)
@atomic_post
def visitor_edit(request, code: str):
    visitor = get_visible_or_404(Visitor, request.user, code=code)
    form = VisitorForm(request.POST or None, instance=visitor)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        visitor.refresh_from_db()
        services.visitor_update(visitor=visitor, user=request.user, **changes)
        messages.success(request, _("Visitor %(code)s saved.") % {"code": visitor.code})
        messages.info(request, NEXT_AFTER_VISITOR)
        return redirect("counselling:visitor_detail", code=visitor.code)
    return render(request, "counselling/visitor_edit.html", {"form": form, "visitor": visitor})


@require_POST
@permission_required(COUNSEL)
def visitor_consent(request, code: str):
    """Consent is recorded by the visitor's centre, or by another centre during a visit."""
    opened = Visitor.objects.open_for_session(request.user)
    visitor = get_object_or_404(opened, code=code)
    form = ConsentForm(request.POST)
    if form.is_valid() and not form.cleaned_data["given"]:
        # Withdrawing is asked for on its own page, which says what it erases.
        purpose = form.cleaned_data["purpose"]
        return redirect("counselling:consent_withdraw", code=visitor.code, purpose=purpose)
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


@permission_required(COUNSEL)
def consent_withdraw(request, code: str, purpose: str):
    """Asks for confirmation, says what is erased and what stays as statistics, then records
    the withdrawal (a consent event with who and when, and an audit entry)."""
    opened = Visitor.objects.open_for_session(request.user)
    visitor = get_object_or_404(opened, code=code)
    if purpose not in ConsentPurpose.values:
        raise Http404
    field = services.CONSENT_FIELDS[ConsentPurpose(purpose)]
    form = ConsentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.consent_record(visitor=visitor, user=request.user, purpose=purpose, given=False)
        messages.success(request, _("Consent withdrawn."))
        if not Visitor.objects.visible_to(request.user).filter(pk=visitor.pk).exists():
            return redirect("counselling:session_create", code=visitor.code)
        return redirect("counselling:visitor_detail", code=visitor.code)
    context = {
        "visitor": visitor,
        "form": form,
        "purpose": purpose,
        "purpose_label": ConsentPurpose(purpose).label,
        "given": getattr(visitor, field),
        "erased": [
            Visitor._meta.get_field(name).verbose_name
            for name in IDENTIFYING_FIELDS
            if purpose == ConsentPurpose.SERVICE
        ],
        "back": reverse("counselling:visitor_detail", args=[visitor.code])
        if Visitor.objects.visible_to(request.user).filter(pk=visitor.pk).exists()
        else reverse("counselling:session_create", args=[visitor.code]),
    }
    return render(request, "counselling/consent_withdraw.html", context)


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
    # Nearly always the centre's own visitor: asked first, alone (open_for_session is their
    # union with visits, a query PostgreSQL plans no better than the two).
    visitor = Visitor.objects.visible_to(request.user).filter(code=code).first()
    own = visitor is not None
    if not own:
        visitor = Visitor.objects.present_for(request.user).filter(code=code).first()
    if visitor is None:
        try:
            elsewhere = services.visitor_find_by_code(user=request.user, raw_code=code)
        except services.TooManyAttempts as error:
            return _too_many(request, error)
        if elsewhere is None or elsewhere.code != code:
            raise Http404
        return redirect("counselling:presence_confirm", code=code)
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_log(user=request.user, visitor=visitor, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Session logged for %(code)s.") % {"code": visitor.code})
            messages.info(request, NEXT_AFTER_SESSION)
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


# --- Corrections: edit and delete (softly, with a reason), audited, on the visitor's timeline --


def _correction_denied(request, error) -> HttpResponse:
    return render(request, "counselling/not_allowed.html", {"message": str(error)}, status=403)


def _changes(form) -> dict:
    return {
        name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data
    }


def _delete(request, record, *, delete, back: str, title: str):
    """The confirmation page with the reason, and the soft delete it leads to."""
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delete(user=request.user, reason=form.cleaned_data["reason"])
        except PermissionDenied as error:
            return _correction_denied(request, error)
        messages.success(request, _("Deleted. The deletion is kept on the timeline."))
        return redirect(back)
    context = {"form": form, "record": record, "title": title, "back": back}
    return render(request, "counselling/record_delete.html", context)


@permission_required(COUNSEL)
@atomic_post
def session_edit(request, pk: int):
    session = get_visible_or_404(Session, request.user, pk=pk)
    if not services.may_correct(user=request.user, record=session):
        return _correction_denied(
            request, services.EDIT_WINDOW_PASSED % {"days": settings.SESSION_EDIT_WINDOW_DAYS}
        )
    form = SessionEditForm(request.POST or None, instance=session, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = _changes(form)
        session.refresh_from_db()
        try:
            services.session_update(session=session, user=request.user, **changes)
        except ValidationError as error:
            _form_errors_from(form, error)
        except PermissionDenied as error:
            return _correction_denied(request, error)
        else:
            messages.success(request, _("Session corrected."))
            return redirect("counselling:visitor_detail", code=session.visitor.code)
    context = {"form": form, "visitor": session.visitor, "session": session}
    return render(request, "counselling/session_edit.html", context)


@permission_required(COUNSEL)
def session_delete(request, pk: int):
    session = get_visible_or_404(Session, request.user, pk=pk)
    return _delete(
        request,
        session,
        delete=lambda **kw: services.session_delete(session=session, **kw),
        back=reverse("counselling:visitor_detail", args=[session.visitor.code]),
        title=_("Delete the session of %(date)s")
        % {"date": date_format(session.date, "SHORT_DATE_FORMAT")},
    )


@permission_required(COUNSEL)
@atomic_post
def group_session_edit(request, pk: int):
    group = get_visible_or_404(GroupSession, request.user, pk=pk)
    if not services.may_correct(user=request.user, record=group):
        return _correction_denied(
            request, services.EDIT_WINDOW_PASSED % {"days": settings.SESSION_EDIT_WINDOW_DAYS}
        )
    form = GroupSessionEditForm(request.POST or None, instance=group, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        group.refresh_from_db()
        try:
            services.group_session_update(
                group=group,
                user=request.user,
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
        except PermissionDenied as error:
            return _correction_denied(request, error)
        else:
            messages.success(request, _("Group session corrected."))
            return redirect("counselling:group_session_detail", pk=group.pk)
    return render(request, "counselling/group_session_form.html", {"form": form, "group": group})


@permission_required(COUNSEL)
def group_session_delete(request, pk: int):
    group = get_visible_or_404(GroupSession, request.user, pk=pk)
    return _delete(
        request,
        group,
        delete=lambda **kw: services.group_session_delete(group=group, **kw),
        back=reverse("counselling:group_session_list"),
        title=_("Delete the group session of %(date)s")
        % {"date": date_format(group.date, "SHORT_DATE_FORMAT")},
    )


@permission_required(COUNSEL)
@atomic_post
def referral_edit(request, pk: int):
    referral = get_visible_or_404(Referral, request.user, pk=pk)
    if not services.may_correct(user=request.user, record=referral):
        return _correction_denied(
            request, services.EDIT_WINDOW_PASSED % {"days": settings.SESSION_EDIT_WINDOW_DAYS}
        )
    form = ReferralEditForm(request.POST or None, instance=referral, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = _changes(form)
        referral.refresh_from_db()
        try:
            services.referral_update(referral=referral, user=request.user, **changes)
        except ValidationError as error:
            _form_errors_from(form, error)
        except PermissionDenied as error:
            return _correction_denied(request, error)
        else:
            messages.success(request, _("Referral corrected."))
            return redirect("counselling:referral_detail", pk=referral.pk)
    context = {"form": form, "visitor": referral.visitor, "referral": referral}
    return render(request, "counselling/referral_form.html", context)


@permission_required(COUNSEL)
def referral_delete(request, pk: int):
    referral = get_visible_or_404(Referral, request.user, pk=pk)
    return _delete(
        request,
        referral,
        delete=lambda **kw: services.referral_delete(referral=referral, **kw),
        back=reverse("counselling:visitor_detail", args=[referral.visitor.code]),
        title=_("Delete the referral to %(partner)s") % {"partner": referral.partner.name},
    )


@require_POST
@permission_required(COUNSEL)
def follow_up_done(request, pk: int):
    session = get_visible_or_404(Session, request.user, pk=pk)
    services.session_follow_up_done(session=session, user=request.user)
    messages.success(request, _("Follow-up marked as done."))
    messages.info(request, NEXT_AFTER_FOLLOW_UP)
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
            messages.info(request, NEXT_AFTER_GROUP_SESSION)
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
        "can_correct": services.may_correct(user=request.user, record=group),
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
            messages.info(request, NEXT_AFTER_REFERRAL)
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
            messages.info(request, NEXT_AFTER_REFERRAL_UPDATE)
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
        "can_correct": services.may_correct(user=request.user, record=referral),
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
            messages.info(request, NEXT_AFTER_MERGE)
            return redirect("counselling:visitor_detail", code=keep.code)
    return render(request, "counselling/merge.html", {"form": form})


@permission_required(COUNSEL)
def visitor_card(request, code: str):
    """The card's print view, in the visitor's language (the page's controls in the user's)."""
    visitor = get_visible_or_404(Visitor, request.user, code=code)
    services.audit_record(
        visitor=visitor, user=request.user, action=AuditEvent.Action.VIEWED, detail="card"
    )
    context = {
        "visitor": visitor,
        "print_label": _("Print the card"),
        "pdf_label": _("Download the card (PDF)"),
        "back_label": _("Back to the visitor"),
        "pdf_url": reverse("counselling:visitor_card_pdf", args=[visitor.code]),
    }
    language = card.card_language(visitor, fallback=get_language())
    with translation.override(language):
        context |= {
            "card_language": language,
            "texts": card.card_texts(visitor),
            "qr_label": _("QR code of the visitor code %(code)s") % {"code": visitor.code},
            "qr_svg": mark_safe(card.card_qr(visitor).svg_inline(scale=4, border=2)),
        }
    return render(request, "counselling/visitor_card.html", context)


@permission_required(COUNSEL)
def visitor_card_pdf(request, code: str):
    visitor = get_visible_or_404(Visitor, request.user, code=code)
    services.audit_record(
        visitor=visitor, user=request.user, action=AuditEvent.Action.VIEWED, detail="card PDF"
    )
    language = card.card_language(visitor, fallback=get_language())
    response = HttpResponse(
        card.card_pdf(visitor, language=language), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="card-{visitor.code}.pdf"'
    return response


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


@login_required
def data_quality(request):
    """The records to fix, per centre and counsellor (centre staff and coordinators, within
    their scope), and the problems counted per centre: the coordinator's country, the
    programme's network (counts only)."""
    user = request.user
    lists = user.can(COUNSEL)
    if not lists and not user.can(Permission.VIEW_NETWORK_STATISTICS):
        raise PermissionDenied
    centres = Centre.objects.staffed_by(user).active().order_by("name")
    context = {"problems": quality.PROBLEMS, "centres": centres}
    if lists:
        centre = _centre_from_query(request)
        staff = User.objects.filter(centres__in=centres).distinct().order_by("full_name")
        counsellor_id = request.GET.get("counsellor", "")
        counsellor = staff.filter(pk=counsellor_id).first() if counsellor_id.isdigit() else None
        found = quality.problem_rows(user=user, centre=centre, counsellor=counsellor)
        context |= {
            "centre": centre,
            "counsellor": counsellor,
            "staff": staff,
            "sections": [(p, found[p.key]) for p in quality.PROBLEMS],
        }
        services.audit_record(
            user=user,
            action=AuditEvent.Action.LISTED,
            centre=centre,
            count=sum(len(item["rows"]) for item in found.values()),
            detail="data quality",
        )
    if user.scope.whole_network or user.scope.country:
        context["rollup"] = quality.problem_counts_by_centre(centres)
    return render(request, "counselling/data_quality.html", context)


@permission_required(Permission.VIEW_CENTRE_STATISTICS)
def statistics(request):
    """Aggregates only: managers and coordinators for their centres, programme managers for
    the network. No visitor is named here."""
    form = StatisticsForm(request.GET, user=request.user)
    # A coordinator reads their country's figures; a manager their centre's.
    title = _("Country statistics") if request.user.scope.country else _("Centre statistics")
    if request.user.scope.whole_network:
        title = _("Network statistics")
    context = {"form": form, "title": title}
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
    imports = selectors.session_import_list(user=request.user)[:20]
    context = {"form": form, "columns": importer.COLUMNS, "jobs": jobs, "imports": imports}
    return render(request, "counselling/import.html", context)


@permission_required(Permission.MANAGE_CENTRE)
def session_import_roll_back(request, pk: int):
    """Asks for confirmation, then undoes a whole legacy import (audited)."""
    session_import = get_object_or_404(selectors.session_import_list(user=request.user), pk=pk)
    if request.method == "POST":
        try:
            undone = services.session_import_roll_back(
                user=request.user, session_import=session_import
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "Import rolled back: %(sessions)d sessions and %(visitors)d visitors "
                    "removed; %(kept)d visitors served since were kept."
                )
                % undone,
            )
        return redirect("counselling:sessions_import")
    context = {"session_import": session_import}
    return render(request, "counselling/import_roll_back.html", context)


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


@permission_required(COUNSEL)
def training_interest_create(request, code: str):
    """A student visitor was told of a listed graduate training, or applied to it."""
    visitor = get_visible_or_404(Visitor, request.user, code=code)
    form = TrainingInterestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_interest_record(
                user=request.user, visitor=visitor, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("Recorded: the training's page counts it among those informed or applied."),
            )
            return redirect("counselling:visitor_detail", code=visitor.code)
    context = {"form": form, "visitor": visitor}
    return render(request, "counselling/training_interest_form.html", context)


@permission_required(Permission.REVIEW_DUPLICATES)
def duplicate_review(request):
    """Probable duplicates across centres in the user's review scope: merge, or mark as two
    people. The programme sees codes, centres and why they match, not names."""
    form = DuplicatePairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = _review_decide(request.user, form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, message)
        return redirect("counselling:duplicate_review")
    context = {
        "pairs": duplicate_pairs(user=request.user),
        "show_names": Visitor.objects.visible_to(request.user).exists(),
        "merges": services.visitor_merges_recent(user=request.user),
    }
    return render(request, "counselling/duplicate_review.html", context)


def _review_decide(user, data) -> str:
    scope = review_scope(user) or Visitor.objects.none()
    first = get_object_or_404(scope, pk=data["first"])
    second = get_object_or_404(scope, pk=data["second"])
    if data["action"] == "distinct":
        services.visitor_pair_distinct(user=user, first=first, second=second)
        return _("Marked as two different people: %(a)s and %(b)s.") % {
            "a": first.code,
            "b": second.code,
        }
    keep, remove = (first, second) if data["action"] == "keep_first" else (second, first)
    services.visitor_merge(user=user, keep=keep, remove=remove)
    return _("%(removed)s merged into %(kept)s. The merge can be undone for 30 days.") % {
        "removed": remove.code,
        "kept": keep.code,
    }


@require_POST
@permission_required(Permission.MANAGE_CENTRE, Permission.REVIEW_DUPLICATES)
def merge_undo(request, pk: int):
    merge = get_object_or_404(VisitorMerge.objects.select_related("kept", "removed"), pk=pk)
    try:
        removed = services.visitor_merge_undo(user=request.user, merge=merge)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("counselling:visitor_detail", code=merge.kept.code)
    messages.success(
        request,
        _("Merge undone: %(removed)s and %(kept)s are two records again.")
        % {"removed": removed.code, "kept": merge.kept.code},
    )
    return redirect("counselling:visitor_detail", code=removed.code)
