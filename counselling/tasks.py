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


@shared_task
def purge_idempotency_keys() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): API answers kept for retries, once expired."""
    from .api.idempotency import purge_expired_keys

    count = purge_expired_keys()
    logger.info("Idempotency keys: %d expired keys purged", count)
    return count


# 100,000 rows take minutes on a busy machine (bench/imports.py): longer limits than the default.
@shared_task(soft_time_limit=60 * 60, time_limit=65 * 60)
def import_legacy_file(job_id: int) -> None:
    """Checks and imports an uploaded legacy log (counselling.import_jobs); safe to run twice."""
    from .import_jobs import import_job_run

    import_job_run(job_id=job_id)


@shared_task
def compact_statistics() -> None:
    """Every few minutes (CELERY_BEAT_SCHEDULE): folds the statistics cells' difference rows;
    safe to run twice, or while sessions are logged."""
    from .summary import summary_compact

    summary_compact()
