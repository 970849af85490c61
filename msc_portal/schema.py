"""The API schema's generator (drf-spectacular), apart from msc_portal.api: DRF's views import
the throttles there, and drf-spectacular imports DRF's views."""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

TEXT_FIELDS = (serializers.CharField, serializers.ChoiceField)


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, saying that a read-only text field may be blank.

    DRF drops `allow_blank` from a model's read-only fields, so an optional e-mail or choice
    left empty would be documented as a valid e-mail or one of the choices, not as "".
    """

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if field.read_only and isinstance(field, TEXT_FIELDS) and _blank(field):
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)


def _blank(field) -> bool:
    """Whether the model field behind a ModelSerializer's field may be blank."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or field.source == "*":
        return False
    model_field = None
    for attr in field.source_attrs:
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return False
        model = model_field.related_model
    return bool(model_field is not None and model_field.blank)
