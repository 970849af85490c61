"""The API's shared parts.

Errors are always JSON: DRF answers `{"detail": "…"}` for a request-level error (401, 403, 404,
405) and `{"field": ["…"], …}` (with `non_field_errors` across fields) for a 400; the portal's
404 and 500 handlers answer `{"detail": "…"}` for any other path under /api/.
"""

from rest_framework import pagination, throttling


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Messages per field; `non_field_errors` for those across fields.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: messages per field.",
    "401": "Not signed in, or the token is not valid.",
    "403": "Signed in, but the role may not do this.",
    "404": "No such object, or not one the user may see.",
    "429": "Too many requests: wait and try again (see Retry-After).",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation documents the errors it can answer.

    400 where the operation reads input (a body or query filters), 401 unless anonymous callers
    are allowed, 403 where a role is required, 404 for one object, and 429 (throttling) for all.
    """
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    components.setdefault("FieldErrors", FIELD_ERRORS_SCHEMA)

    def response(code: str, schema: str) -> dict:
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
        return {"description": ERROR_DESCRIPTIONS[code], "content": content}

    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            anonymous = {} in operation.get("security", [])
            has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
            codes = {"429": "Error"}
            if "requestBody" in operation or has_query:
                codes["400"] = "FieldErrors"
            if not anonymous:
                codes |= {"401": "Error", "403": "Error"}
            if "{" in path:
                codes["404"] = "Error"
            for code, schema in codes.items():
                responses.setdefault(code, response(code, schema))
    return result


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
