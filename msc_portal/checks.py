"""Deploy checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    warnings = []
    if not settings.SECRET_KEY_FROM_ENV:
        warnings.append(
            Warning(
                "SECRET_KEY is not set in the environment; a key generated into var/ is used.",
                hint="Set SECRET_KEY: every web and worker container must share one key.",
                id="msc_portal.W001",
            )
        )
    if settings.DEMO_MODE:
        warnings.append(
            Warning(
                "DEMO_MODE is on: demo data with known passwords can be loaded.",
                hint="Unset DEMO_MODE in production.",
                id="msc_portal.W002",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        warnings.append(
            Warning(
                "Celery tasks run eagerly in the web process (no broker configured).",
                hint="Set REDIS_URL (or CELERY_BROKER_URL) and run a worker.",
                id="msc_portal.W003",
            )
        )
    return warnings
