"""Middleware of the portal as a whole: bounds on requests, caching and CSP of responses."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    """Answers 413 to a request whose declared body is over MAX_REQUEST_BYTES, before anything
    reads it. Django's DATA_UPLOAD_MAX_MEMORY_SIZE bounds form fields but not files; the web
    server in front (client_max_body_size) should refuse the same sizes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            message = _("The request is too large: at most %(size)d MB.") % {
                "size": settings.MAX_REQUEST_BYTES // (1024 * 1024)
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Every answer to a signed-in user may carry personal data: no cache keeps it.

    Runs after the view, so it also sees users that the API signed in by token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class PortalCSPMiddleware(CSPMiddleware):
    """The strict policy everywhere; the admin and Swagger UI, which set inline styles of their
    own, get 'unsafe-inline' for styles only (CSP_INLINE_STYLE_PREFIXES). Scripts stay 'self'."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(tuple(settings.CSP_INLINE_STYLE_PREFIXES)):
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", []), "'unsafe-inline'"]
            parts.update = update
        return parts
