import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from returns import services, tasks
from returns.models import Application, Assignment, Need, SurveyQuestion
from returns.transitions import APPLICATION_MOVES, ASSIGNMENT_MOVES, FORM_MOVES
from tests.edits import edit_version

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    ExpertProfileFactory,
    HostFactory,
    NeedFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["host", "programme_manager", "expert", "counsellor_a"]
A, S = Application.Status, Assignment.Status


@pytest.fixture
def parties(host, expert):
    """The host persona's institution and the expert persona's profile."""
    return HostFactory(members=[host]), ExpertProfileFactory(user=expert)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("source", "target"), list(APPLICATION_MOVES))
def test_it_allows_each_application_move_only_to_its_role(
    request, parties, persona, source, target
):
    institution, profile = parties
    user = request.getfixturevalue(persona)
    application = ApplicationFactory(
        need=NeedFactory(host=institution), expert=profile, status=source
    )
    if user.role in APPLICATION_MOVES[(source, target)].roles:
        services.application_move(application=application, target=target, actor=user, comment="ok")
        application.refresh_from_db()
        assert application.status == target
        change = application.changes.get()
        assert (change.actor, change.from_status, change.to_status, change.comment) == (
            user,
            source,
            target,
            "ok",
        )
    else:
        with pytest.raises(PermissionDenied):
            services.application_move(application=application, target=target, actor=user)
        application.refresh_from_db()
        assert application.status == source
        assert not application.changes.exists()


@pytest.mark.parametrize(
    ("source", "target", "persona"),
    [
        (A.APPROVED, A.WITHDRAWN, "expert"),  # too late to withdraw
        (A.SUBMITTED, A.APPROVED, "programme_manager"),  # no skipping the host
        (A.DECLINED, A.ACCEPTED, "host"),
        (A.REJECTED, A.SCREENING, "programme_manager"),
    ],
)
def test_it_refuses_application_moves_outside_the_table(request, parties, source, target, persona):
    institution, profile = parties
    application = ApplicationFactory(
        need=NeedFactory(host=institution), expert=profile, status=source
    )
    with pytest.raises(PermissionDenied):
        services.application_move(
            application=application, target=target, actor=request.getfixturevalue(persona)
        )


def test_it_refuses_moves_by_another_host_or_another_expert(host, expert):
    application = ApplicationFactory(status=A.PROPOSED)  # another host, another expert
    HostFactory(members=[host])
    ExpertProfileFactory(user=expert)
    with pytest.raises(PermissionDenied):
        services.application_move(application=application, target=A.ACCEPTED, actor=host)
    with pytest.raises(PermissionDenied):
        services.application_move(application=application, target=A.WITHDRAWN, actor=expert)


def test_it_lets_an_expert_apply_once_to_a_published_need(login, expert):
    profile = ExpertProfileFactory(user=expert)
    need = NeedFactory()
    data = {
        "motivation": "I ran this training in Graz.",
        "proposed_start": "2027-01-10",
        "proposed_end": "2027-02-05",  # 20 working days, as the need asks
        "mode": "physical",
    }
    response = login(expert).post(reverse("returns:application_create", args=[need.pk]), data)
    application = Application.objects.get()
    assert response.url == reverse("returns:application_detail", args=[application.pk])
    assert (application.expert, application.status, application.mode) == (
        profile,
        A.SUBMITTED,
        "physical",
    )
    again = login(expert).post(reverse("returns:application_create", args=[need.pk]), data)
    assert "You have already applied to this need." in again.text
    with pytest.raises(ValidationError):
        services.application_submit(
            expert=profile,
            need=NeedFactory(status=Need.Status.DRAFT),
            motivation="x",
            proposed_start=datetime.date(2027, 1, 1),
            proposed_end=datetime.date(2027, 1, 2),
            mode="virtual",
        )


@pytest.mark.parametrize(
    ("start", "end", "mode", "message"),
    [
        (
            "2026-12-01",
            "2027-01-10",
            "physical",
            "Propose dates between 2026-12-23 and 2027-03-23.",
        ),
        ("2027-03-01", "2027-04-10", "physical", "Propose dates between"),
        ("2027-01-10", "2027-02-05", "virtual", "This need asks for: Physical (on site)."),
        ("2027-02-10", "2027-01-10", "physical", "The end must come after the start."),
    ],
)
def test_it_refuses_dates_outside_the_window_and_a_mode_the_need_excludes(
    login, expert, start, end, mode, message
):
    ExpertProfileFactory(user=expert)
    need = NeedFactory(mode="physical")
    response = login(expert).post(
        reverse("returns:application_create", args=[need.pk]),
        {"motivation": "x", "proposed_start": start, "proposed_end": end, "mode": mode},
    )
    assert message in response.text
    assert not Application.objects.exists()


