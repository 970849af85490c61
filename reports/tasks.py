from celery import shared_task

from . import services


@shared_task
def render_report_run(run_id: int) -> None:
    services.report_run_render(run_id=run_id)
