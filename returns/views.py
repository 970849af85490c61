import json
import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import permission_required
from accounts.models import Role
from accounts.permissions import Permission
from counselling.models import AuditEvent
from counselling.services import audit_record
from msc_portal.concurrency import atomic_post
from skills.exporters import FORMATS

from . import selectors, services
from .eligibility import eligibility_check, is_eligible
from .exporters import SurveyAnswerExporter
from .filters import NeedFilter
from .forms import (
    AccountForm,
    ActivationResendForm,
    ApplicationForm,
    AssignmentForm,
    AvailabilityFormSet,
    CvForm,
    DeleteAccountForm,
    EvaluationForm,
    ExpertProfileForm,
    ExpertRegistrationForm,
    HostForm,
    InternshipForm,
    InvitationAcceptForm,
    InvitationForm,
    LanguageFormSet,
    MoveForm,
    NeedForm,
    OfficialTrainingForm,
    ParticipantFormSet,
    ReportForm,
    SkillFormSet,
    SurveyAnswerForm,
    SurveyQuestionForm,
)
from .models import (
    Application,
    Assignment,
    ExpertProfile,
    Host,
    InternshipIdentification,
    Need,
    OfficialTraining,
    Programme,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    is_programme_staff,
)
from .transitions import APPLICATION_MOVES, ASSIGNMENT_MOVES, NEED_MOVES, after_move, moves_for

logger = logging.getLogger(__name__)


def _visible(model_or_queryset, user, **lookup):
    """One object the user may see, or 404 (accounts.access.get_visible_or_404 for querysets)."""
    queryset = getattr(model_or_queryset, "objects", model_or_queryset)
    return get_object_or_404(queryset.visible_to(user), **lookup)


def _form_page(request, title, form, *, formsets=(), submit=None, intro="", multipart=False):
    context = {
        "title": title,
        "form": form,
        "formsets": formsets,
        "submit": submit or _("Save"),
        "intro": intro,
        "multipart": multipart,
    }
    return render(request, "returns/form_page.html", context)


def _apply_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Skill needs: public ----------------------------------------------------------------------


def need_list(request):
    """Published Terms of Reference, for anyone: what host institutions are asking for."""
    needs = Need.objects.published().select_related("host", "sector").order_by("-published_at")
    need_filter = NeedFilter(request.GET, queryset=needs)
    page = Paginator(need_filter.qs, 20).get_page(request.GET.get("page"))
    return render(request, "returns/need_list.html", {"filter": need_filter, "page": page})


def need_detail(request, pk: int):
    need = _visible(selectors.need_with_facts(Need.objects.all()), request.user, pk=pk)
    context = {"need": need}
    user = request.user
    if user.is_authenticated:
        context["moves"] = moves_for(NEED_MOVES, need.status, user.role)
        context["is_member"] = need.host.memberships.filter(user=user).exists()
        if user.role == Role.EXPERT and need.status == Need.Status.PUBLISHED:
            expert = services.expert_profile_for(user=user)
            context["criteria"] = eligibility_check(need.programme, expert, need)
            context["applied"] = (
                Application.objects.filter(need=need, expert=expert).only("pk").first()
            )
    elif need.status == Need.Status.PUBLISHED:
        # Visitors of the public page: sign in or register, then straight back to applying.
        context["apply_url"] = reverse("returns:application_create", args=[need.pk])
    return render(request, "returns/need_detail.html", context)


# --- Host institutions ------------------------------------------------------------------------


def host_register(request):
    """An institution registers; its registrant becomes its first member."""
    user = request.user
    if user.is_authenticated and user.role != Role.HOST_MEMBER:
        raise PermissionDenied
    form = HostForm(request.POST or None)
    account = None if user.is_authenticated else AccountForm(request.POST or None, prefix="you")
    if request.method == "POST" and form.is_valid() and (account is None or account.is_valid()):
        person = {"registrant": user} if account is None else account.cleaned_data
        try:
            host = services.host_register(host_data=form.cleaned_data, **person)
        except ValidationError as error:
            _apply_errors(account or form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered. The programme will verify it before it can publish.")
                % {"name": form.cleaned_data["name"]},
            )
            if account:
                return redirect("accounts:login")
            return redirect("returns:host_detail", host.pk)
    return _form_page(
        request,
        _("Register your institution"),
        form,
        formsets=[account] if account else [],
        submit=_("Register"),
        intro=_(
            "Public administrations, universities, hospitals, schools, companies and NGOs in "
            "the Western Balkans can ask for diaspora experts. You become the institution's first "
            "member and can invite colleagues."
        ),
    )


