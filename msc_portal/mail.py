"""E-mail in each recipient's language.

Background tasks have no request and so no active language: every message is rendered once per
language among its recipients, with that language active, and sent to those who read it.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import override


def send_mail_in_languages(
    recipients: Iterable[tuple[str, str]], render: Callable[[], tuple[str, str]]
) -> None:
    """Send `render()`'s (subject, body) to each (e-mail address, language) pair."""
    by_language: dict[str, set[str]] = defaultdict(set)
    for email, language in recipients:
        by_language[language or settings.LANGUAGE_CODE].add(email)
    for language, emails in sorted(by_language.items()):
        with override(language):
            subject, body = render()
        send_mail(subject.strip(), body, None, sorted(emails))


def users_as_recipients(users: Iterable) -> list[tuple[str, str]]:
    """Active users as (e-mail address, language) pairs, each once."""
    return sorted({(u.email, u.preferred_language) for u in users if u.is_active})