def test_it_e_mails_the_people_concerned_after_commit(
    login, parties, host, programme_manager, django_capture_on_commit_callbacks
):
    institution, profile = parties
    application = ApplicationFactory(
        need=NeedFactory(host=institution), expert=profile, status=A.SHORTLISTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        login(programme_manager).post(
            reverse("returns:application_move", args=[application.pk]),
            {"target": "proposed", "comment": "Strong ICU background."},
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([profile.user.email, host.email])
    assert programme_manager.email not in message.to
    assert "Strong ICU background." in message.body
    assert "To: Proposed to host" in message.body
    # Safe to run twice: the second run sends nothing.
    tasks.send_status_change(application.changes.get().pk)
    assert len(mail.outbox) == 1


def test_it_turns_an_approved_application_into_an_assignment(login, parties, programme_manager):
    institution, profile = parties
    need = NeedFactory(host=institution, duration_days=25, deliverables="Training plan")
    application = ApplicationFactory(need=need, expert=profile, status=A.ACCEPTED)
    login(programme_manager).post(
        reverse("returns:application_move", args=[application.pk]), {"target": "approved"}
    )
    assignment = Assignment.objects.get(application=application)
    assert assignment.status == S.PLANNED
    assert assignment.working_days == 25
    assert assignment.deliverables == "Training plan"
    assert assignment.start == application.proposed_start


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("source", "target"), [m for m in ASSIGNMENT_MOVES if m not in FORM_MOVES])
def test_it_allows_each_assignment_move_only_to_its_role(request, parties, persona, source, target):
    institution, profile = parties
    user = request.getfixturevalue(persona)
    assignment = AssignmentFactory(
        application__need=NeedFactory(host=institution), application__expert=profile, status=source
    )
    if user.role in ASSIGNMENT_MOVES[(source, target)].roles:
        services.assignment_move(assignment=assignment, target=target, actor=user)
        assignment.refresh_from_db()
        assert assignment.status == target
        assert assignment.changes.get().actor == user
    else:
        with pytest.raises(PermissionDenied):
            services.assignment_move(assignment=assignment, target=target, actor=user)
        assignment.refresh_from_db()
        assert assignment.status == source


def test_it_takes_the_expert_s_report_then_the_host_s_evaluation(login, parties, host, expert):
    institution, profile = parties
    assignment = AssignmentFactory(
        application__need=NeedFactory(host=institution),
        application__expert=profile,
        status=S.COMPLETED,
    )
    evaluate = reverse("returns:assignment_evaluate", args=[assignment.pk])
    scores = {"overall": 5, "relevance": 4, "expertise": 5, "comments": "Excellent."}
    early = login(host).post(evaluate, scores, follow=True)
    assert "You may not make this change." in early.text
    login(expert).post(
        reverse("returns:assignment_report", args=[assignment.pk]),
        {"activities": "Four workshops.", "outputs": "ICU protocol.", "people_trained": 18},
    )
    assignment.refresh_from_db()
    assert assignment.status == S.REPORTED
    assert assignment.report.people_trained == 18
    login(host).post(evaluate, scores)
    assignment.refresh_from_db()
    assert assignment.status == S.EVALUATED
    assert assignment.evaluation.overall == 5
    assert [c.to_status for c in assignment.changes.all()] == [S.REPORTED, S.EVALUATED]


def test_it_refuses_a_report_from_the_host_and_an_evaluation_from_the_expert(
    login, parties, host, expert
):
    institution, profile = parties
    assignment = AssignmentFactory(
        application__need=NeedFactory(host=institution),
        application__expert=profile,
        status=S.COMPLETED,
    )
    assert (
        login(host).get(reverse("returns:assignment_report", args=[assignment.pk])).status_code
        == 403
    )
    assert (
        login(expert).get(reverse("returns:assignment_evaluate", args=[assignment.pk])).status_code
        == 403
    )


def test_it_keeps_the_budget_in_decimal_euros(login, programme_manager):
    assignment = AssignmentFactory(working_days=20)
    client = login(programme_manager)
    url = reverse("returns:assignment_edit", args=[assignment.pk])
    client.post(
        url,
        {
            **edit_version(client, url),
            "mode": "physical",
            "start": "2027-03-01",
            "end": "2027-03-31",
            "working_days": 20,
            "travel": "350.50",
            "per_diem_rate": "45.10",
            "accommodation": "900",
            "insurance": "60.25",
            "fee": "1000",
        },
    )
    assignment.refresh_from_db()
    assert assignment.per_diem_total == Decimal("902.00")
    assert assignment.budget_total == Decimal("3212.75")  # 350.50 + 902 + 900 + 60.25 + 1000
    page = login(programme_manager).get(reverse("returns:assignment_detail", args=[assignment.pk]))
    assert "3212.75" in page.text


def test_it_sends_the_follow_up_survey_once_a_year_after(
    parties, host, expert, django_capture_on_commit_callbacks
):
    institution, profile = parties
    today = datetime.date.today()
    due = AssignmentFactory(
        application__need=NeedFactory(host=institution),
        application__expert=profile,
        status=S.EVALUATED,
        start=today - datetime.timedelta(days=420),
        end=today - datetime.timedelta(days=366),
    )
    AssignmentFactory(status=S.EVALUATED, end=today - datetime.timedelta(days=100))  # too early
    AssignmentFactory(status=S.CANCELLED, end=today - datetime.timedelta(days=400))  # never ran
    for audience in ("expert", "host"):
        SurveyQuestion.objects.create(
            audience=audience, moment="year_after", text="Still in use?", kind="text"
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_follow_up_surveys() == 1
    assert sorted(to for message in mail.outbox for to in message.to) == sorted(
        [host.email, expert.email]
    )
    assert "follow-up survey" in mail.outbox[0].subject
    due.refresh_from_db()
    assert due.follow_up_sent_at
    assert tasks.send_follow_up_surveys() == 0
    assert len(mail.outbox) == 2


def test_it_schedules_the_follow_up_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["returns-follow-up-surveys"]
    assert entry["task"] == tasks.send_follow_up_surveys.name


def test_it_shows_each_party_only_their_applications(
    login, parties, host, expert, programme_manager, counsellor_a
):
    institution, profile = parties
    mine = ApplicationFactory(need=NeedFactory(host=institution), expert=profile, status=A.PROPOSED)
    not_yet_proposed = ApplicationFactory(need=NeedFactory(host=institution), status=A.SCREENING)
    elsewhere = ApplicationFactory()

    def listed(user):
        return set(login(user).get(reverse("returns:application_list")).context["page"])

    assert listed(expert) == {mine}
    assert listed(host) == {mine}
    assert listed(programme_manager) == {mine, not_yet_proposed, elsewhere}
    assert login(counsellor_a).get(reverse("returns:application_list")).status_code == 403
    assert (
        login(host)
        .get(reverse("returns:application_detail", args=[not_yet_proposed.pk]))
        .status_code
        == 404
    )
    assert (
        login(expert).get(reverse("returns:application_detail", args=[elsewhere.pk])).status_code
        == 404
    )


def test_it_starts_an_assignment_from_its_page_and_refuses_the_expert(
    login, parties, expert, programme_manager
):
    institution, profile = parties
    assignment = AssignmentFactory(
        application__need=NeedFactory(host=institution), application__expert=profile
    )
    url = reverse("returns:assignment_move", args=[assignment.pk])
    refused = login(expert).post(url, {"target": "in_progress"}, follow=True)
    assert "You may not make this change." in refused.text
    assignment.refresh_from_db()
    assert assignment.status == S.PLANNED
    page = login(programme_manager).get(reverse("returns:assignment_detail", args=[assignment.pk]))
    assert 'value="in_progress"' in page.text
    login(programme_manager).post(url, {"target": "in_progress", "comment": "Flights booked."})
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS
    assert assignment.changes.get().comment == "Flights booked."


def test_it_refuses_a_second_report(login, parties, expert):
    institution, profile = parties
    assignment = AssignmentFactory(
        application__need=NeedFactory(host=institution),
        application__expert=profile,
        status=S.COMPLETED,
    )
    url = reverse("returns:assignment_report", args=[assignment.pk])
    report = {"activities": "Workshops.", "outputs": "Protocol.", "people_trained": 3}
    login(expert).post(url, report)
    again = login(expert).post(url, {**report, "people_trained": 99}, follow=True)
    assert "You may not make this change." in again.text
    assignment.refresh_from_db()
    assert assignment.report.people_trained == 3


def test_it_e_mails_the_host_and_programme_when_the_expert_reports(
    login, parties, host, expert, programme_manager, django_capture_on_commit_callbacks
):
    institution, profile = parties
    assignment = AssignmentFactory(
        application__need=NeedFactory(host=institution, title="ICU training"),
        application__expert=profile,
        status=S.COMPLETED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        login(expert).post(
            reverse("returns:assignment_report", args=[assignment.pk]),
            {"activities": "Workshops.", "outputs": "Protocol.", "people_trained": 3},
        )
    assert sorted(mail.outbox[0].to) == sorted([host.email, programme_manager.email])
    assert "Assignment “ICU training”" in mail.outbox[0].subject
    assert "To: Reported" in mail.outbox[0].body


def test_proposed_dates_default_to_the_needs_duration_and_warn_when_longer(login, expert):
    ExpertProfileFactory(user=expert)
    need = NeedFactory(
        duration_days=20,
        window_start=datetime.date(2027, 3, 1),  # a Monday
        window_end=datetime.date(2027, 6, 30),
    )
    client = login(expert)
    form = client.get(reverse("returns:application_create", args=[need.pk])).context["form"]
    # 20 working days from Monday 1 March end on Friday 26 March, not with the window
    assert form.initial["proposed_end"] == datetime.date(2027, 3, 26)
    data = {
        "motivation": "x",
        "proposed_start": "2027-03-01",
        "proposed_end": "2027-06-30",
        "mode": "physical",
    }
    page = client.post(reverse("returns:application_create", args=[need.pk]), data)
    assert "These dates span 88 working days; the need asks for 20." in page.text
    assert not Application.objects.exists()
    response = client.post(
        reverse("returns:application_create", args=[need.pk]), {**data, "longer_on_purpose": "on"}
    )
    assert response.status_code == 302
    assert "The programme screens it next" in client.get(response.url).text
