"""The API keeps its published contract, for every role (issue 12, point 8).

Schemathesis generates requests from our own OpenAPI schema and sends them to the portal (WSGI,
the test database); a 5xx, a status, content type or body the schema does not describe, or a
request the schema calls valid but the API refuses (400) fails the test.
"""

from io import StringIO

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from rest_framework import throttling
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import api_token_create

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    positive_data_acceptance,
]
EXAMPLES_PER_OPERATION = 12
ROLES = [
    "counsellor_a",
    "manager_a",
    "coordinator_a",
    "programme_manager",
    "host",
    "expert",
    None,  # anonymous
]


@pytest.fixture
def api_app(settings):
    settings.ALLOWED_HOSTS = ["*"]
    # Requests in one test share the test's transaction: the handler must not close it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def no_throttling(monkeypatch):
    # Hundreds of requests a minute from one persona: the rates are checked in test_api.py.
    rates = dict.fromkeys(("anon", "user", "lookup"), "100000/minute")
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", rates)


@pytest.fixture
def demo_network(settings, centre_a, centre_a2, centre_b):
    """The demo's network around the personas' centres (Novi Sad, Niš and Tirana are in it): a
    schema is only checked against the answers it describes, so every list has something in it,
    nulls included."""
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=StringIO())
    settings.DEMO_MODE = False


def _read_operations(app):
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(public=True))
    schema.app = app
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "GET":
            yield operation


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_every_read_as_its_schema_says(request, db, role, api_app, no_throttling):
    headers = {}
    user = request.getfixturevalue(role) if role else None
    request.getfixturevalue("demo_network")
    if user is not None:
        _, key = api_token_create(user=user, name="contract")
        headers["Authorization"] = f"Token {key}"

    operations = list(_read_operations(api_app))
    assert len(operations) > 10
    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS, app=api_app)

        check()
