"""Personas and the world they work in (STYLE.md): two centres in Serbia, one in Albania.

- counsellor_a, manager_a: centre A (Novi Sad, RS)
- counsellor_a2: centre A2 (Niš, RS), same country as A
- counsellor_b: centre B (Tirana, AL)
- coordinator_a: country coordinator for RS (centres A and A2)
- programme_manager, host, expert, administrator
"""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.test import Client as DjangoClient
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient as DRFAPIClient

from accounts.models import Role
from accounts.security import has_two_factor, two_factor_required
from tests.accounts.factories import PASSWORD, UserFactory
from tests.centres.factories import CentreFactory


@pytest.fixture(autouse=True, scope="session")
def _tests_run_on_postgresql(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.exit("The suite runs on PostgreSQL: use `make test` or set DATABASE_URL.", 2)


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    # A fast hasher: the real one is slow on purpose. Static files without a build manifest.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The demo's counselling data at a tenth of its size: the same code, a faster suite.
    settings.DEMO_VISITORS_PER_COUNTRY = 150
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _english_after_each_test():
    # A request activates the signed-in user's language for the thread and nothing resets it
    # between tests (each real request activates its own): start every test in English.
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    # The cache is the real Redis: nothing cached by one test may answer another.
    cache.clear()


class SecondFactorMixin:
    """Signs in as a person does: through django-axes (which needs the request) and, for a role
    that needs two-factor sign-in, with the persona's authenticator, confirming the session."""

    def login(self, **credentials):
        credentials.setdefault("request", HttpRequest())
        return super().login(**credentials)

    def _login(self, user, backend=None):
        super()._login(user, backend)
        if two_factor_required(user) or has_two_factor(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


class Client(SecondFactorMixin, DjangoClient):
    pass


class APIClient(SecondFactorMixin, DRFAPIClient):
    pass


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def centre_a(db):
    return CentreFactory(country="RS", code="NS", city="Novi Sad")


@pytest.fixture
def centre_a2(db):
    return CentreFactory(country="RS", code="NI", city="Niš")


@pytest.fixture
def centre_b(db):
    return CentreFactory(country="AL", code="TR", city="Tirana")


@pytest.fixture
def counsellor_a(centre_a):
    return UserFactory(email="counsellor.a@example.org", role=Role.COUNSELLOR, centres=[centre_a])


@pytest.fixture
def manager_a(centre_a):
    return UserFactory(email="manager.a@example.org", role=Role.CENTRE_MANAGER, centres=[centre_a])


@pytest.fixture
def counsellor_a2(centre_a2):
    return UserFactory(email="counsellor.a2@example.org", role=Role.COUNSELLOR, centres=[centre_a2])


@pytest.fixture
def counsellor_b(centre_b):
    return UserFactory(email="counsellor.b@example.org", role=Role.COUNSELLOR, centres=[centre_b])


@pytest.fixture
def coordinator_a(centre_a, centre_a2):
    return UserFactory(
        email="coordinator.rs@example.org", role=Role.COUNTRY_COORDINATOR, country="RS"
    )


@pytest.fixture
def programme_manager(db):
    return UserFactory(email="programme@example.org", role=Role.PROGRAMME_MANAGER)


@pytest.fixture
def host(db):
    return UserFactory(email="host@example.org", role=Role.HOST_MEMBER)


@pytest.fixture
def expert(db):
    return UserFactory(email="expert@example.org", role=Role.EXPERT)


@pytest.fixture
def administrator(db):
    return UserFactory(email="admin@example.org", role=Role.ADMINISTRATOR, is_superuser=True)


@pytest.fixture
def login(client):
    """Signs a persona in on the test client: `login(counsellor_a)`."""

    def _login(user):
        assert client.login(username=user.email, password=PASSWORD)
        return client

    return _login


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def background_work(django_capture_on_commit_callbacks):
    """`with background_work():` the work a request queues in the outbox runs in the test process
    when the request's transaction commits (eager tasks), as a worker would run it."""
    from msc_portal.celery import app as celery_app

    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield lambda: django_capture_on_commit_callbacks(execute=True)
    finally:
        celery_app.conf.task_always_eager = was_eager
