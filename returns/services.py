"""Writes of the TVR programme. Each checks who may do it, validates, saves, and queues mail
after the transaction commits."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.timezone import localdate, now
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.services import user_create, user_erase
from msc_portal import retention

from . import tasks
from .eligibility import eligibility_check, is_eligible
from .models import (
    Application,
    Assignment,
    Availability,
    ExpertLanguage,
    ExpertProfile,
    ExpertReport,
    ExpertSkill,
    Host,
    HostEvaluation,
    HostInvitation,
    HostMembership,
    Need,
    NeedLanguage,
    StatusChange,
    SurveyAnswer,
    SurveyAudience,
    SurveyMoment,
    SurveyQuestion,
    SurveyResponse,
    is_programme_staff,
)
from .transitions import APPLICATION_MOVES, ASSIGNMENT_MOVES, NEED_MOVES, may_move

HOST_NOT_VERIFIED = _("The programme has not verified this institution yet.")
MOVE_REFUSED = _("You may not make this change.")
NEED_NOT_OPEN = _("This need is not open for applications.")
NOT_ELIGIBLE = _("You do not meet the programme's eligibility rules.")
ALREADY_APPLIED = _("You have already applied to this need.")
INVITATION_INVALID = _("This invitation link is invalid, expired or already used.")
INVITATION_OTHER_ACCOUNT = _("This invitation is for another e-mail address.")
ACCOUNT_EXISTS = _("An account with this e-mail address exists already.")
NOT_EDITABLE = _("Only a draft can be edited.")

INVITATION_SALT = "returns.host-invitation"
INVITATION_MAX_AGE = 14 * 24 * 3600


class _ActivationTokenGenerator(PasswordResetTokenGenerator):
    """One-time e-mail verification links: the token changes once the account is active."""

    key_salt = "returns.expert-activation"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


activation_tokens = _ActivationTokenGenerator()


def _after_commit(task, *args):
    """The e-mail is recorded in the outbox with the change (sent when the broker answers)."""
    from outbox.services import outbox_enqueue

    outbox_enqueue(task, *args)


def _require(condition: bool, message=MOVE_REFUSED):
    if not condition:
        raise PermissionDenied(message)


def _set_many(instance, data: dict):
    for name, value in data.items():
        setattr(instance, name, value)


# --- Host institutions ------------------------------------------------------------------------


@transaction.atomic
def host_register(
    *, host_data: dict, registrant: User | None = None, email="", full_name="", password=""
) -> Host | None:
    """Registers an institution; the registrant (a new host member if anonymous) joins it.

    Anonymous, with the e-mail address of an existing account: nothing is registered, and the
    account's owner gets an e-mail (None is returned, and the page says what it always says)."""
    if registrant is None:
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            # The page answers as for a new address; the owner of the account learns by e-mail.
            _after_commit(tasks.send_account_exists, existing.pk)
            make_password(password)  # as slow as creating the account: timing tells nothing
            return None
        registrant = user_create(
            email=email, full_name=full_name, password=password, role=Role.HOST_MEMBER
        )
    _require(registrant.role == Role.HOST_MEMBER)
    host = Host(**host_data)
    host.full_clean()
    host.save()
    HostMembership.objects.create(host=host, user=registrant)
    return host


@transaction.atomic
def host_verify(*, host: Host, actor: User) -> Host:
    _require(is_programme_staff(actor))
    if host.verified_at is None:
        host.verified_at, host.verified_by = now(), actor
        host.save(update_fields=["verified_at", "verified_by"])
        _after_commit(tasks.send_host_verified, host.pk)
    return host


@transaction.atomic
def host_invite(*, host: Host, email: str, actor: User) -> HostInvitation:
    _require(host.memberships.filter(user=actor).exists())
    invitation = HostInvitation(host=host, email=email.lower(), invited_by=actor)
    invitation.full_clean()
    invitation.save()
    _after_commit(tasks.send_host_invitation, invitation.pk)
    return invitation