@permission_required(Permission.MANAGE_PROGRAMME)
def host_list(request):
    hosts = (
        Host.objects.visible_to(request.user)
        .select_related("sector")
        .order_by("verified_at", "name")
    )
    # "N host institutions to verify" on the home page opens this list filtered.
    to_verify = request.GET.get("to") == "verify"
    if to_verify:
        hosts = selectors.hosts_to_verify(hosts)
    page = Paginator(hosts, 50).get_page(request.GET.get("page"))
    return render(request, "returns/host_list.html", {"page": page, "to_verify": to_verify})


@permission_required(Permission.FOLLOW_RETURNS)
def host_detail(request, pk: int):
    host = _visible(Host.objects.select_related("sector"), request.user, pk=pk)
    context = {
        "host": host,
        "members": host.memberships.select_related("user").order_by("user__full_name"),
        "needs": host.needs.order_by("-created_at"),
        "invitation_form": InvitationForm(),
        "is_member": any(m.user_id == request.user.pk for m in host.memberships.all()),
    }
    return render(request, "returns/host_detail.html", context)


@require_POST
@permission_required(Permission.MANAGE_PROGRAMME)
def host_verify(request, pk: int):
    host = _visible(Host, request.user, pk=pk)
    services.host_verify(host=host, actor=request.user)
    messages.success(
        request,
        _("%(name)s is verified: its members have been told and can now submit skill needs.")
        % {"name": host.name},
    )
    return redirect("returns:host_list")


