"""The outbox: background work recorded with the request that asks for it, then dispatched.

`outbox_enqueue()` saves a row in the caller's transaction, so the work exists exactly when the
change that needs it is committed. After the commit one attempt is made at once; when the broker
is away the row waits, and `outbox_dispatch()` (a beat task every few seconds, and the first
successful attempt after an outage) sends whatever is pending. Sending twice is possible (the
broker took the task, then the database failed to mark the row): every task is safe to run twice.
"""

import logging
import socket

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu import Connection

from msc_portal.celery import TRANSIENT_ERRORS

from .models import Message

logger = logging.getLogger(__name__)

BATCH = 200


def outbox_enqueue(task, *args) -> Message:
    """Records `task(*args)` to run in the background once the current transaction commits."""
    message = Message.objects.create(task=task.name, args=list(args))
    transaction.on_commit(lambda: _dispatch_after_commit(message.pk))
    return message


def _dispatch_after_commit(pk: int) -> None:
    if _dispatch_one(pk):
        outbox_dispatch()  # the broker answers: send what waited for it too


def broker_refuses() -> str:
    """A quick TCP probe of the broker: the Redis client retries a refused connection for about
    six seconds, which no request should wait. Empty when reachable (or no network broker)."""
    if current_app.conf.task_always_eager:
        return ""
    url = Connection(current_app.conf.broker_write_url or current_app.conf.broker_url)
    if url.transport_cls not in ("redis", "rediss") or not url.hostname:
        return ""
    try:
        socket.create_connection((url.hostname, url.port or 6379), timeout=1).close()
    except OSError as error:
        return f"{error.__class__.__name__}: {error}"
    return ""


def _dispatch_one(pk: int) -> bool:
    """Sends one pending row; False when the broker is unreachable (the row stays pending)."""
    refused = broker_refuses()
    if refused:
        Message.objects.filter(pk=pk).update(attempts=F("attempts") + 1, last_error=refused[:200])
        logger.warning("Outbox: broker unreachable (%s), task %s waits", refused, pk)
        return False
    with transaction.atomic():
        message = Message.objects.pending().select_for_update(skip_locked=True).filter(pk=pk)
        message = message.first()
        if message is None:
            return True  # sent already, or another dispatcher is sending it now
        task = current_app.tasks[message.task]
        message.attempts += 1
        try:
            # retry=False: a request never waits for a broker that is away; the beat task retries.
            task.apply_async(message.args, task_id=message.task_id, retry=False)
        except TRANSIENT_ERRORS as error:
            message.last_error = f"{error.__class__.__name__}: {error}"[:200]
            message.save(update_fields=["attempts", "last_error"])
            logger.warning("Outbox: broker unreachable, %s %s waits", message.task, message.pk)
            return False
        except Exception as error:  # eager mode (the demo) runs the task here: it failed
            logger.exception("Outbox: task %s %s failed", message.task, message.pk)
            message.last_error = f"{error.__class__.__name__}: {error}"[:200]
        message.dispatched_at = timezone.now()
        message.save(update_fields=["attempts", "last_error", "dispatched_at"])
        return True


def outbox_dispatch() -> int:
    """Sends the pending rows, oldest first; stops at the first broker failure. Returns sent."""
    sent = 0
    for pk in Message.objects.pending().values_list("pk", flat=True)[:BATCH]:
        if not _dispatch_one(pk):
            break
        sent += 1
    return sent
