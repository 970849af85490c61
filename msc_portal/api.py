"""The API's shared parts.

Errors are always JSON: DRF answers `{"detail": "…"}` for a request-level error (401, 403, 404,
405) and `{"field": ["…"], …}` (with `non_field_errors` across fields) for a 400; the portal's
404 and 500 handlers answer `{"detail": "…"}` for any other path under /api/.
"""

from rest_framework import pagination, throttling


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class LookupRateThrottle(throttling.SimpleRateThrottle):
    """A stricter rate (the "lookup" rate) for finding people by code, per user or client.

    It counts the requests of a view that sets `lookup_query_params` and that either fetch one
    object (retrieve) or filter by one of those parameters: guessing codes one by one.
    """

    scope = "lookup"

    def allow_request(self, request, view):
        params = getattr(view, "lookup_query_params", None)
        if params is None:
            return True
        if getattr(view, "action", None) != "retrieve" and not any(
            request.query_params.get(param) for param in params
        ):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