@require_POST
@permission_required(Permission.POST_SKILL_NEEDS)
def host_invite(request, pk: int):
    host = _visible(Host, request.user, pk=pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        services.host_invite(host=host, email=form.cleaned_data["email"], actor=request.user)
        messages.success(request, _("The invitation is on its way."))
    else:
        messages.error(request, _("Give a valid e-mail address."))
    return redirect("returns:host_detail", host.pk)


def invitation_accept(request, token: str):
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError as error:
        return render(request, "returns/message.html", {"message": error.messages[0]}, status=200)
    user = request.user if request.user.is_authenticated else None
    form = None if user else InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            services.invitation_accept(
                invitation=invitation, user=user, **(form.cleaned_data if form else {})
            )
        except ValidationError as error:
            return render(request, "returns/message.html", {"message": error.messages[0]})
        messages.success(request, _("You joined %(name)s.") % {"name": invitation.host.name})
        return redirect("home" if user else "accounts:login")
    return render(
        request, "returns/invitation_accept.html", {"invitation": invitation, "form": form}
    )


# --- Skill needs: hosts and programme ---------------------------------------------------------


@permission_required(Permission.FOLLOW_RETURNS)
def need_manage(request):
    """The host's own needs in every state; for the programme, every host's."""
    if request.user.role == Role.EXPERT:
        raise PermissionDenied
    needs = (
        Need.objects.managed_by(request.user)
        .select_related("host")
        .order_by("status", "-created_at")
    )
    status = request.GET.get("status")
    if status in Need.Status.values:
        needs = needs.filter(status=status)
    page = Paginator(needs, 50).get_page(request.GET.get("page"))
    hosts = Host.objects.visible_to(request.user) if request.user.role == Role.HOST_MEMBER else []
    context = {"page": page, "statuses": Need.Status.choices, "status": status, "hosts": hosts}
    return render(request, "returns/need_manage.html", context)


def _need_form_page(request, form, languages, title):
    return _form_page(request, title, form, formsets=[languages], submit=_("Save draft"))


@permission_required(Permission.POST_SKILL_NEEDS)
def need_create(request, host_pk: int):
    host = _visible(Host, request.user, pk=host_pk)
    form = NeedForm(request.POST or None)
    languages = LanguageFormSet(request.POST or None, prefix="lang")
    if request.method == "POST" and form.is_valid() and languages.is_valid():
        data, skills = form.split()
        try:
            need = services.need_create(
                host=host,
                actor=request.user,
                data={**data, "programme": _default_programme()},
                skills=skills,
                languages=languages.rows("language", "level"),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The draft is saved. Submit it for approval when it is complete."),
            )
            return redirect("returns:need_detail", need.pk)
    return _need_form_page(request, form, languages, _("New skill need for %s") % host.name)


def _default_programme():
    from .models import Programme

    return Programme.objects.get(is_default=True)


@permission_required(Permission.POST_SKILL_NEEDS)
@atomic_post
def need_edit(request, pk: int):
    need = _visible(Need, request.user, pk=pk)
    if need.status != Need.Status.DRAFT:
        messages.error(request, services.NOT_EDITABLE)
        return redirect("returns:need_detail", need.pk)
    form = NeedForm(request.POST or None, instance=need)
    initial = [{"language": x.language, "level": x.min_level} for x in need.languages.all()]
    languages = LanguageFormSet(request.POST or None, prefix="lang", initial=initial)
    if request.method == "POST" and form.is_valid() and languages.is_valid():
        data, skills = form.split()
        try:
            services.need_update(
                need=need,
                actor=request.user,
                data=data,
                skills=skills,
                languages=languages.rows("language", "level"),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The draft is saved. Submit it for approval when it is complete."),
            )
            return redirect("returns:need_detail", need.pk)
    return _need_form_page(request, form, languages, _("Edit skill need"))


def _move(request, obj, service, detail_url, **kwargs):
    """Makes the move the pressed button asks for; a refused move changes nothing."""
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do."))
        return redirect(detail_url, obj.pk)
    try:
        service(target=form.cleaned_data["target"], actor=request.user, **kwargs)
    except PermissionDenied as error:
        messages.error(request, str(error) or services.MOVE_REFUSED)
        return redirect(detail_url, obj.pk)
    messages.success(request, after_move(obj, form.cleaned_data["target"]))
    return redirect(detail_url, obj.pk)


@require_POST
@permission_required(Permission.BROWSE_SKILL_NEEDS)
def need_move(request, pk: int):
    need = _visible(Need, request.user, pk=pk)
    return _move(request, need, services.need_move, "returns:need_detail", need=need)


@permission_required(Permission.FOLLOW_RETURNS)
def need_matches(request, pk: int):
    """Eligible experts ranked for a need, with the score's breakdown; people decide."""
    if request.user.role == Role.EXPERT:
        raise PermissionDenied
    need = _visible(selectors.need_with_facts(Need.objects.all()), request.user, pk=pk)
    ranked = selectors.experts_ranked_for_need(need, request.user)
    skill_names = {s.pk: s.name for s in need.essential_skills.all()}
    rows = [
        {
            "expert": expert,
            "match": match,
            "missing": sorted(skill_names[pk] for pk in match.missing_skills),
        }
        for expert, match in ranked
    ]
    return render(request, "returns/need_matches.html", {"need": need, "rows": rows})


# --- Experts ----------------------------------------------------------------------------------


def expert_register(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = ExpertRegistrationForm(request.POST or None)
    after = request.GET.get("next", "")
    if after and url_has_allowed_host_and_scheme(after, allowed_hosts={request.get_host()}):
        request.session[AFTER_ACTIVATION] = after  # e.g. the application to a need
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "consent"}
        try:
            services.expert_register(**data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return render(
                request,
                "returns/message.html",
                {
                    "title": _("Check your e-mail"),
                    "message": _(
                        "Check your e-mail: open the link we sent you to activate your account."
                    ),
                },
            )
    return _form_page(
        request,
        _("Register as a diaspora expert"),
        form,
        submit=_("Register"),
        intro=_(
            "Return for a few weeks, on site or online, to an institution in your country of "
            "origin that needs your skills."
        ),
    )


def activation_resend(request):
    """Lost the activation e-mail (or the invitation): it is sent again. The answer is the same
    whether or not the address has an account waiting (it reveals no account)."""
    form = ActivationResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.activation_resend(email=form.cleaned_data["email"])
        message = _(
            "If an account waits for activation at this address, or an invitation was sent to "
            "it, we have sent the e-mail again. Check your inbox and your spam folder."
        )
        return render(request, "returns/message.html", {"message": message})
    return _form_page(
        request,
        _("Send the activation e-mail again"),
        form,
        submit=_("Send again"),
        intro=_("Enter the e-mail address you registered or were invited with."),
    )


def expert_activate(request, uidb64: str, token: str):
    User = get_user_model()
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), role=Role.EXPERT)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not services.activation_tokens.check_token(user, token):
        message = _("This activation link is invalid or was used already.")
        return render(request, "returns/message.html", {"message": message})
    services.expert_activate(user=user)
    after = request.session.pop(AFTER_ACTIVATION, "")
    if after:
        messages.success(
            request, _("Your account is active. Sign in to go on with your application.")
        )
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': after})}")
    messages.success(request, _("Your account is active. Please sign in."))
    return redirect("accounts:login")


