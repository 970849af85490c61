"""Idempotency keys on the API's POSTs: a client that retries creates nothing twice.

A POST sent with an `Idempotency-Key` header is answered once: the first 2xx answer is kept
(IdempotencyKey, per user) and given again, without running anything, to a retry with the same
key and the same body. The same key with another body, or on another path, is refused (422); a
retry while the first request is still running waits for it and, if it is still unanswered,
gets 409. A request that fails (4xx, 5xx) keeps no key: the client may correct it and retry.
Kept answers are purged nightly once older than IDEMPOTENCY_KEY_HOURS: they can hold a visitor's
name, which must not outlive its anonymisation or erasure.
"""

import functools
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.timezone import now
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from counselling.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
# Fields of an answer never kept for a retry: a secret shown once.
NOT_KEPT = ("card_pin",)

PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (e.g. a UUID) chosen by the client for this request. A retry with "
        "the same key and body gets the first answer again and creates nothing twice; the "
        "same key with another body is refused (422)."
    ),
)
RESPONSES = {
    409: OpenApiResponse(description="A request with this Idempotency-Key is still running."),
    422: OpenApiResponse(description="This Idempotency-Key was used for another request."),
}


def _body_hash(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _refusal(code: int, message: str) -> Response:
    return Response({"detail": message}, status=code)


def idempotent(handler):
    """Wraps a viewset's create/action: the Idempotency-Key rules above."""

    @functools.wraps(handler)
    def wrapped(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return handler(view, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            message = _("The Idempotency-Key is longer than %(max)d characters.")
            return Response(
                {HEADER: [message % {"max": MAX_KEY_LENGTH}]}, status=status.HTTP_400_BAD_REQUEST
            )
        digest = _body_hash(request)
        earlier = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        if earlier is None:
            try:
                with transaction.atomic():
                    # The unique (user, key) row is written first: a parallel retry waits on it.
                    record = IdempotencyKey.objects.create(
                        user=request.user, key=key, path=request.path, request_hash=digest
                    )
                    response = handler(view, request, *args, **kwargs)
                    if not status.is_success(response.status_code):
                        transaction.set_rollback(True)
                        return response
                    data = response.data
                    if isinstance(data, dict):
                        data = {k: v for k, v in data.items() if k not in NOT_KEPT}
                    record.status_code = response.status_code
                    record.response = json.loads(json.dumps(data, default=str))
                    record.save(update_fields=["status_code", "response"])
                    return response
            except IntegrityError:
                earlier = IdempotencyKey.objects.filter(user=request.user, key=key).first()
                if earlier is None:
                    raise
        if earlier.request_hash != digest:
            return _refusal(
                status.HTTP_422_UNPROCESSABLE_ENTITY,
                _("This Idempotency-Key was used for another request."),
            )
        if earlier.status_code is None:
            return _refusal(
                status.HTTP_409_CONFLICT, _("A request with this Idempotency-Key is still running.")
            )
        response = Response(earlier.response, status=earlier.status_code)
        response["Idempotent-Replayed"] = "true"
        return response

    return wrapped


def purge_expired_keys() -> int:
    """Deletes the keys, and the answers kept with them, older than IDEMPOTENCY_KEY_HOURS."""
    cutoff = now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
