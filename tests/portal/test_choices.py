import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from msc_portal.choices import ChoiceLabels

LABELLED = [model for model in apps.get_models() if issubclass(model, ChoiceLabels)]


def test_the_desk_models_read_their_labels_the_quick_way():
    names = {model.__name__ for model in LABELLED}
    assert {"Visitor", "Session", "GroupSession", "Referral", "User", "AuditEvent"} <= names


@pytest.mark.parametrize("language", ["en", "sq", "sr-latn"])
@pytest.mark.parametrize("model", LABELLED, ids=lambda model: model.__name__)
def test_labels_are_the_ones_django_gives(model, language):
    """Every value of every choice field, an empty one and one no longer offered."""
    # A country field of several countries has no flat choices, and no label to read.
    fields = [
        field
        for field in model._meta.concrete_fields
        if field.choices is not None and field.flatchoices is not None
    ]
    with translation.override(language):
        for field in fields:
            values = [choice for choice, _label in field.flatchoices] + ["", None, "retired"]
            for value in values:
                record = model()
                setattr(record, field.attname, value)
                ours = getattr(record, f"get_{field.name}_display")()
                djangos = models.Model._get_FIELD_display(record, field)
                assert ours == djangos, (field.name, value)
                assert type(ours) is type(djangos)