AFTER_ACTIVATION = "returns:after-activation"


def _own_expert(request) -> ExpertProfile:
    return services.expert_profile_for(user=request.user)


@permission_required(Permission.APPLY_FOR_RETURN)
@atomic_post
def expert_profile(request):
    expert = _own_expert(request)
    data = request.POST or None
    form = ExpertProfileForm(data, instance=expert)
    skills = SkillFormSet(
        data,
        prefix="skill",
        initial=[{"skill": s.skill_id, "proficiency": s.proficiency} for s in expert.skills.all()],
    )
    languages = LanguageFormSet(
        data,
        prefix="lang",
        initial=[{"language": x.language, "level": x.level} for x in expert.languages.all()],
    )
    windows = AvailabilityFormSet(
        data,
        prefix="avail",
        initial=[{"start": a.start, "end": a.end} for a in expert.availabilities.all()],
    )
    formsets = [skills, languages, windows]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets):
        fields, sectors = form.split()
        try:
            services.expert_update_profile(
                expert=expert,
                data=fields,
                sectors=sectors,
                skills=skills.rows("skill", "proficiency"),
                languages=languages.rows("language", "level"),
                availability=windows.rows("start", "end"),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("returns:expert_profile")
    return render(
        request,
        "returns/expert_profile.html",
        {
            "form": form,
            "formsets": formsets,
            "expert": expert,
            "cv_form": CvForm(),
            **_eligibility_context(
                Programme.objects.filter(is_default=True).first(), expert, own=True
            ),
        },
    )


def _eligibility_context(programme, expert, need=None, *, own=False) -> dict:
    """The expert's verdict under a programme's rules, for their profile and the programme's
    view of an application."""
    if programme is None:
        return {}
    criteria = eligibility_check(programme, expert, need)
    eligible = is_eligible(criteria)
    return {"programme": programme, "criteria": criteria, "eligible": eligible, "own": own}


@require_POST
@permission_required(Permission.APPLY_FOR_RETURN)
def expert_cv_upload(request):
    expert = _own_expert(request)
    form = CvForm(request.POST, request.FILES)
    if form.is_valid():
        services.expert_upload_cv(expert=expert, cv=form.cleaned_data["cv"])
        messages.success(request, _("Your CV is saved."))
        return redirect("returns:expert_profile")
    return _form_page(request, _("Upload your CV"), form, submit=_("Upload"), multipart=True)


def _audit_expert_read(request, expert: ExpertProfile, action: str) -> None:
    """Staff and hosts reading an expert's profile or CV are audited; the expert is not."""
    if expert.user_id != request.user.pk:
        audit_record(user=request.user, action=action, detail=f"expert {expert.pk}")


@permission_required(Permission.FOLLOW_RETURNS)
def expert_cv(request, pk: int):
    """The CV, only for the expert, programme staff and hosts the expert was proposed to."""
    expert = _visible(ExpertProfile, request.user, pk=pk)
    if not expert.cv:
        raise Http404
    try:
        content = expert.cv.open("rb")
    except FileNotFoundError:
        logger.error("Expert %s: CV file %s is missing from storage", expert.pk, expert.cv.name)
        context = {
            "message": _(
                "The CV file of this expert is missing. Ask the expert to upload it again, or the "
                "portal's administrators to restore it from the backup."
            ),
            "back_url": reverse("returns:expert_detail", args=[expert.pk])
            if request.user.pk != expert.user_id
            else reverse("returns:expert_profile"),
        }
        return render(request, "file_missing.html", context, status=410)
    _audit_expert_read(request, expert, AuditEvent.Action.CV_DOWNLOADED)
    response = FileResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cv-{expert.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required(Permission.FOLLOW_RETURNS)
def expert_detail(request, pk: int):
    expert = _visible(
        ExpertProfile.objects.select_related("user", "occupation", "isco_group"),
        request.user,
        pk=pk,
    )
    _audit_expert_read(request, expert, AuditEvent.Action.EXPERT_VIEWED)
    context = {
        "expert": expert,
        "skills": expert.skills.select_related("skill"),
        "applications": Application.objects.visible_to(request.user)
        .filter(expert=expert)
        .select_related("need__host"),
    }
    return render(request, "returns/expert_detail.html", context)


@permission_required(Permission.APPLY_FOR_RETURN)
def expert_export(request):
    data = services.expert_export(expert=_own_expert(request))
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required(Permission.APPLY_FOR_RETURN)
def expert_delete(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.expert_delete(expert=_own_expert(request))
        auth_logout(request)
        return render(
            request,
            "returns/message.html",
            {"message": _("Your account and personal data are deleted.")},
        )
    return _form_page(
        request,
        _("Delete my account"),
        form,
        submit=_("Delete my account"),
        intro=_(
            "Your account, profile, CV and motivations are deleted. The programme keeps only "
            "anonymous counts (for example, that an expert applied and was assigned)."
        ),
    )


@permission_required(Permission.APPLY_FOR_RETURN)
def expert_needs(request):
    """The published needs that fit the signed-in expert best."""
    expert = selectors.expert_for_matching(request.user)
    ranked = selectors.needs_ranked_for_expert(expert)
    return render(request, "returns/expert_needs.html", {"ranked": ranked})


# --- Applications -----------------------------------------------------------------------------


@permission_required(Permission.APPLY_FOR_RETURN)
def application_create(request, need_pk: int):
    need = _visible(
        Need.objects.published().select_related("programme", "host"), request.user, pk=need_pk
    )
    expert = _own_expert(request)
    criteria = eligibility_check(need.programme, expert, need)
    form = ApplicationForm(request.POST or None, need=need)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "longer_on_purpose"}
        try:
            application = services.application_submit(expert=expert, need=need, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your application is sent. The programme screens it next and tells you by "
                    "e-mail at each step."
                ),
            )
            return redirect("returns:application_detail", application.pk)
    context = {
        "need": need,
        "form": form,
        "criteria": criteria,
        "eligible": is_eligible(criteria),
    }
    return render(request, "returns/application_create.html", context)


@permission_required(Permission.FOLLOW_RETURNS)
def application_list(request):
    applications = (
        Application.objects.visible_to(request.user)
        .select_related("need__host", "expert__user")
        .order_by("-created_at")
    )
    # "N to screen" on the home page opens this list filtered; any statuses can be chosen too.
    to_screen = request.GET.get("to") == "screen"
    if to_screen:
        applications = selectors.applications_to_screen(applications)
    statuses = [s for s in request.GET.getlist("status") if s in Application.Status.values]
    if statuses:
        applications = applications.filter(status__in=statuses)
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "to_screen": to_screen,
        "statuses": Application.Status.choices,
        "chosen": statuses,
    }
    return render(request, "returns/application_list.html", context)