def invitation_token(invitation: HostInvitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> HostInvitation:
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature as error:
        raise ValidationError(INVITATION_INVALID) from error
    invitation = HostInvitation.objects.select_related("host").filter(pk=pk).first()
    if invitation is None or invitation.accepted_at:
        raise ValidationError(INVITATION_INVALID)
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: HostInvitation, user: User | None = None, full_name="", password=""
) -> User:
    """A signed-in invitee joins; someone without an account gets one for the invited address."""
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(ACCOUNT_EXISTS)
        user = user_create(
            email=invitation.email, full_name=full_name, password=password, role=Role.HOST_MEMBER
        )
    if user.email.lower() != invitation.email or user.role != Role.HOST_MEMBER:
        raise ValidationError(INVITATION_OTHER_ACCOUNT)
    HostMembership.objects.get_or_create(host=invitation.host, user=user)
    invitation.accepted_at = now()
    invitation.save(update_fields=["accepted_at"])
    return user


# --- Skill needs ------------------------------------------------------------------------------


def _save_need(need: Need, skills: dict, languages: list[tuple[str, str]]) -> Need:
    need.full_clean()
    need.save()
    need.essential_skills.set(skills.get("essential_skills", []))
    need.optional_skills.set(skills.get("optional_skills", []))
    need.languages.all().delete()
    NeedLanguage.objects.bulk_create(
        [NeedLanguage(need=need, language=lang, min_level=level) for lang, level in languages]
    )
    return need


@transaction.atomic
def need_create(
    *, host: Host, actor: User, data: dict, skills: dict, languages: list[tuple[str, str]]
) -> Need:
    _require(host.memberships.filter(user=actor).exists())
    need = Need(host=host, created_by=actor, **data)
    return _save_need(need, skills, languages)


@transaction.atomic
def need_update(
    *, need: Need, actor: User, data: dict, skills: dict, languages: list[tuple[str, str]]
) -> Need:
    _require(Need.objects.visible_to(actor).filter(pk=need.pk, host__in=_own_hosts(actor)))
    if need.status != Need.Status.DRAFT:
        raise ValidationError(NOT_EDITABLE)
    _set_many(need, data)
    return _save_need(need, skills, languages)


def _own_hosts(user: User):
    return Host.objects.filter(memberships__user=user)


@transaction.atomic
def need_move(*, need: Need, target: str, actor: User) -> Need:
    need = Need.objects.select_for_update().get(pk=need.pk)
    _require(may_move(NEED_MOVES, need.status, target, actor.role))
    if actor.role == Role.HOST_MEMBER:
        _require(need.host.memberships.filter(user=actor).exists())
    if target in (Need.Status.SUBMITTED, Need.Status.PUBLISHED):
        _require(need.host.is_verified, HOST_NOT_VERIFIED)
    need.status = target
    if target == Need.Status.PUBLISHED:
        need.published_at = now()
    need.save(update_fields=["status", "published_at"])
    _after_commit(tasks.send_need_moved, need.pk, actor.pk)
    return need


# --- Experts ----------------------------------------------------------------------------------


@transaction.atomic
def expert_register(*, email: str, full_name: str, password: str) -> User | None:
    """A new expert account, inactive until the e-mailed link is opened.

    With the e-mail address of an existing account, the owner of that account gets an e-mail
    instead and None is returned: the page answers the same, so it reveals no account."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        _after_commit(tasks.send_account_exists, existing.pk)
        make_password(password)  # as slow as creating the account: timing tells nothing
        return None
    user = user_create(email=email, full_name=full_name, password=password, role=Role.EXPERT)
    user.is_active = False
    user.save(update_fields=["is_active"])
    ExpertProfile.objects.create(user=user, consent_at=now())
    _after_commit(tasks.send_expert_activation, user.pk)
    return user


@transaction.atomic
def activation_resend(*, email: str) -> None:
    """Sends again what opens an account at this address: an expert's activation link (not yet
    activated) or a host's pending invitations. Nothing otherwise; the page answers the same."""
    user = User.objects.filter(email__iexact=email, is_active=False, last_login=None).first()
    if user is not None and user.role == Role.EXPERT:
        _after_commit(tasks.send_expert_activation, user.pk)
    pending = HostInvitation.objects.filter(email__iexact=email, accepted_at__isnull=True)
    for invitation in pending.filter(created_at__gte=now() - timedelta(seconds=INVITATION_MAX_AGE)):
        _after_commit(tasks.send_host_invitation, invitation.pk)


