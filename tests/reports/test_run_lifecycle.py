"""Report runs that always end: heartbeat, the sweeper, retry of any run not done, stuck runs
replaced, missing files (issue 15; issue 16 point 5)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from outbox.models import Message
from reports import services
from reports.models import ReportRun
from tests.accounts.factories import UserFactory

CHOICES = {
    "period": "year",
    "year": 2030,
    "indicators": ["centre_staff"],
    "disaggregations": ["country"],
    "output_format": "xlsx",
    "suppression": "on",
}


def _ask(client):
    response = client.post(reverse("reports:builder"), CHOICES)
    assert response.status_code == 302
    return ReportRun.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def _lose_worker(run, seconds=120):
    """The run was being rendered by a worker that died: no heartbeat since."""
    long_ago = timezone.now() - datetime.timedelta(seconds=seconds)
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RUNNING, heartbeat_at=long_ago, worker="elsewhere:1", attempts=1
    )


def test_it_records_the_task_of_a_run_in_the_outbox_with_the_run(login, programme_manager):
    run = _ask(login(programme_manager))
    message = Message.objects.get()
    assert run.task_id == message.task_id
    assert (message.task, message.args) == ("reports.tasks.render_report_run", [run.pk])
    assert run.heartbeat_at is not None


def test_it_queues_a_run_whose_worker_is_gone_once_then_fails_it_with_a_reason(
    login, programme_manager, centre_a, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    UserFactory.create_batch(5, centres=[centre_a])
    client = login(programme_manager)
    run = _ask(client)
    _lose_worker(run)
    assert services.report_runs_sweep() == {"requeued": 1, "failed": 0}
    run.refresh_from_db()
    assert run.status == ReportRun.Status.QUEUED
    assert "queued again" in run.message
    assert Message.objects.filter(task_id=run.task_id).exists(), "a new task, recorded"
    assert Message.objects.count() == 2

    ReportRun.objects.filter(pk=run.pk).update(attempts=2)
    _lose_worker(run)
    ReportRun.objects.filter(pk=run.pk).update(attempts=2)
    assert services.report_runs_sweep() == {"requeued": 0, "failed": 1}
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    page = client.get(reverse("reports:run_detail", args=[run.pk]))
    assert "stopped twice while preparing this report" in page.text
    assert services.report_runs_sweep() == {"requeued": 0, "failed": 0}


def test_it_leaves_a_run_with_a_fresh_heartbeat_to_its_worker(login, programme_manager):
    run = _ask(login(programme_manager))
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RUNNING, heartbeat_at=timezone.now(), worker="elsewhere:1"
    )
    assert services.report_runs_sweep() == {"requeued": 0, "failed": 0}
    services.report_run_render(run_id=run.pk)  # a second delivery while it renders elsewhere
    run.refresh_from_db()
    assert (run.status, run.worker) == (ReportRun.Status.RUNNING, "elsewhere:1")


def test_it_starts_a_fresh_run_when_the_identical_one_is_stuck(login, programme_manager):
    client = login(programme_manager)
    stuck = _ask(client)
    _lose_worker(stuck)
    fresh = _ask(client)
    assert fresh != stuck
    stuck.refresh_from_db()
    assert stuck.status == ReportRun.Status.FAILED
    assert "new request replaced it" in stuck.message
    assert _ask(client) == fresh, "a run in progress is still shared"


def test_it_lets_the_requester_retry_a_run_in_progress_but_not_a_finished_one(
    login, api_client, programme_manager, centre_a, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    UserFactory.create_batch(5, centres=[centre_a])
    client = login(programme_manager)
    run = _ask(client)
    _lose_worker(run, seconds=10)
    page = client.get(reverse("reports:run_detail", args=[run.pk]))
    assert reverse("reports:run_retry", args=[run.pk]) in page.text
    client.post(reverse("reports:run_retry", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ReportRun.Status.QUEUED
    services.report_run_render(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE

    api_client.force_authenticate(programme_manager)
    answer = api_client.post(f"/api/v1/report-runs/{run.pk}/retry/")
    assert answer.status_code == 400
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.FAILED)
    answer = api_client.post(f"/api/v1/report-runs/{run.pk}/retry/")
    assert answer.status_code == 202
    assert answer.json()["status"] == "queued"


def test_it_answers_a_missing_report_file_with_a_clear_page_and_offers_to_prepare_it_again(
    login, api_client, programme_manager, centre_a, tmp_path, settings, caplog
):
    settings.MEDIA_ROOT = tmp_path
    UserFactory.create_batch(5, centres=[centre_a])
    client = login(programme_manager)
    run = _ask(client)
    services.report_run_render(run_id=run.pk)
    run.refresh_from_db()
    api_client.force_authenticate(programme_manager)
    (tmp_path / run.file.name).unlink()  # a restore without its media

    answer = api_client.get(f"/api/v1/report-runs/{run.pk}/download/")
    assert answer.status_code == 410
    assert "missing" in answer.json()["detail"]
    page = client.get(reverse("reports:run_download", args=[run.pk]))
    assert page.status_code == 410
    assert "Prepare the report again" in page.text
    assert "is missing from storage" in caplog.text
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED

    client.post(reverse("reports:run_retry", args=[run.pk]))
    services.report_run_render(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    assert client.get(reverse("reports:run_download", args=[run.pk])).status_code == 200
