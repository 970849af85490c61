"""Surveys before, at the end of and a year after each assignment: the programme sets the
questions, experts and hosts answer their own, the answers feed indicators and an export."""

import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.timezone import now
from openpyxl import load_workbook

from reports.indicators import ReportQuery, registry
from returns import services, tasks
from returns.models import Assignment, SurveyQuestion, SurveyResponse

from .factories import AssignmentFactory, ExpertProfileFactory, HostFactory, NeedFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def year_after(host, expert):
    """An assignment that ended more than a year ago, between the host and expert personas."""
    return AssignmentFactory(
        application__need=NeedFactory(host=HostFactory(members=[host]), title="ICU training"),
        application__expert=ExpertProfileFactory(user=expert),
        status=Assignment.Status.EVALUATED,
        start=TODAY - datetime.timedelta(days=430),
        end=TODAY - datetime.timedelta(days=370),
    )


@pytest.fixture
def questions(login, programme_manager):
    """Set by the programme manager on the questions page."""
    client = login(programme_manager)
    for data in [
        {
            "audience": "host",
            "moment": "year_after",
            "kind": "choice",
            "order": 1,
            "text": "Is what the expert brought still in use?",
            "options": "Yes\nPartly\nNo",
            "measures": "lasting_change",
        },
        {
            "audience": "host",
            "moment": "year_after",
            "kind": "text",
            "order": 2,
            "text": "What changed?",
            "required": "",
        },
        {
            "audience": "expert",
            "moment": "year_after",
            "kind": "rating",
            "order": 1,
            "text": "How often are you in touch with the host?",
            "measures": "still_in_contact",
        },
    ]:
        data.setdefault("required", "on")
        data["is_active"] = "on"
        response = client.post(reverse("returns:survey_question_create"), data)
        assert response.status_code == 302, response.context["form"].errors
    return SurveyQuestion.objects.all()