@permission_required(Permission.FOLLOW_RETURNS)
def application_detail(request, pk: int):
    application = _visible(
        Application.objects.select_related("need__host", "expert__user"), request.user, pk=pk
    )
    context = {
        "application": application,
        "changes": application.changes.select_related("actor"),
        "moves": moves_for(APPLICATION_MOVES, application.status, request.user.role),
        "assignment": Assignment.objects.filter(application=application).first(),
        "move_form": MoveForm(),
    }
    if is_programme_staff(request.user):
        need = application.need
        context.update(_eligibility_context(need.programme, application.expert, need))
    return render(request, "returns/application_detail.html", context)


@require_POST
@permission_required(Permission.FOLLOW_RETURNS)
def application_move(request, pk: int):
    application = _visible(Application, request.user, pk=pk)
    return _move(
        request,
        application,
        services.application_move,
        "returns:application_detail",
        application=application,
        comment=request.POST.get("comment", "")[:2000],
    )


# --- Assignments ------------------------------------------------------------------------------


@permission_required(Permission.FOLLOW_RETURNS)
def assignment_list(request):
    assignments = (
        Assignment.objects.visible_to(request.user)
        .select_related("application__need__host", "application__expert__user")
        .order_by("-start")
    )
    page = Paginator(assignments, 50).get_page(request.GET.get("page"))
    return render(request, "returns/assignment_list.html", {"page": page})


