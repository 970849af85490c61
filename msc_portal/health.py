"""Health of the parts the portal needs: the database and the task broker."""

from django.conf import settings
from django.db import connection
from kombu import Connection

BROKER_TIMEOUT_SECONDS = 2


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason is shown to operators
        return f"error: {exc.__class__.__name__}"
    return "ok"


def broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"  # no broker: tasks run in the web process, which is up
    from outbox.services import broker_refuses

    if refused := broker_refuses():  # a refused port answers at once (the client would retry)
        return f"error: {refused.split(':', 1)[0]}"
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


def health_report() -> tuple[bool, dict[str, str]]:
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(status in ("ok", "eager") for status in checks.values())
    return healthy, {"status": "ok" if healthy else "unavailable", **checks}
