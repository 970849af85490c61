from celery import shared_task
from celery.signals import worker_ready

from .services import outbox_dispatch


@shared_task(autoretry_for=(), max_retries=0)
def dispatch_outbox() -> int:
    """Every few seconds (CELERY_BEAT_SCHEDULE): hands pending background work to the broker."""
    return outbox_dispatch()


@worker_ready.connect
def _dispatch_on_worker_start(**_kwargs) -> None:
    # A worker that starts after an outage sends what waited, even before beat's next tick.
    dispatch_outbox.delay()
