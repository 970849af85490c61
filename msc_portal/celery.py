"""The Celery app. Configuration comes from Django settings (the CELERY_* names).

Every task inherits the project's default policy from `PortalTask`: retry with exponential
backoff on transient errors (database or broker unreachable), acknowledge late so that a task
killed with its worker runs again. Tasks must therefore be safe to run twice. Queue them with
`outbox.services.outbox_enqueue(task, *args)`: the work is recorded in the caller's transaction
and handed to the broker after the commit, or later when the broker was away.
"""

import os

from celery import Celery
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msc_portal.settings")


def _transient_errors() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError
    from kombu.exceptions import OperationalError as BrokerError

    return (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)


TRANSIENT_ERRORS = _transient_errors()


class PortalTask(DjangoTask):
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 5  # seconds before the first retry, doubled each time
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5


app = Celery("msc_portal", task_cls=PortalTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
