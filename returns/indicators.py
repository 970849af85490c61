"""The Temporary and Virtual Return indicators of donor reports (see reports/indicators.py).

Needs and applications are placed in the host institution's country and the need's sector;
assignments count in the period in which they end.
"""

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from reports.indicators import ReportQuery, group_rows, indicator

from .models import Application, Assignment, ExpertReport, Need

DONE = (
    Assignment.Status.COMPLETED,
    Assignment.Status.REPORTED,
    Assignment.Status.EVALUATED,
    Assignment.Status.CLOSED,
)


def _in_countries(queryset, query: ReportQuery, host_path: str):
    if query.countries:
        queryset = queryset.filter(**{f"{host_path}__country__in": query.countries})
    return queryset


NEED_FIELDS = {"country": "host__country", "sector": "sector__name", "mode": "mode"}


def _published(query: ReportQuery):
    needs = Need.objects.filter(published_at__date__range=(query.start, query.end))
    return _in_countries(needs, query, "host")


@indicator(
    identifier="skill_needs_published",
    name=_("Skill needs published"),
    definition=_("Terms of Reference of host institutions published in the period."),
    unit=_("needs"),
    disaggregations=("country", "sector", "mode"),
    order=200,
)
def skill_needs_published(query, by):
    return group_rows(_published(query), by, NEED_FIELDS, Count("id"))


@indicator(
    identifier="skill_needs_filled",
    name=_("Skill needs filled"),
    definition=_(
        "Of the needs published in the period, those filled by an approved expert when the "
        "report is made."
    ),
    unit=_("needs"),
    disaggregations=("country", "sector", "mode"),
    order=210,
)
def skill_needs_filled(query, by):
    needs = _published(query).filter(status=Need.Status.FILLED)
    return group_rows(needs, by, NEED_FIELDS, Count("id"))


@indicator(
    identifier="tvr_applications_received",
    name=_("TVR applications received"),
    definition=_("Applications of diaspora experts to skill needs, submitted in the period."),
    unit=_("applications"),
    disaggregations=("country", "sector", "mode"),
    order=220,
)
def tvr_applications_received(query, by):
    applications = _in_countries(
        Application.objects.filter(created_at__date__range=(query.start, query.end)),
        query,
        "need__host",
    )
    fields = {"country": "need__host__country", "sector": "need__sector__name", "mode": "mode"}
    return group_rows(applications, by, fields, Count("id"))


ASSIGNMENT_FIELDS = {
    "country": "application__need__host__country",
    "sector": "application__need__sector__name",
    "mode": "mode",
}


def _completed(query: ReportQuery):
    assignments = Assignment.objects.filter(end__range=(query.start, query.end), status__in=DONE)
    return _in_countries(assignments, query, "application__need__host")


@indicator(
    identifier="assignments_completed",
    name=_("Assignments completed"),
    definition=_(
        "Temporary (physical) or virtual return assignments that ended in the period and were "
        "completed."
    ),
    unit=_("assignments"),
    disaggregations=("country", "sector", "mode"),
    order=230,
)
def assignments_completed(query, by):
    return group_rows(_completed(query), by, ASSIGNMENT_FIELDS, Count("id"))


@indicator(
    identifier="expert_working_days",
    name=_("Expert working days delivered"),
    definition=_("Working days of the assignments completed in the period."),
    unit=_("working days"),
    disaggregations=("country", "sector", "mode"),
    order=240,
)
def expert_working_days(query, by):
    rows = group_rows(_completed(query), by, ASSIGNMENT_FIELDS, Sum("working_days"))
    return [{**row, "value": row["value"] or 0} for row in rows]


@indicator(
    identifier="people_trained",
    name=_("People trained by returning experts"),
    definition=_(
        "People trained, as recorded in the experts' reports on assignments completed in the "
        "period (officials and staff of the host institutions)."
    ),
    unit=_("people"),
    disaggregations=("country", "sector", "mode"),
    order=250,
)
def people_trained(query, by):
    reports = ExpertReport.objects.filter(assignment__in=_completed(query))
    fields = {name: f"assignment__{path}" for name, path in ASSIGNMENT_FIELDS.items()}
    rows = group_rows(reports, by, fields, Sum("people_trained"))
    return [{**row, "value": row["value"] or 0} for row in rows]
