"""The demo data set, the production checks and the Celery defaults."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
from accounts.models import Role, User
from centres.models import Centre
from msc_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def test_it_refuses_to_load_demo_data_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_it_loads_a_realistic_network_once_however_often_it_runs(db, settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=StringIO())
    counts = (Centre.objects.count(), User.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Centre.objects.count(), User.objects.count()) == counts

    by_country = {c: Centre.objects.filter(country=c) for c in ["AL", "BA", "XK", "ME", "MK", "RS"]}
    assert all(centres.exists() for centres in by_country.values())
    assert by_country["RS"].values("city").distinct().count() == 7
    assert {u.role for u in User.objects.all()} == set(Role)
    for email, *_ in DEMO_LOGINS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)


def _manage(*args, **env):
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deploy_checks_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        DEMO_MODE="false",
        SECRET_KEY="a-production-secret-" + "x" * 50,
        ALLOWED_HOSTS="msc.example.org",
        REDIS_URL=settings.CELERY_BROKER_URL,
        SECURE_SSL_REDIRECT="true",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_warns_when_production_runs_without_its_own_secret_key():
    result = _manage(
        "check", "--deploy", DEBUG="false", SECRET_KEY="", ALLOWED_HOSTS="msc.example.org"
    )
    assert "msc_portal.W001" in result.stdout + result.stderr


def test_it_configures_celery_for_safe_retries():
    conf = celery_app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert celery_app.Task.max_retries > 0
    assert celery_app.Task.retry_backoff


def test_it_sets_host_only_secure_cookies_over_https(client, counsellor_a):
    client.force_login(counsellor_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    counsellor_a.preferred_language = "sq"
    counsellor_a.save(update_fields=["preferred_language"])
    response = client.get("/", secure=True)
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_NAME.startswith("__Host-")
    assert session["secure"]
    assert session["path"] == "/"
    assert not session["domain"]
    assert settings.CSRF_COOKIE_NAME.startswith("__Host-")
    language = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert language.value == "sq"
    assert language["secure"]
    assert language["httponly"]