@transaction.atomic
def expert_profile_for(*, user: User) -> ExpertProfile:
    """The expert's file; an expert account made elsewhere (admin, import) gets an empty one."""
    return ExpertProfile.objects.get_or_create(user=user)[0]


@transaction.atomic
def expert_activate(*, user: User) -> User:
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def expert_update(*, expert: ExpertProfile, data: dict) -> ExpertProfile:
    """Changes some plain fields of a profile (the API's PATCH)."""
    _set_many(expert, data)
    expert.full_clean(exclude=["cv"])
    expert.save()
    return expert


@transaction.atomic
def expert_update_profile(
    *,
    expert: ExpertProfile,
    data: dict,
    sectors,
    skills: list[tuple],
    languages: list[tuple[str, str]],
    availability: list[tuple],
) -> ExpertProfile:
    """Saves the profile and replaces its skills, languages and availability windows."""
    expert_update(expert=expert, data=data)
    expert.sectors.set(sectors)
    expert.skills.all().delete()
    ExpertSkill.objects.bulk_create(
        [ExpertSkill(expert=expert, skill=skill, proficiency=level) for skill, level in skills]
    )
    expert.languages.all().delete()
    ExpertLanguage.objects.bulk_create(
        [ExpertLanguage(expert=expert, language=lang, level=level) for lang, level in languages]
    )
    expert.availabilities.all().delete()
    windows = [Availability(expert=expert, start=start, end=end) for start, end in availability]
    for window in windows:
        window.full_clean(exclude=["expert"])
    Availability.objects.bulk_create(windows)
    return expert


@transaction.atomic
def expert_upload_cv(*, expert: ExpertProfile, cv) -> ExpertProfile:
    """Stores a CV that forms.validate_pdf has checked; the old file goes."""
    old = expert.cv.name if expert.cv else ""
    expert.cv.save("cv.pdf", cv, save=True)
    if old:
        storage = expert.cv.storage
        transaction.on_commit(lambda: storage.delete(old))
    return expert


def expert_export(*, expert: ExpertProfile) -> dict:
    """Everything the portal holds about an expert, for "download my data"."""
    user = expert.user
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "date_joined": user.date_joined.isoformat(),
        },
        "profile": {
            "country_of_origin": str(expert.country_of_origin),
            "country_of_residence": str(expert.country_of_residence),
            "city_of_residence": expert.city_of_residence,
            "citizenships": [str(c) for c in expert.citizenships],
            "residence_status": expert.residence_status,
            "occupation": expert.occupation.name if expert.occupation else None,
            "sectors": [s.code for s in expert.sectors.all()],
            "isced_level": expert.isced_level,
            "field_of_education": expert.field_of_education,
            "years_experience": expert.years_experience,
            "preferred_mode": expert.preferred_mode,
            "bio": expert.bio,
            "has_cv": bool(expert.cv),
            "consent_at": expert.consent_at.isoformat() if expert.consent_at else None,
        },
        "skills": [
            {"skill": s.skill.name, "proficiency": s.proficiency}
            for s in expert.skills.select_related("skill")
        ],
        "languages": [{"language": x.language, "level": x.level} for x in expert.languages.all()],
        "availability": [
            {"from": a.start.isoformat(), "until": a.end.isoformat()}
            for a in expert.availabilities.all()
        ],
        "applications": [
            {
                "need": a.need.title,
                "status": a.status,
                "motivation": a.motivation,
                "proposed_start": a.proposed_start.isoformat(),
                "proposed_end": a.proposed_end.isoformat(),
                "mode": a.mode,
                "created_at": a.created_at.isoformat(),
            }
            for a in expert.applications.select_related("need")
        ],
        "assignments": [
            {
                "need": a.application.need.title,
                "status": a.status,
                "start": a.start.isoformat(),
                "end": a.end.isoformat(),
                "report": {
                    "activities": a.report.activities,
                    "outputs": a.report.outputs,
                    "people_trained": a.report.people_trained,
                }
                if hasattr(a, "report")
                else None,
            }
            for a in Assignment.objects.filter(application__expert=expert).select_related(
                "application__need", "report"
            )
        ],
    }


