"""What a count indicator defined without code may count: a whitelist of sources.

A programme manager's `CountIndicator` names one source, some filters and some breakdowns, all
from this whitelist; nothing they type reaches a query as a field name or as SQL. Each source
says which model it counts, which date places a row in a report's period, which path gives its
country (and centre), the filters it offers (a field and the values allowed) and the
breakdowns. Evaluation is one grouped ORM query, like the indicators written in code.

To offer a new source, add an entry to SOURCES; every CountIndicator stays valid as long as its
source, filters and breakdowns are still listed here (`validate_definition`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .indicators import DISAGGREGATIONS, ReportQuery, group_rows


def _choices(model: str, field_name: str) -> Callable[[], list[tuple[str, str]]]:
    def choices():
        return [
            (str(value), str(label))
            for value, label in _model(model)._meta.get_field(field_name).choices
        ]

    return choices


def _yes_no() -> list[tuple[str, str]]:
    return [("true", str(_("Yes"))), ("false", str(_("No")))]


def _model(label: str):
    return apps.get_model(label)


@dataclass(frozen=True)
class SourceFilter:
    label: str | Promise
    path: str
    choices: Callable[[], list[tuple[str, str]]]

    def value(self, raw: str):
        return {"true": True, "false": False}.get(raw, raw) if self.choices is _yes_no else raw


@dataclass(frozen=True)
class Source:
    label: str | Promise
    model: str
    date_path: str
    country_path: str
    centre_path: str = ""
    filters: dict[str, SourceFilter] = field(default_factory=dict)
    dimensions: dict[str, str] = field(default_factory=dict)
    # How a group is counted: rows (default), or the sum of a number field, or distinct people.
    value: Callable[[], object] = lambda: Count("id")
    counts_people: bool = False

    def queryset(self, query: ReportQuery, filters: dict[str, str]):
        rows = _model(self.model)._default_manager.filter(
            **{f"{self.date_path}__range": (query.start, query.end)}
        )
        if query.countries:
            rows = rows.filter(**{f"{self.country_path}__in": query.countries})
        if query.centre_ids:
            if not self.centre_path:
                return rows.none()  # a centre report has nothing of what is not done at a centre
            rows = rows.filter(**{f"{self.centre_path}__in": query.centre_ids})
        for name, raw in filters.items():
            source_filter = self.filters[name]
            rows = rows.filter(**{source_filter.path: source_filter.value(raw)})
        return rows

    def rows(self, query: ReportQuery, filters: dict[str, str], by: tuple[str, ...]):
        return group_rows(self.queryset(query, filters), by, self.dimensions, self.value())


SOURCES: dict[str, Source] = {
    "group_sessions": Source(
        label=_("Group sessions held (by centres)"),
        model="counselling.GroupSession",
        date_path="date",
        country_path="centre__country",
        centre_path="centre",
        filters={
            "type": SourceFilter(
                _("Type of group session"), "type", _choices("counselling.GroupSession", "type")
            )
        },
        dimensions={"country": "centre__country", "centre": "centre__name", "session_type": "type"},
    ),
    "group_participants": Source(
        label=_("Participants in group sessions"),
        model="counselling.GroupSession",
        date_path="date",
        country_path="centre__country",
        centre_path="centre",
        filters={
            "type": SourceFilter(
                _("Type of group session"), "type", _choices("counselling.GroupSession", "type")
            )
        },
        dimensions={"country": "centre__country", "centre": "centre__name", "session_type": "type"},
        value=lambda: Sum("total_participants"),
    ),
    "official_trainings": Source(
        label=_("Trainings and workshops for officials held"),
        model="returns.OfficialTraining",
        date_path="date",
        country_path="country",
        filters={
            "kind": SourceFilter(_("Type"), "kind", _choices("returns.OfficialTraining", "kind"))
        },
        dimensions={"country": "country"},
    ),
    "officials_trained": Source(
        label=_("Officials trained (participants)"),
        model="returns.OfficialParticipant",
        date_path="training__date",
        country_path="training__country",
        filters={
            "kind": SourceFilter(
                _("Type"), "training__kind", _choices("returns.OfficialTraining", "kind")
            ),
            "is_consular": SourceFilter(_("Consular officials"), "is_consular", _yes_no),
            "sex": SourceFilter(_("Sex"), "sex", _choices("returns.OfficialParticipant", "sex")),
        },
        dimensions={"country": "training__country", "sex": "sex"},
    ),
    "internship_places": Source(
        label=_("Internship places identified by consular officials"),
        model="returns.InternshipIdentification",
        date_path="identified_on",
        country_path="identified_by__country",
        filters={
            "kind": SourceFilter(
                _("Type"), "kind", _choices("returns.InternshipIdentification", "kind")
            )
        },
        dimensions={"country": "identified_by__country", "destination": "destination"},
        value=lambda: Sum("places"),
    ),
    "assignments": Source(
        label=_("TVR assignments ended"),
        model="returns.Assignment",
        date_path="end",
        country_path="application__need__host__country",
        filters={
            "mode": SourceFilter(_("Mode"), "mode", _choices("returns.Assignment", "mode")),
            "status": SourceFilter(_("Status"), "status", _choices("returns.Assignment", "status")),
        },
        dimensions={"country": "application__need__host__country", "mode": "mode"},
    ),
    "training_interests": Source(
        label=_("Student visitors informed of, or applying to, a graduate training"),
        model="counselling.TrainingInterest",
        date_path="date",
        country_path="centre__country",
        centre_path="centre",
        filters={
            "status": SourceFilter(
                _("Status"), "status", _choices("counselling.TrainingInterest", "status")
            )
        },
        dimensions={"country": "centre__country", "centre": "centre__name"},
        value=lambda: Count("visitor", distinct=True),
        counts_people=True,
    ),
}

UNKNOWN_SOURCE = _("Choose what to count from the list.")
UNKNOWN_FILTER = _("This filter does not apply to what is counted.")
BAD_FILTER_VALUE = _("“%(value)s” is not one of the values of this filter.")
UNKNOWN_BREAKDOWN = _("This breakdown does not apply to what is counted.")


def validate_definition(source: str, filters: dict, disaggregations: list) -> None:
    """Refuses anything outside the whitelist, with a message for the form."""
    if source not in SOURCES:
        raise ValidationError({"source": UNKNOWN_SOURCE})
    spec = SOURCES[source]
    if not isinstance(filters, dict) or not isinstance(disaggregations, list):
        raise ValidationError({"filters": UNKNOWN_FILTER})
    for name, value in filters.items():
        if name not in spec.filters:
            raise ValidationError({"filters": UNKNOWN_FILTER})
        if str(value) not in {v for v, _label in spec.filters[name].choices()}:
            raise ValidationError({"filters": BAD_FILTER_VALUE % {"value": value}})
    for name in disaggregations:
        if name not in spec.dimensions or name not in DISAGGREGATIONS:
            raise ValidationError({"disaggregations": UNKNOWN_BREAKDOWN})
