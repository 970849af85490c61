import pytest

from msc_portal.celery import app as celery_app


@pytest.fixture(autouse=True)
def _eager_tasks(settings, tmp_path):
    """Tasks run in the test process (after commit), and uploaded files go to a temporary place."""
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield
    celery_app.conf.task_always_eager = was_eager