@transaction.atomic
def expert_delete(*, expert: ExpertProfile) -> None:
    """Removes the person, keeps anonymous programme statistics.

    What stays: that an (anonymous) expert applied, with the states, dates and mode, and the
    assignments' budgets and ratings. What goes: the account, names, contact, CV, bio, city,
    citizenships, motivations, and free-text reports that could name the person.
    """
    user = expert.user
    cv_name = expert.cv.name if expert.cv else ""
    expert.user = None
    expert.city_of_residence = expert.field_of_education = expert.bio = ""
    expert.citizenships = []
    expert.cv = ""
    expert.anonymised_at = now()
    expert.save()
    expert.availabilities.all().delete()
    expert.applications.update(motivation="")
    StatusChange.objects.filter(application__expert=expert).update(comment="")
    ExpertReport.objects.filter(assignment__application__expert=expert).update(
        activities="", outputs=""
    )
    if cv_name:
        storage = expert.cv.storage
        transaction.on_commit(lambda: storage.delete(cv_name))
    if user is not None:
        user_erase(user=user)


def _expert_inactive_before(cutoff) -> Q:
    """No sign-in, registration, application or assignment on or after the cut-off."""
    applications = Application.objects.filter(expert=OuterRef("pk"), created_at__date__gte=cutoff)
    assignments = Assignment.objects.filter(application__expert=OuterRef("pk")).filter(
        Q(end__gte=cutoff) | Q(created_at__date__gte=cutoff)
    )
    return (
        Q(created_at__date__lt=cutoff)
        & (
            Q(user__isnull=True)
            | Q(user__last_login__isnull=True)
            | Q(user__last_login__date__lt=cutoff)
        )
        & ~Exists(applications)
        & ~Exists(assignments)
    )


def expert_cvs_due(*, today):
    """Experts with a CV, inactive for longer than the period of their country of origin."""
    with_cv = ExpertProfile.objects.exclude(cv="")
    due = Q(pk__in=[])
    for country in with_cv.values_list("country_of_origin", flat=True).distinct():
        cutoff = retention.cutoff(retention.cv_months(country), today)
        due |= Q(country_of_origin=country) & _expert_inactive_before(cutoff)
    return with_cv.filter(due)


def expert_cvs_delete_inactive(*, today=None) -> int:
    """The nightly retention run for CVs: the file and the reference go, the profile stays.
    The file is deleted first, so that a run stopped half-way leaves nothing the next run
    would not finish; a CV already gone is not due any more (safe to run twice)."""
    deleted = 0
    for expert in expert_cvs_due(today=today or localdate()).iterator():
        name = expert.cv.name
        expert.cv.storage.delete(name)
        deleted += ExpertProfile.objects.filter(pk=expert.pk, cv=name).update(cv="")
    return deleted


# --- Applications and assignments -------------------------------------------------------------


def _record(actor: User, from_status: str, to_status: str, comment: str, **target):
    change = StatusChange.objects.create(
        actor=actor, from_status=from_status, to_status=to_status, comment=comment, **target
    )
    _after_commit(tasks.send_status_change, change.pk)
    return change


