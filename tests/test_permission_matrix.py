"""Every route × every persona: the portal's access rules, checked from the outside."""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.centres.factories import PartnerOrganisationFactory
from tests.matrix import PERSONAS, Route

# Django's admin has its own access rules (is_staff, model permissions); we check its door only.
SKIPPED_NAMESPACES = ("admin:",)


def _route_modules() -> list:
    tests_dir = Path(__file__).parent
    return [
        importlib.import_module(f"tests.{package.name}.routes")
        for package in pkgutil.iter_modules([str(tests_dir)])
        if package.ispkg and (tests_dir / package.name / "routes.py").exists()
    ]


ROUTE_MODULES = _route_modules()
ROUTES: dict[str, Route] = {}
for _module in ROUTE_MODULES:
    for _route in _module.ROUTES:
        assert _route.name not in ROUTES, f"{_route.name} is listed twice"
        ROUTES[_route.name] = _route


def _walk(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _walk(pattern, namespace)
        elif isinstance(pattern, URLPattern):
            yield prefix, pattern


def test_it_lists_every_route_of_the_url_conf():
    unnamed, unlisted = [], []
    for prefix, pattern in _walk(get_resolver()):
        if prefix.startswith(SKIPPED_NAMESPACES):
            continue
        if not pattern.name:
            unnamed.append(str(pattern.pattern))
        elif f"{prefix}{pattern.name}" not in ROUTES:
            unlisted.append(f"{prefix}{pattern.name}")
    assert not unnamed, f"Give these URL patterns a name: {unnamed}"
    assert not unlisted, f"Add these routes to a tests/<app>/routes.py: {unlisted}"


@pytest.fixture
def world(request, centre_a, centre_b):
    """The objects that routes' kwargs refer to.

    A routes module may define `build_world(request, world) -> dict` to add its own objects
    (request.getfixturevalue gives it the personas).
    """
    world = {
        "centre_a": centre_a,
        "centre_b": centre_b,
        "partner_a": PartnerOrganisationFactory(country="RS"),
    }
    for module in ROUTE_MODULES:
        if hasattr(module, "build_world"):
            world.update(module.build_world(request, world))
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", ROUTES.values(), ids=list(ROUTES))
def test_it_answers_each_persona_as_the_access_rules_say(request, client, world, route, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    url = reverse(route.name, kwargs=route.kwargs(world))
    response = getattr(client, route.method)(url, data=route.data, secure=True)

    expected = route.expected(persona, user)
    if expected == "login":
        assert response.status_code == 302, f"{url} as {persona}"
        assert response.url.startswith(reverse("accounts:login")), f"{url} as {persona}"
    else:
        assert response.status_code == expected, f"{url} as {persona}: {response.status_code}"