def _assignment(request, pk):
    return _visible(
        Assignment.objects.select_related("application__need__host", "application__expert__user"),
        request.user,
        pk=pk,
    )


@permission_required(Permission.FOLLOW_RETURNS)
def assignment_detail(request, pk: int):
    assignment = _assignment(request, pk)
    user = request.user
    context = {
        "assignment": assignment,
        "changes": assignment.changes.select_related("actor"),
        "moves": moves_for(ASSIGNMENT_MOVES, assignment.status, user.role),
        "report": getattr(assignment, "report", None),
        "evaluation": getattr(assignment, "evaluation", None),
        "can_report": user.role == Role.EXPERT and assignment.status == Assignment.Status.COMPLETED,
        "can_evaluate": user.role == Role.HOST_MEMBER
        and assignment.status == Assignment.Status.REPORTED,
        "can_edit": is_programme_staff(user),
        # The surveys of this assignment the user answers (or, for the programme, all of them).
        "surveys": SurveyResponse.objects.visible_to(user).filter(assignment=assignment),
    }
    return render(request, "returns/assignment_detail.html", context)


@permission_required(Permission.MANAGE_PROGRAMME)
@atomic_post
def assignment_edit(request, pk: int):
    assignment = _assignment(request, pk)
    form = AssignmentForm(request.POST or None, instance=assignment)
    if request.method == "POST" and form.is_valid():
        services.assignment_update(
            assignment=assignment, actor=request.user, data=form.cleaned_data
        )
        messages.success(request, _("The assignment is saved."))
        return redirect("returns:assignment_detail", assignment.pk)
    return _form_page(request, _("Assignment: dates and budget (EUR)"), form)


@require_POST
@permission_required(Permission.FOLLOW_RETURNS)
def assignment_move(request, pk: int):
    assignment = _assignment(request, pk)
    return _move(
        request,
        assignment,
        services.assignment_move,
        "returns:assignment_detail",
        assignment=assignment,
        comment=request.POST.get("comment", "")[:2000],
    )


def _after_form(request, pk, form_class, service, title, role):
    assignment = _assignment(request, pk)
    if request.user.role != role:
        raise PermissionDenied
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(assignment=assignment, actor=request.user, data=form.cleaned_data)
        except PermissionDenied:
            messages.error(request, services.MOVE_REFUSED)
        except ValidationError as error:
            _apply_errors(form, error)
            return _form_page(request, title, form, submit=_("Send"))
        else:
            target = (
                Assignment.Status.REPORTED if role == Role.EXPERT else Assignment.Status.EVALUATED
            )
            messages.success(request, after_move(assignment, target))
        return redirect("returns:assignment_detail", assignment.pk)
    return _form_page(request, title, form, submit=_("Send"))


@permission_required(Permission.APPLY_FOR_RETURN)
def assignment_report(request, pk: int):
    return _after_form(
        request, pk, ReportForm, services.assignment_report, _("Your report"), Role.EXPERT
    )


@permission_required(Permission.POST_SKILL_NEEDS)
def assignment_evaluate(request, pk: int):
    return _after_form(
        request,
        pk,
        EvaluationForm,
        services.assignment_evaluate,
        _("Evaluate the assignment"),
        Role.HOST_MEMBER,
    )


