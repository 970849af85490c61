"""Optimistic concurrency for every edit, on pages and in the API (issue 16).

Two people editing the same record must never overwrite each other in silence. Every edit
carries the version of the record it started from; a save is refused when the record changed
in between, and the person is shown what changed (the field, the value saved meanwhile, their
value). No version column is needed: the version is a digest of the record's values.

On a page (a ModelForm):

    class VisitorForm(VersionedFormMixin, forms.ModelForm): ...

    @atomic_post                      # the POST is one transaction
    def visitor_edit(request, code):
        visitor = get_visible_or_404(Visitor, request.user, code=code)
        form = VisitorForm(request.POST or None, instance=visitor)   # locks and re-reads
        if request.method == "POST" and form.is_valid():             # stale: invalid
            services.visitor_update(...)

The form carries a hidden `edit_version` (a signed digest of each field as the form showed
it); `includes/form.html` shows `form.stale_changes` as a table, and the form, re-rendered with
the person's values and the current version, saves on the next submit once they have looked.
A POST without a version (a page from before this change, a script) is refused the same way.
Built inside a transaction, a bound form locks its record (select_for_update) and reads it
again: a second save at the same instant waits for the first and then finds it stale.

In the API (a DRF view with RetrieveModelMixin/UpdateModelMixin):

    class MeView(ConditionalUpdateMixin, generics.RetrieveUpdateAPIView): ...

GET answers an `ETag`; PUT/PATCH must send it back in `If-Match`. Policy: without `If-Match`
the answer is 428 Precondition Required; with a stale one 412 Precondition Failed, whose body
lists the fields that differ (`changes`: field, current, yours) and the current representation,
and whose `ETag` header is the current one. Nothing is written in either case.
"""

import hashlib
import json
from functools import wraps

from django import forms
from django.core import signing
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

VERSION_FIELD = "edit_version"
# Without a timestamp: the same version always gives the same token.
_SIGNER = signing.Signer(salt="msc_portal.concurrency")

STALE_EDIT = _(
    "Someone else saved this record after you opened it, so nothing was saved. Check their "
    "changes below; save again to keep your values."
)
NO_VERSION = _(
    "This form was opened before the page was updated, so nothing was saved. Check the values "
    "and save again."
)
API_STALE = _("The record changed since you read it: read it again and resend your change.")
API_NO_VERSION = _("Send the ETag of the record you read in an If-Match header.")


def _comparable(instance, name):
    field = instance._meta.get_field(name)
    if field.many_to_many:
        if instance.pk is None:
            return []
        return sorted(getattr(instance, name).values_list("pk", flat=True))
    return field.value_from_object(instance)


