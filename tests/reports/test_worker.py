"""A report run through a real Celery worker and a real Redis broker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from openpyxl import load_workbook

from msc_portal.celery import app as celery_app
from reports.models import ReportRun
from tests.accounts.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_it_produces_a_report_in_a_celery_worker(client, programme_manager, centre_a):
    UserFactory.create_batch(6, centres=[centre_a])
    celery_app.control.purge()  # nothing left over from an earlier run of the suite
    client.force_login(programme_manager)
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
        response = client.post(
            reverse("reports:builder"),
            {
                "period": "year",
                "year": 2030,
                "indicators": ["centre_staff"],
                "disaggregations": ["country"],
                "output_format": "xlsx",
                "suppression": "on",
            },
        )
        run = ReportRun.objects.get()
        assert response.url == reverse("reports:run_detail", args=[run.pk])
        deadline = time.monotonic() + 60
        while run.in_progress and time.monotonic() < deadline:
            time.sleep(0.2)
            run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.message
    summary = load_workbook(run.file.open("rb"))["Summary"]
    header = [cell.value for cell in summary[1]]
    assert summary.cell(row=2, column=header.index("Total") + 1).value == 6
