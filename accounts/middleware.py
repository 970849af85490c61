from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .security import has_two_factor, two_factor_required
from .signals import TWO_FACTOR_PENDING

# What a signed-in user may open before the second factor: to set it up, give it, or leave.
TWO_FACTOR_OPEN_URLS = frozenset(
    {
        "accounts:two_factor_setup",
        "accounts:two_factor_verify",
        "accounts:logout",
        "accounts:set_language",
        "healthz",
    }
)


class TwoFactorMiddleware:
    """Holds a signed-in user at the second factor until they give it.

    Everyone in a role of accounts.security.TWO_FACTOR_ROLES, and everyone who has set up an
    authenticator, reaches nothing but the two-factor pages (and signing out) until a code has
    verified this session: the admin site, the portal's pages and the API by session alike.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and (request.session.get(TWO_FACTOR_PENDING) or two_factor_required(user))
            and not user.is_verified()
            and self._url_name(request) not in TWO_FACTOR_OPEN_URLS
        ):
            if request.path.startswith("/api/"):
                detail = _("Confirm your sign-in with your second factor first.")
                return JsonResponse({"detail": detail}, status=403)
            step = "verify" if has_two_factor(user) else "setup"
            url = reverse(f"accounts:two_factor_{step}")
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _url_name(request) -> str:
        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return ""


class UserTimezoneMiddleware:
    """Shows pages in the signed-in user's time zone and language.

    For a signed-in user the language on their profile decides, wherever they sign in (the
    switcher saves to the profile, accounts.views.set_language); the language cookie is kept in
    step so that the pages after signing out stay in that language. Anonymous visitors get the
    cookie's language or, without one, their browser's (LocaleMiddleware).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = None
        if user is not None and user.is_authenticated:
            timezone.activate(user.timezone)
            language = user.preferred_language
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        else:
            timezone.deactivate()
        response = self.get_response(request)
        cookie = settings.LANGUAGE_COOKIE_NAME
        if language and cookie not in response.cookies and request.COOKIES.get(cookie) != language:
            response.set_cookie(
                cookie,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response


class AccessDeniedAuditMiddleware:
    """Writes a signed-in user's 403 answers to the audit trail: repeated denials are how a
    colleague probing beyond their role shows up on the manager's audit page. Only the route's
    name is kept, never the URL (which may carry a visitor code)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if response.status_code == 403 and user is not None and user.is_authenticated:
            from counselling.models import AuditEvent
            from counselling.services import audit_record

            match = request.resolver_match
            audit_record(
                user=user,
                action=AuditEvent.Action.ACCESS_DENIED,
                detail=f"{request.method} {match.view_name if match else ''}",
            )
        return response
