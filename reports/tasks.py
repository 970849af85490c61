from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def render_report_run(run_id: int) -> None:
    services.report_run_render(run_id=run_id)


@shared_task
def queue_monthly_reports() -> int:
    return len(services.monthly_reports_queue(today=timezone.localdate()))


@shared_task
def sweep_stale_runs() -> dict:
    """Every 15 s (CELERY_BEAT_SCHEDULE): runs whose worker is gone are queued again or failed."""
    return services.report_runs_sweep()
