from celery import shared_task

from . import services


@shared_task
def anonymise_inactive_visitors() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): the retention run; safe to run twice."""
    return services.visitors_anonymise_inactive()
