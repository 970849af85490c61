"""Redis away (a wrong port, for broker and cache alike): requests are answered without error, the
work waits in the outbox, and a real worker does it once the broker is reachable again."""

import re
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from counselling.models import ImportJob, Session, Topic
from msc_portal.celery import app as celery_app
from outbox.models import Message
from outbox.tasks import dispatch_outbox
from reports.models import ReportRun
from tests.accounts.factories import UserFactory

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1
IMPORT = (
    "legacy_ref,date,topics,sex,year_of_birth,migration_status,consent_service\n"
    "L-1,2024-03-01,study-abroad,F,1990,student,no\n"
)


def _use_broker(url: str | None) -> None:
    # broker_url itself is read from CELERY_BROKER_URL in the environment first: the read and
    # write URLs, which win over it, point the app elsewhere (None: back to broker_url).
    celery_app.conf.broker_write_url = celery_app.conf.broker_read_url = url
    celery_app._pool = None  # the connection pools were made for the former URL
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings):
    real = None
    settings.CACHES = {
        "default": {
            "BACKEND": "msc_portal.cache.FailSoftRedisCache",
            "LOCATION": UNREACHABLE,
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    _use_broker(UNREACHABLE)
    yield real
    _use_broker(real)


def _wait_until(done, seconds=60):
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(0.2)
    return done()


@pytest.mark.django_db(transaction=True)
def test_it_answers_and_keeps_the_work_while_redis_is_down(
    redis_down, client, login, programme_manager, manager_a, centre_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    Topic.objects.get_or_create(code="study-abroad", defaults={"name": "Study abroad"})
    UserFactory.create_batch(5, centres=[centre_a])
    started = time.monotonic()

    # A report asked for: the page says it waits for the background service.
    manager = login(programme_manager)
    response = manager.post(
        reverse("reports:builder"),
        {
            "period": "year",
            "year": 2030,
            "indicators": ["centre_staff"],
            "disaggregations": ["country"],
            "output_format": "csv",
            "suppression": "on",
        },
    )
    assert response.status_code == 302
    run = ReportRun.objects.get()
    page = manager.get(response.url)
    assert "will start when the background service is back" in page.text
    assert manager.get(reverse("reports:dashboard")).status_code == 200, "the dashboard reads"
    client.logout()

    # An expert signs up.
    response = client.post(
        reverse("returns:expert_register"),
        {
            "full_name": "Arben Krasniqi",
            "email": "arben@example.org",
            "password": "a long enough passphrase 42",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert "Check your e-mail" in response.text
    # A counsellor's manager forgot their password.
    response = client.post(reverse("accounts:password_reset"), {"email": manager_a.email})
    assert response.status_code == 302
    assert not mail.outbox

    # A legacy log uploaded.
    upload = SimpleUploadedFile("log.csv", IMPORT.encode(), content_type="text/csv")
    importer = login(manager_a)
    response = importer.post(
        reverse("counselling:sessions_import"), {"centre": centre_a.pk, "file": upload}
    )
    assert response.status_code == 302
    assert "will start when the background service is back" in importer.get(response.url).text

    assert time.monotonic() - started < 10, "no request waits for the broker"
    pending = Message.objects.pending()
    assert pending.count() == 4
    assert all(message.last_error for message in pending)

    # Redis is back: a worker starts and beat's next tick hands the outbox to it.
    _use_broker(redis_down)
    celery_app.control.purge()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
        dispatch_outbox.delay()
        assert _wait_until(lambda: not Message.objects.pending().exists())
        assert _wait_until(lambda: ReportRun.objects.get(pk=run.pk).status == "done")
        assert _wait_until(lambda: not ImportJob.objects.get().in_progress)
        job = ImportJob.objects.get()
        assert job.status == "done", (job.message, job.errors)
        assert _wait_until(lambda: len(mail.outbox) == 2)

    run.refresh_from_db()
    assert run.file.read()
    assert Session.objects.count() == 1
    sent = {message.to[0]: message for message in mail.outbox}
    assert "/accounts/password/reset/" in sent[manager_a.email].body
    activation = sent["arben@example.org"]
    assert activation.to == ["arben@example.org"]
    link = re.search(r"https?://[^/]+(/returns/experts/activate/\S+/)", activation.body)
    assert client.get(link.group(1)).url == reverse("accounts:login")