# --- Surveys ----------------------------------------------------------------------------------


@permission_required(Permission.FOLLOW_RETURNS)
def survey_list(request):
    """The surveys the user answers (an expert: their own; a host: their institution's); the
    programme sees all, sets the questions and exports the answers."""
    surveys = (
        SurveyResponse.objects.visible_to(request.user)
        .select_related("assignment__application__need__host")
        .order_by(F("submitted_at").desc(nulls_first=True), "-opened_at")
    )
    page = Paginator(surveys, 50).get_page(request.GET.get("page"))
    context = {"page": page, "is_staff": is_programme_staff(request.user)}
    return render(request, "returns/survey_list.html", context)


@permission_required(Permission.FOLLOW_RETURNS)
def survey_answer(request, pk: int):
    response = _visible(
        SurveyResponse.objects.select_related("assignment__application__need__host"),
        request.user,
        pk=pk,
    )
    questions = SurveyQuestion.objects.filter(
        audience=response.audience, moment=response.moment, is_active=True
    )
    may_answer = not response.submitted_at and not is_programme_staff(request.user)
    form = SurveyAnswerForm(request.POST or None, questions=questions) if may_answer else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(response=response, user=request.user, answers=form.answers())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you: your answers are saved. The programme uses them, without your "
                    "name, to show what the assignments changed."
                ),
            )
            return redirect("returns:survey_list")
    context = {
        "response": response,
        "form": form,
        "answers": response.answers.select_related("question") if response.submitted_at else [],
    }
    return render(request, "returns/survey_answer.html", context)


@permission_required(Permission.MANAGE_PROGRAMME)
def survey_questions(request):
    context = {"questions": SurveyQuestion.objects.all()}
    return render(request, "returns/survey_questions.html", context)


@permission_required(Permission.MANAGE_PROGRAMME)
def survey_question_edit(request, pk: int | None = None):
    question = get_object_or_404(SurveyQuestion, pk=pk) if pk else None
    form = SurveyQuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("The question is saved. It is asked in the surveys opened from now on."),
        )
        return redirect("returns:survey_questions")
    title = _("Edit the question") if pk else _("New survey question")
    return _form_page(request, title, form)


@permission_required(Permission.MANAGE_PROGRAMME)
def survey_export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    answers = SurveyAnswer.objects.filter(
        response__in=SurveyResponse.objects.visible_to(request.user)
    )
    filename, content_type, content = SurveyAnswerExporter(answers).render(fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Capacity building of officials -----------------------------------------------------------


@permission_required(Permission.MANAGE_PROGRAMME)
def capacity_overview(request):
    context = {
        "trainings": OfficialTraining.objects.annotate(
            participant_count=Count("participants"),
            women=Count("participants", filter=Q(participants__sex="F")),
            consular=Count("participants", filter=Q(participants__is_consular=True)),
        ),
        "internships": InternshipIdentification.objects.select_related("identified_by", "sector")[
            :100
        ],
    }
    return render(request, "returns/capacity_overview.html", context)


@permission_required(Permission.MANAGE_PROGRAMME)
def official_training_edit(request, pk: int | None = None):
    training = get_object_or_404(OfficialTraining, pk=pk) if pk else OfficialTraining()
    form = OfficialTrainingForm(request.POST or None, instance=training)
    formset = ParticipantFormSet(request.POST or None, instance=training, prefix="participants")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        services.official_training_save(form=form, formset=formset, user=request.user)
        messages.success(
            request,
            _(
                "The training and its participants are saved; the indicators of officials trained "
                "count them."
            ),
        )
        return redirect("returns:capacity_overview")
    formset.title = _("Participants")
    title = _("Edit the training") if pk else _("New training or workshop for officials")
    return _form_page(request, title, form, formsets=[formset])


@permission_required(Permission.MANAGE_PROGRAMME)
def internship_edit(request, pk: int | None = None):
    internship = get_object_or_404(InternshipIdentification, pk=pk) if pk else None
    form = InternshipForm(request.POST or None, instance=internship)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The internship is saved."))
        return redirect("returns:capacity_overview")
    title = _("Internship identified by a consular official")
    return _form_page(request, title, form)