@transaction.atomic
def application_submit(
    *, expert: ExpertProfile, need: Need, motivation: str, proposed_start, proposed_end, mode
) -> Application:
    if need.status != Need.Status.PUBLISHED:
        raise ValidationError(NEED_NOT_OPEN)
    if not is_eligible(eligibility_check(need.programme, expert, need)):
        raise ValidationError(NOT_ELIGIBLE)
    if expert.applications.filter(need=need).exists():
        raise ValidationError(ALREADY_APPLIED)
    application = Application(
        need=need,
        expert=expert,
        motivation=motivation,
        proposed_start=proposed_start,
        proposed_end=proposed_end,
        mode=mode,
    )
    application.full_clean()
    application.save()
    _record(expert.user, "", application.status, "", application=application)
    return application


def _is_party(user: User, application: Application) -> bool:
    """A host member of the need's host, or the expert who applied."""
    if user.role == Role.HOST_MEMBER:
        return application.need.host.memberships.filter(user=user).exists()
    if user.role == Role.EXPERT:
        return application.expert.user_id == user.pk
    return True


@transaction.atomic
def application_move(
    *, application: Application, target: str, actor: User, comment: str = ""
) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require(may_move(APPLICATION_MOVES, application.status, target, actor.role))
    _require(_is_party(actor, application))
    previous, application.status = application.status, target
    if target == Application.Status.PROPOSED:
        application.proposed_at = now()
    application.save(update_fields=["status", "proposed_at"])
    _record(actor, previous, target, comment, application=application)
    if target == Application.Status.APPROVED:
        assignment_create(application=application)
    return application