def _digest(value) -> str:
    text = json.dumps(value, default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def record_version(instance, fields) -> dict[str, str]:
    """A digest of each field's current value (no values themselves: the token is harmless)."""
    return {name: _digest(_comparable(instance, name)) for name in fields}


def atomic_post(view):
    """Runs a POST in one transaction: a VersionedFormMixin form built in it locks its record
    until the save is done, so that the version check and the save are one step."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        with transaction.atomic():
            return view(request, *args, **kwargs)

    return wrapper


def _display(field, value) -> str:
    """A value as the person sees it in the form: choice labels, '—' for nothing."""
    values = value if isinstance(value, list | tuple) else [value]
    values = [getattr(v, "pk", v) for v in values if v not in (None, "")]
    if not values:
        return "—"
    choices = getattr(field, "choices", None)
    if choices is not None:
        labels = {}
        for key, label in choices:
            if isinstance(label, list | tuple):  # an optgroup
                labels.update({str(k): str(lbl) for k, lbl in label})
            else:
                labels[str(key)] = str(label)
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if isinstance(field, forms.BooleanField):
        return str(_("yes") if values[0] not in (False, "False", "false", "off") else _("no"))
    return ", ".join(str(v) for v in values)


class VersionedFormMixin:
    """For a ModelForm editing an existing record: refuses a save based on an old version.

    `versioned_fields` (default: the form's model fields) are the ones compared. After
    is_valid(), `stale_changes` lists {"label", "theirs", "yours"} for each field saved by
    someone else meanwhile."""

    versioned_fields: tuple[str, ...] | None = None

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        bound = bool(args and args[0] is not None) or kwargs.get("data") is not None
        if bound and instance is not None and instance.pk and connection.in_atomic_block:
            # Locked until the transaction ends (atomic_post) and read again, so that a save
            # at the same instant waits for this one and then finds it.
            manager = instance._meta.model._default_manager
            instance.refresh_from_db(from_queryset=manager.select_for_update())
        super().__init__(*args, **kwargs)
        self.stale_changes = []
        self.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial[VERSION_FIELD] = self._current_token()

    def _versioned(self) -> list[str]:
        names = self.versioned_fields or self._meta.fields or list(self.fields)
        model_fields = {f.name for f in self._meta.model._meta.get_fields()}
        return [n for n in names if n in self.fields and n in model_fields]

    def _current_token(self) -> str:
        if self.instance.pk is None:
            return ""
        return _SIGNER.sign_object(record_version(self.instance, self._versioned()))

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name != VERSION_FIELD]

    def clean(self):
        cleaned = super().clean()
        cleaned.pop(VERSION_FIELD, None)
        if self.instance.pk is None:
            return cleaned
        token = self.data.get(self.add_prefix(VERSION_FIELD), "")
        try:
            started = _SIGNER.unsign_object(token) if token else None
        except signing.BadSignature:
            started = None
        current = record_version(self.instance, self._versioned())
        if started is None:
            changed = []
            message = NO_VERSION
        else:
            changed = [n for n, digest in current.items() if started.get(n) != digest]
            message = STALE_EDIT
        if started is not None and not changed:
            return cleaned
        saved = model_to_dict(self.instance, fields=changed)
        self.stale_changes = [
            {
                "label": self.fields[name].label or name,
                "theirs": _display(self.fields[name], saved.get(name)),
                "yours": _display(self.fields[name], self[name].value()),
            }
            for name in changed
        ]
        # The next submit starts from what is saved now: the person has seen the changes.
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = self._current_token()
        raise forms.ValidationError(message, code="stale")


# For a conditional view's PUT/PATCH in the schema: `@extend_schema_view(patch=IF_MATCH_SCHEMA)`
# (msc_portal.api.add_error_responses then documents 412 and 428).
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the object as read (GET).",
)
IF_MATCH_SCHEMA = extend_schema(parameters=[IF_MATCH])


class ConditionalUpdateMixin:
    """ETag on GET, If-Match required on PUT/PATCH (412 when stale, 428 when missing).
    Document it with `@extend_schema_view(patch=IF_MATCH_SCHEMA)` on the view.

    `etag_serializer_class`: the representation the ETag is taken of, when the view writes with
    another serializer than it reads with. A view with its own update calls
    `precondition_refused(request, instance)` inside its transaction."""

    etag_serializer_class = None

    def _read_data(self, instance):
        if self.etag_serializer_class is not None:
            context = self.get_serializer_context()
            return self.etag_serializer_class(instance, context=context).data
        return self.get_serializer(instance).data

    def etag_for(self, instance) -> str:
        return f'"{_digest(self._read_data(instance))}"'

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        # The representation just sent (no second read of the object, nor of its audit).
        response["ETag"] = f'"{_digest(response.data)}"'
        return response

    def precondition_refused(self, request, instance) -> Response | None:
        """428 without If-Match, 412 when it is stale; else None, with `instance` locked and
        read again (call inside the update's transaction)."""
        if_match = request.headers.get("If-Match", "").strip()
        if not if_match:
            return Response(
                {"detail": str(API_NO_VERSION)}, status=status.HTTP_428_PRECONDITION_REQUIRED
            )
        manager = instance._meta.model._default_manager
        instance.refresh_from_db(from_queryset=manager.select_for_update())
        current = self.etag_for(instance)
        sent = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
        if "*" in sent or current in sent:
            return None
        data = self._read_data(instance)
        changes = [
            {"field": name, "current": data[name], "yours": value}
            for name, value in request.data.items()
            if name in data and data[name] != value
        ]
        body = {"detail": str(API_STALE), "changes": changes, "current": data}
        return Response(body, status=status.HTTP_412_PRECONDITION_FAILED, headers={"ETag": current})

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            refused = self.precondition_refused(request, self.get_object())
            if refused is not None:
                return refused
            response = super().update(request, *args, **kwargs)
        if response.status_code == status.HTTP_200_OK:
            response["ETag"] = self.etag_for(self.get_object())
        return response
