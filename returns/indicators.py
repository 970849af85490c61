"""The Temporary and Virtual Return indicators of donor reports (see reports/indicators.py).

Needs and applications are placed in the host institution's country and the need's sector;
assignments count in the period in which they end.
"""

from django.db.models import Count, Q, Sum
from django.db.models.functions import NullIf
from django.utils.translation import gettext_lazy as _

from reports.indicators import ReportQuery, group_rows, indicator

from .models import (
    Application,
    Assignment,
    ExpertReport,
    InternshipIdentification,
    Need,
    OfficialParticipant,
    OfficialTraining,
    SurveyAnswer,
    SurveyAudience,
    SurveyMoment,
    SurveyQuestion,
)

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


# --- Surveys: what lasts a year after --------------------------------------------------------

SURVEY_FIELDS = {
    "country": "response__assignment__application__need__host__country",
    "mode": "response__assignment__mode",
}


def _measured(query: ReportQuery, audience: str, measure: str):
    """Year-after answers of one audience to the questions feeding one measure, in the period."""
    answers = SurveyAnswer.objects.filter(
        response__audience=audience,
        response__moment=SurveyMoment.YEAR_AFTER,
        response__submitted_at__date__range=(query.start, query.end),
        question__measures=measure,
        positive__isnull=False,
    )
    return _in_countries(answers, query, "response__assignment__application__need__host")


def _share(answers, by):
    """Whole percent of positive answers, computed by the database."""
    share = Count("id", filter=Q(positive=True)) * 100 / NullIf(Count("id"), 0)
    rows = group_rows(answers, by, SURVEY_FIELDS, share)
    return [{**row, "value": row["value"] or 0} for row in rows]


@indicator(
    identifier="hosts_reporting_lasting_change",
    name=_("Share of hosts reporting lasting change"),
    definition=_(
        "Of the host institutions answering the survey one year after an assignment in the "
        "period, the share whose answer to the lasting-change question is positive (a rating "
        "of 4 or 5, or the first option)."
    ),
    # xgettext:no-python-format
    unit=_("% of answers"),
    disaggregations=("country", "mode"),
    order=260,
)
def hosts_reporting_lasting_change(query, by):
    measured = _measured(query, SurveyAudience.HOST, SurveyQuestion.Measure.LASTING_CHANGE)
    return _share(measured, by)


@indicator(
    identifier="experts_still_in_contact",
    name=_("Share of experts still in contact with the host"),
    definition=_(
        "Of the experts answering the survey one year after an assignment in the period, the "
        "share who say they are still in contact with the host institution."
    ),
    # xgettext:no-python-format
    unit=_("% of answers"),
    disaggregations=("country", "mode"),
    order=270,
)
def experts_still_in_contact(query, by):
    measured = _measured(query, SurveyAudience.EXPERT, SurveyQuestion.Measure.STILL_IN_CONTACT)
    return _share(measured, by)


# --- Capacity building of officials ------------------------------------------------------------


def _trainings(query: ReportQuery):
    trainings = OfficialTraining.objects.filter(date__range=(query.start, query.end))
    if query.countries:
        trainings = trainings.filter(country__in=query.countries)
    return trainings


@indicator(
    identifier="officials_trained",
    name=_("Officials trained"),
    definition=_(
        "Participants of the trainings and workshops for officials and policymakers held in the "
        "period (consular officials included), in the country where the event took place."
    ),
    unit=_("participants"),
    disaggregations=("country", "sex"),
    order=300,
)
def officials_trained(query, by):
    participants = OfficialParticipant.objects.filter(training__in=_trainings(query))
    return group_rows(participants, by, {"country": "training__country", "sex": "sex"}, Count("id"))


@indicator(
    identifier="official_workshops_held",
    name=_("Trainings and workshops for officials held"),
    definition=_("Trainings, workshops, regional workshops and study visits held in the period."),
    unit=_("events"),
    disaggregations=("country",),
    order=310,
)
def official_workshops_held(query, by):
    return group_rows(_trainings(query), by, {"country": "country"}, Count("id"))


@indicator(
    identifier="internship_places_identified",
    name=_("Internship places identified by consular officials"),
    definition=_(
        "Places for temporary work or study internships that consular officials identified in "
        "the destination countries in the period, by the official's country."
    ),
    unit=_("places"),
    disaggregations=("country", "destination"),
    order=320,
)
def internship_places_identified(query, by):
    found = InternshipIdentification.objects.filter(identified_on__range=(query.start, query.end))
    if query.countries:
        found = found.filter(identified_by__country__in=query.countries)
    fields = {"country": "identified_by__country", "destination": "destination"}
    rows = group_rows(found, by, fields, Sum("places"))
    return [{**row, "value": row["value"] or 0} for row in rows]
