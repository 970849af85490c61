"""Exports of the TVR programme (CSV or XLSX through skills.exporters.ListExporter)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skills.exporters import ListExporter


class SurveyAnswerExporter(ListExporter):
    """One row an answer: which assignment, who was asked, when, the question and the answer.
    Assignments are named by number and need, never by the expert's name."""

    identifier = "survey-answers"
    verbose_name = gettext_lazy("Survey answers")

    def header(self) -> list[str]:
        return [
            _("Assignment"),
            _("Need"),
            _("Host institution"),
            _("Country"),
            _("Mode"),
            _("Asked to"),
            _("Moment"),
            _("Answered"),
            _("Question"),
            _("Answer"),
            _("Feeds the indicator"),
            _("Positive"),
        ]

    def rows(self):
        answers = self.queryset.select_related(
            "question", "response__assignment__application__need__host"
        ).order_by("response__assignment_id", "response__audience", "response__moment", "pk")
        for answer in answers:
            response, question = answer.response, answer.question
            need = response.assignment.application.need
            yield [
                response.assignment_id,
                need.title,
                need.host.name,
                str(need.host.country),
                response.assignment.get_mode_display(),
                response.get_audience_display(),
                response.get_moment_display(),
                response.submitted_at.date().isoformat() if response.submitted_at else "",
                question.text,
                answer.display,
                question.get_measures_display(),
                "" if answer.positive is None else (_("Yes") if answer.positive else _("No")),
            ]
