"""E-mails about accounts. Thin: load by id, decide, send; safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from msc_portal.mail import send_mail_in_languages

from .models import User


@shared_task
def send_password_reset(user_id: int, language: str) -> None:
    """The link to set a new password (Django's token: valid for PASSWORD_RESET_TIMEOUT and
    spent once the password changes), for an account that can still sign in with one."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"email": user.email, "portal_url": settings.PORTAL_URL, "path": path}

    def render() -> tuple[str, str]:
        subject = render_to_string("accounts/email/password_reset_subject.txt", context)
        return subject, render_to_string("accounts/email/password_reset.txt", context)

    send_mail_in_languages([(user.email, language or user.preferred_language)], render)