def assignment_create(*, application: Application) -> Assignment:
    need = application.need
    assignment = Assignment(
        application=application,
        mode=application.mode,
        start=application.proposed_start,
        end=application.proposed_end,
        working_days=need.duration_days,
        deliverables=need.deliverables,
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_update(*, assignment: Assignment, actor: User, data: dict) -> Assignment:
    """Programme staff set dates, working days, deliverables and the budget lines."""
    _require(is_programme_staff(actor))
    _set_many(assignment, data)
    assignment.full_clean()
    assignment.save()
    return assignment


def _assignment_party(user: User, assignment: Assignment) -> bool:
    return _is_party(user, assignment.application)


@transaction.atomic
def assignment_move(
    *, assignment: Assignment, target: str, actor: User, comment: str = ""
) -> Assignment:
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    _require(may_move(ASSIGNMENT_MOVES, assignment.status, target, actor.role))
    _require(_assignment_party(actor, assignment))
    previous, assignment.status = assignment.status, target
    assignment.save(update_fields=["status"])
    _record(actor, previous, target, comment, assignment=assignment)
    return assignment


@transaction.atomic
def assignment_report(*, assignment: Assignment, actor: User, data: dict) -> ExpertReport:
    # The move first: it checks who may report, and when; a bad report then undoes it.
    assignment_move(assignment=assignment, target=Assignment.Status.REPORTED, actor=actor)
    report = ExpertReport(assignment=assignment, **data)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def assignment_evaluate(*, assignment: Assignment, actor: User, data: dict) -> HostEvaluation:
    assignment_move(assignment=assignment, target=Assignment.Status.EVALUATED, actor=actor)
    evaluation = HostEvaluation(assignment=assignment, evaluated_by=actor, **data)
    evaluation.full_clean()
    evaluation.save()
    return evaluation


# --- Surveys ----------------------------------------------------------------------------------

SURVEY_CLOSED = _("This survey has been answered already.")
SURVEY_REMINDER_DAYS = 14
SURVEY_DONE = (
    Assignment.Status.COMPLETED,
    Assignment.Status.REPORTED,
    Assignment.Status.EVALUATED,
    Assignment.Status.CLOSED,
)


def _surveys_due(today) -> list[tuple[Assignment, str]]:
    """(assignment, moment) pairs whose surveys should be open by now."""
    ongoing = Assignment.objects.filter(
        status__in=[Assignment.Status.PLANNED, Assignment.Status.IN_PROGRESS]
    )
    done = Assignment.objects.filter(status__in=SURVEY_DONE)
    year_ago = today - timedelta(days=365)
    return (
        [(a, SurveyMoment.BEFORE) for a in ongoing]
        + [(a, SurveyMoment.END) for a in done]
        + [(a, SurveyMoment.YEAR_AFTER) for a in done.filter(end__lte=year_ago)]
    )


@transaction.atomic
def surveys_open(*, today=None) -> list[SurveyResponse]:
    """Opens the surveys due (those with questions), for the expert and the host; safe to run
    twice: a survey already open is left as it is. Returns the surveys opened now."""
    today = today or localdate()
    asked = set(
        SurveyQuestion.objects.filter(is_active=True).values_list("audience", "moment").distinct()
    )
    opened = []
    for assignment, moment in _surveys_due(today):
        for audience in SurveyAudience.values:
            if (audience, moment) not in asked:
                continue
            response, created = SurveyResponse.objects.get_or_create(
                assignment=assignment, audience=audience, moment=moment
            )
            if created:
                opened.append(response)
    return opened


def survey_recipients(response: SurveyResponse) -> list:
    """Who answers a survey: the expert, or the members of the host institution."""
    application = response.assignment.application
    if response.audience == SurveyAudience.EXPERT:
        return [application.expert.user] if application.expert.user_id else []
    return [m.user for m in application.need.host.memberships.select_related("user")]


@transaction.atomic
def survey_reminders_send(*, at=None) -> int:
    """Reminds once of the one-year surveys still open after SURVEY_REMINDER_DAYS."""
    at = at or now()
    due = SurveyResponse.objects.open().filter(
        moment=SurveyMoment.YEAR_AFTER,
        reminded_at__isnull=True,
        opened_at__lte=at - timedelta(days=SURVEY_REMINDER_DAYS),
    )
    ids = list(due.values_list("pk", flat=True))
    SurveyResponse.objects.filter(pk__in=ids).update(reminded_at=at)
    for pk in ids:
        tasks.send_survey_mail.delay_on_commit(pk, "survey_reminder")
    return len(ids)


def _positive(question: SurveyQuestion, value) -> bool | None:
    if not question.measures or value in (None, ""):
        return None
    if question.kind == SurveyQuestion.Kind.RATING:
        return int(value) >= 4
    return value == question.option_list[0]


@transaction.atomic
def survey_answer(*, response: SurveyResponse, user, answers: dict) -> SurveyResponse:
    """Saves the answers ({question: value}) of a survey the user may answer, once."""
    response = SurveyResponse.objects.select_for_update().get(pk=response.pk)
    if not SurveyResponse.objects.visible_to(user).filter(pk=response.pk).exists():
        raise PermissionDenied(MOVE_REFUSED)
    if response.submitted_at:
        raise ValidationError(SURVEY_CLOSED)
    for question, value in answers.items():
        answer = SurveyAnswer(response=response, question=question, positive=None)
        if value in (None, ""):
            continue
        if question.kind == SurveyQuestion.Kind.RATING:
            answer.rating = int(value)
        elif question.kind == SurveyQuestion.Kind.CHOICE:
            answer.choice = value
        else:
            answer.text = value
        answer.positive = _positive(question, value)
        answer.full_clean()
        answer.save()
    response.submitted_at, response.submitted_by = now(), user
    response.save(update_fields=["submitted_at", "submitted_by"])
    return response


# --- Capacity building of officials -----------------------------------------------------------


@transaction.atomic
def official_training_save(*, form, formset, user):
    """A training or workshop with its participants, saved together."""
    training = form.save(commit=False)
    if not training.pk:
        training.created_by = user
    training.save()
    formset.instance = training
    formset.save()
    return training