def test_the_beat_task_opens_the_one_year_survey_and_reminds_once(
    year_after, questions, host, expert, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_follow_up_surveys() == 1
    opened = SurveyResponse.objects.filter(assignment=year_after, moment="year_after")
    assert set(opened.values_list("audience", flat=True)) == {"expert", "host"}
    assert sorted(to for m in mail.outbox for to in m.to) == sorted([host.email, expert.email])
    assert f"/returns/surveys/{opened.get(audience='expert').pk}/" in "".join(
        m.body for m in mail.outbox
    )
    assert tasks.send_follow_up_surveys() == 0  # not opened twice
    # two weeks later: one reminder, never a second
    opened.update(opened_at=now() - datetime.timedelta(days=15))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_follow_up_surveys()
    assert len(mail.outbox) == 2
    assert "Reminder" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_follow_up_surveys()
    assert len(mail.outbox) == 2


def test_answers_of_an_expert_and_a_host_show_in_the_indicators_and_the_export(
    login, year_after, questions, host, expert, programme_manager
):
    services.surveys_open()
    host_survey = SurveyResponse.objects.get(audience="host", moment="year_after")
    expert_survey = SurveyResponse.objects.get(audience="expert", moment="year_after")
    host_page = login(host).get(reverse("returns:survey_answer", args=[host_survey.pk]))
    assert "Is what the expert brought still in use?" in host_page.text
    fields = {q.text: f"q{q.pk}" for q in questions}
    response = login(host).post(
        reverse("returns:survey_answer", args=[host_survey.pk]),
        {
            fields["Is what the expert brought still in use?"]: "Yes",
            fields["What changed?"]: "The ICU runs the protocol.",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    response = login(expert).post(
        reverse("returns:survey_answer", args=[expert_survey.pk]),
        {fields["How often are you in touch with the host?"]: "2"},
    )
    assert response.status_code == 302

    year = ReportQuery(start=TODAY - datetime.timedelta(days=1), end=TODAY)
    assert registry["hosts_reporting_lasting_change"].total(year) == 100
    assert registry["experts_still_in_contact"].total(year) == 0  # a rating of 2 is not "yes"

    export = login(programme_manager).get(reverse("returns:survey_export", args=["xlsx"]))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    answers = {row[8]: row[9] for row in rows[1:]}
    assert answers["Is what the expert brought still in use?"] == "Yes"
    assert answers["What changed?"] == "The ICU runs the protocol."
    assert answers["How often are you in touch with the host?"] == "2"
    csv = login(programme_manager).get(reverse("returns:survey_export", args=["csv"]))
    assert "ICU training" in csv.content.decode()


def test_a_survey_is_answered_once(login, year_after, questions, expert):
    services.surveys_open()
    survey = SurveyResponse.objects.get(audience="expert", moment="year_after")
    field = f"q{questions.get(audience='expert').pk}"
    client = login(expert)
    client.post(reverse("returns:survey_answer", args=[survey.pk]), {field: "5"})
    page = client.get(reverse("returns:survey_answer", args=[survey.pk]))
    assert "Send the answers" not in page.text
    assert survey.answers.count() == 1


def test_a_rating_out_of_range_is_refused(login, year_after, questions, expert):
    services.surveys_open()
    survey = SurveyResponse.objects.get(audience="expert", moment="year_after")
    field = f"q{questions.get(audience='expert').pk}"
    page = login(expert).post(reverse("returns:survey_answer", args=[survey.pk]), {field: "9"})
    assert page.status_code == 200
    assert not survey.answers.exists()


def test_experts_and_hosts_see_only_their_own_surveys(login, year_after, questions, host, expert):
    services.surveys_open()
    other = AssignmentFactory(status=Assignment.Status.EVALUATED, end=year_after.end)
    services.surveys_open()
    mine = SurveyResponse.objects.filter(assignment=year_after)
    theirs = SurveyResponse.objects.filter(assignment=other)
    assert theirs.count() == 2
    expert_list = login(expert).get(reverse("returns:survey_list"))
    assert [s.pk for s in expert_list.context["page"]] == [mine.get(audience="expert").pk]
    host_list = login(host).get(reverse("returns:survey_list"))
    assert [s.pk for s in host_list.context["page"]] == [mine.get(audience="host").pk]
    for survey in theirs:
        assert (
            login(expert).get(reverse("returns:survey_answer", args=[survey.pk])).status_code == 404
        )
        assert (
            login(host).get(reverse("returns:survey_answer", args=[survey.pk])).status_code == 404
        )
    # nor may the host open the expert's survey of the same assignment
    expert_survey = mine.get(audience="expert")
    assert (
        login(host).get(reverse("returns:survey_answer", args=[expert_survey.pk])).status_code
        == 404
    )


def test_a_choice_question_needs_options(login, programme_manager):
    response = login(programme_manager).post(
        reverse("returns:survey_question_create"),
        {"audience": "host", "moment": "end", "kind": "choice", "text": "Pick", "order": 1},
    )
    assert "A choice needs at least two options." in response.text


def test_the_assignment_page_links_each_party_to_its_own_survey(
    login, year_after, questions, host, expert
):
    services.surveys_open()
    page = login(expert).get(reverse("returns:assignment_detail", args=[year_after.pk]))
    mine = SurveyResponse.objects.get(assignment=year_after, audience="expert")
    theirs = SurveyResponse.objects.get(assignment=year_after, audience="host")
    assert reverse("returns:survey_answer", args=[mine.pk]) in page.text
    assert reverse("returns:survey_answer", args=[theirs.pk]) not in page.text


def test_the_home_page_counts_the_surveys_to_answer(login, year_after, questions, host, expert):
    services.surveys_open()
    for user in (host, expert):
        home = login(user).get(reverse("home")).text
        assert "1 survey to answer" in home
        assert reverse("returns:survey_list") in home
