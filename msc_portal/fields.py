"""Model fields with the bounds every date and free text of the portal keeps (issue 12).

Their validators run wherever the model's do: ModelForms, DRF model serializers and the
services' full_clean(), so a year-1 date or a megabyte of notes is refused at every door."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

# Nothing the portal records happened before the centres existed.
EARLIEST_DATE = date(2000, 1, 1)
# Plans (assignments, trainings, needs) reach a few years ahead, not decades.
YEARS_AHEAD = 10
# About five pages of text: more than any note, motivation or description needs.
TEXT_MAX_LENGTH = 10_000


@deconstructible
class SensibleDateValidator:
    message = _("Enter a date between %(earliest)s and %(latest)s.")

    def __call__(self, value: date) -> None:
        latest = localdate().replace(year=localdate().year + YEARS_AHEAD)
        if value < EARLIEST_DATE or value > latest:
            raise ValidationError(
                self.message,
                code="date_out_of_range",
                params={"earliest": EARLIEST_DATE.isoformat(), "latest": latest.isoformat()},
            )

    def __eq__(self, other):
        return isinstance(other, SensibleDateValidator)


sensible_date = SensibleDateValidator()


class SensibleDateField(models.DateField):
    """A date between EARLIEST_DATE and YEARS_AHEAD years from today."""

    default_validators = [sensible_date]


class BoundedTextField(models.TextField):
    """Free text of at most TEXT_MAX_LENGTH characters (unless told less), checked by the
    model too: Django's TextField leaves max_length to forms."""

    def __init__(self, *args, max_length=TEXT_MAX_LENGTH, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(self.max_length))
