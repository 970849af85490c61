"""E-mails of the TVR programme. Thin: load by id, decide, send; safe to run twice."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.timezone import now

from accounts.models import Role, User
from msc_portal.mail import send_mail_in_languages, users_as_recipients


def _send(template: str, context: dict, recipients: list[tuple[str, str]]) -> None:
    """Renders the template pair in each recipient's language (address, language)."""
    context = {**context, "portal_url": settings.PORTAL_URL}

    def render() -> tuple[str, str]:
        subject = render_to_string(f"returns/email/{template}_subject.txt", context)
        return subject, render_to_string(f"returns/email/{template}.txt", context)

    send_mail_in_languages(recipients, render)


@shared_task
def send_host_invitation(invitation_id: int) -> None:
    from .models import HostInvitation
    from .services import invitation_token

    invitation = HostInvitation.objects.select_related("host").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at:
        return
    path = reverse("returns:invitation_accept", kwargs={"token": invitation_token(invitation)})
    # The invitee has no account yet: they get the language of the colleague who invited them.
    language = invitation.invited_by.preferred_language if invitation.invited_by else ""
    _send("invitation", {"invitation": invitation, "path": path}, [(invitation.email, language)])


@shared_task
def send_expert_activation(user_id: int) -> None:
    from .services import activation_tokens

    user = User.objects.filter(pk=user_id, is_active=False).first()
    if user is None:
        return  # already verified
    path = reverse(
        "returns:expert_activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": activation_tokens.make_token(user),
        },
    )
    _send("activation", {"user": user, "path": path}, [(user.email, user.preferred_language)])


@shared_task
def send_account_exists(user_id: int) -> None:
    """Someone signed up with the e-mail address of an existing account: its owner is told,
    while the page said what it says to everyone (issue 12: sign-up reveals no account)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    if not user.is_active and user.role == Role.EXPERT and user.last_login is None:
        send_expert_activation(user.pk)  # they registered before and lost the first e-mail
        return
    context = {
        "user": user,
        "login_path": reverse("accounts:login"),
        "reset_path": reverse("accounts:password_reset"),
    }
    _send("account_exists", context, [(user.email, user.preferred_language)])


def status_change_recipients(change) -> list[tuple[str, str]]:
    """The people concerned: the expert, the host once the expert was proposed to it, and the
    programme when someone else made the move. Never the actor."""
    application = change.application or change.assignment.application
    users = []
    if application.expert.user_id:
        users.append(application.expert.user)
    if application.proposed_at:
        users += [m.user for m in application.need.host.memberships.select_related("user")]
    if change.actor is None or change.actor.role != Role.PROGRAMME_MANAGER:
        users += list(User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True))
    return users_as_recipients(u for u in users if u.pk != change.actor_id)


@shared_task
def send_status_change(change_id: int) -> None:
    from .models import StatusChange

    with transaction.atomic():
        # Claim the row first, so that a second run of the task sends nothing.
        claimed = StatusChange.objects.filter(pk=change_id, notified_at__isnull=True).update(
            notified_at=now()
        )
        if not claimed:
            return
        change = StatusChange.objects.select_related(
            "actor",
            "application__need__host",
            "application__expert__user",
            "assignment__application__need__host",
            "assignment__application__expert__user",
        ).get(pk=change_id)
        _send("status_change", {"change": change}, status_change_recipients(change))


@shared_task
def send_need_moved(need_id: int, actor_id: int | None) -> None:
    """A need changed state: its host's members and the programme hear of it (not the actor)."""
    from .models import Need

    need = Need.objects.select_related("host").filter(pk=need_id).first()
    if need is None:
        return
    users = [m.user for m in need.host.memberships.select_related("user")]
    users += list(User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True))
    recipients = users_as_recipients(u for u in users if u.pk != actor_id)
    _send("need_moved", {"need": need}, recipients)


@shared_task
def send_host_verified(host_id: int) -> None:
    """The programme verified an institution: its members may now submit skill needs."""
    from .models import Host

    host = Host.objects.filter(pk=host_id, verified_at__isnull=False).first()
    if host is None:
        return
    users = [m.user for m in host.memberships.select_related("user")]
    _send("host_verified", {"host": host}, users_as_recipients(users))


@shared_task
def send_follow_up_surveys() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): opens the surveys due (before, at the end, and a year after
    each assignment), asks the expert and the host to answer the one-year survey, and reminds
    them once two weeks later. Safe to run twice: an open survey is not opened again."""
    from .models import Assignment
    from .services import survey_reminders_send, surveys_open  # services import this module

    year_after = [response for response in surveys_open() if response.moment == "year_after"]
    for response in year_after:
        send_survey_mail.delay_on_commit(response.pk, "follow_up")
    followed_up = {response.assignment_id for response in year_after}
    Assignment.objects.filter(pk__in=followed_up).update(follow_up_sent_at=now())
    survey_reminders_send()
    return len(followed_up)


@shared_task
def send_survey_mail(response_id: int, template: str) -> None:
    """The invitation (template "follow_up") or the reminder ("survey_reminder") of one survey,
    to whoever answers it, in their language."""
    from .models import SurveyResponse
    from .services import survey_recipients

    response = (
        SurveyResponse.objects.open()
        .select_related("assignment__application__need__host", "assignment__application__expert")
        .filter(pk=response_id)
        .first()
    )
    if response is None:  # answered meanwhile: nothing to ask
        return
    context = {
        "assignment": response.assignment,
        "survey_url": settings.PORTAL_URL + reverse("returns:survey_answer", args=[response.pk]),
    }
    _send(template, context, users_as_recipients(survey_recipients(response)))


@shared_task
def delete_inactive_cvs() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): CVs of experts inactive for longer than their country's
    period are deleted; safe to run twice."""
    from .services import expert_cvs_delete_inactive  # services import this module

    count = expert_cvs_delete_inactive()
    logging.getLogger(__name__).info("Retention: %d CVs of inactive experts deleted", count)
    return count
