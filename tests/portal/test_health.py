from django.test import override_settings
from django.urls import reverse


def test_it_reports_healthy_database_and_broker(client, db, settings):
    assert not settings.CELERY_TASK_ALWAYS_EAGER, "the suite runs against a real Redis broker"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_it_answers_503_when_the_broker_is_down(client, db):
    # Port 9 (discard) has no Redis listening on this machine: a real refused connection.
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:9/0"):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")
