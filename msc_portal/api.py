"""The API's shared parts.

Errors are always JSON: DRF answers `{"detail": "…"}` for a request-level error (401, 403, 404,
405) and `{"field": ["…"], …}` (with `non_field_errors` across fields) for a 400; the portal's
404 and 500 handlers answer `{"detail": "…"}` for any other path under /api/.
"""

import functools

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import pagination, throttling
from rest_framework.exceptions import ValidationError

# The API's schema and messages are in English (the schema's descriptions are too).
INVALID_PAGE_SIZE = "A whole number from 1."


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of 50 by default; `page_size` asks for 1 to 500 (more is read as 500). A page size
    that is not a whole number from 1 is refused (400), not silently replaced by the default."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError({self.page_size_query_param: [INVALID_PAGE_SIZE]})
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] in (self.page_query_param, self.page_size_query_param):
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Number of results per page, {self.page_size} unless given; at most"
                    f" {self.max_page_size} (more is read as {self.max_page_size})."
                )
        return parameters


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An object by its id, as a whole number: an id that names nothing matches nothing."""

    field_class = forms.IntegerField


class BooleanField(forms.TypedChoiceField):
    """A query's boolean as the schema writes it: `true` or `false`, nothing else."""

    def __init__(self, *args, **kwargs):
        kwargs.pop("widget", None)
        super().__init__(
            *args,
            choices=[("true", "true"), ("false", "false")],
            coerce=lambda value: value == "true",
            empty_value=None,
            **kwargs,
        )


class BooleanFilter(django_filters.BooleanFilter):
    """`true` or `false`; any other value is refused (400), not read as "either"."""

    field_class = BooleanField


def _as_documented(filter_):
    """The API's form of a filter shared with the pages: what its schema says it accepts.

    A page's select offers the objects (or the values of a list read from the database) to choose
    from and refuses any other; the schema can only say "an id" or "a string", so the API takes
    any of those and an unknown one matches nothing. Filters with a fixed list of choices keep
    it: the schema documents them as an enum.
    """
    options = {
        "field_name": filter_.field_name,
        "lookup_expr": filter_.lookup_expr,
        "label": filter_.label,
        "method": filter_.method,
        "distinct": filter_.distinct,
        "exclude": filter_.exclude,
    }
    if isinstance(filter_, django_filters.BooleanFilter):
        return BooleanFilter(**options)
    if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
        return filter_
    if isinstance(filter_, django_filters.ModelChoiceFilter):
        return IdFilter(**options)
    if isinstance(filter_, django_filters.ChoiceFilter) and callable(filter_.extra["choices"]):
        return django_filters.CharFilter(**options)
    if isinstance(filter_, django_filters.DateFilter):
        # The schema says `format: date`: ISO only, not the page language's own formats.
        return django_filters.DateFilter(input_formats=["%Y-%m-%d"], **options)
    return filter_


class FilterBackend(DjangoFilterBackend):
    """django-filter for the API, with every filter validating as the schema documents it."""

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        return _api_filterset(filterset_class)


@functools.cache
def _api_filterset(filterset_class):
    api_class = type(filterset_class.__name__, (filterset_class,), {})
    # Set after the class is made: FilterSet's metaclass computes base_filters itself.
    api_class.base_filters = {
        name: _as_documented(filter_) for name, filter_ in filterset_class.base_filters.items()
    }
    return api_class


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
NESTED_ERRORS = {"$ref": "#/components/schemas/FieldErrors"}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": (
        "Messages per field; `non_field_errors` for those across fields. A list's or a nested"
        ' object\'s messages are nested the same way: per position ("3") or per field.'
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, NESTED_ERRORS]}},
            NESTED_ERRORS,
        ]
    },
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: messages per field.",
    "401": "Not signed in, or the token is not valid.",
    "403": "Signed in, but the role may not do this.",
    "404": "No such object, or not one the user may see; or no such page.",
    "409": "A request with the same Idempotency-Key is still running.",
    "422": "The Idempotency-Key was used for another request.",
    "412": "The object changed since it was read (If-Match is stale): nothing was written; "
    "the body lists the fields that differ and the current object, ETag the current version.",
    "428": "If-Match is missing: send the ETag of the object as read.",
    "429": "Too many requests: wait and try again (see Retry-After).",
}


NO_NULL_CHARACTERS = "^[^\\x00]*$"


def _refuse_null_characters(schema: dict) -> None:
    """Django (and PostgreSQL) refuse the null character in text: the schema says so too."""
    if schema.get("type") == "string" and not ({"enum", "format", "pattern"} & set(schema)):
        schema["pattern"] = NO_NULL_CHARACTERS
    elif schema.get("type") == "array":
        _refuse_null_characters(schema.get("items", {}))


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation documents the errors it can answer.

    400 where the operation reads input (a body or query filters), 401 unless anonymous callers
    are allowed, 403 where a role is required, 404 for one object or a page past the last one,
    and 429 (throttling) for all.
    """
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    components.setdefault("FieldErrors", FIELD_ERRORS_SCHEMA)

    def response(code: str, schema: str) -> dict:
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
        return {"description": ERROR_DESCRIPTIONS[code], "content": content}

    for schema in components.values():
        for field in schema.get("properties", {}).values():
            _refuse_null_characters(field)
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _refuse_null_characters(parameter.get("schema", {}))
            responses = operation.setdefault("responses", {})
            anonymous = {} in operation.get("security", [])
            query = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            has_query = bool(query)
            codes = {"429": "Error"}
            headers = any(p.get("in") == "header" for p in operation.get("parameters", []))
            if "requestBody" in operation or has_query or headers:
                codes["400"] = "FieldErrors"
            if not anonymous:
                codes |= {"401": "Error", "403": "Error"}
            if "{" in path or "page" in query:  # one object, or a page past the last
                codes["404"] = "Error"
            if "404" in responses:  # declared by the view (an object that may not exist yet)
                codes["404"] = "Error"
            for code in ("409", "422"):  # declared by views with an Idempotency-Key
                if code in responses:
                    codes[code] = "Error"
            header_names = {
                p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"
            }
            if "If-Match" in header_names:  # an update with optimistic concurrency
                codes |= {"412": "Error", "428": "Error"}
            for code, schema in codes.items():
                declared = responses.setdefault(code, response(code, schema))
                declared.setdefault("content", response(code, schema)["content"])
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
