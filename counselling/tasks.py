import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task
def anonymise_inactive_visitors() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): the retention run; safe to run twice."""
    count = services.visitors_anonymise_inactive()
    logger.info("Retention: %d inactive visitors anonymised", count)
    return count
