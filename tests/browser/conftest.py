"""Browser journeys (issue 13): Debian's Chromium driven by Playwright against a live server on
PostgreSQL. Every page a journey reaches is checked as a person would notice it:

- axe-core (tests/browser/vendor/axe-core, WCAG 2.0/2.1 A and AA rules): no critical or serious
  violation;
- no console error and no Content-Security-Policy violation;
- nothing wider than the screen (the phone is 390 px wide).

A failing step leaves a screenshot under var/browser/ (kept by CI as an artefact).
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from msc_portal.celery import app as celery_app
from tests.conftest import Client

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "browser"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
# Runs before any page script: records CSP violations the page reports.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


class PageProblem(AssertionError):
    pass


class Visit:
    """One person's browser tab, checked after each step (`check`)."""

    def __init__(self, page, base_url: str, name: str):
        self.page, self.base_url, self.name = page, base_url, name
        self.errors: list[str] = []
        self.pages_checked: list[str] = []
        self.interactions = 0
        page.on(
            "console",
            lambda msg: (
                self.errors.append(f"console {msg.type}: {msg.text}")
                if msg.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    # --- steps -----------------------------------------------------------------------------
    def goto(self, path: str):
        self.page.goto(self.base_url + path)
        self.check(path)
        return self.page

    def fill(self, selector: str, value: str):
        self.interactions += 1
        self.page.fill(selector, value)

    def fill_search(self, locator, text: str):
        """Types into a searchable list's text box (one interaction, as a person types)."""
        self.interactions += 1
        locator.click()
        locator.fill("")
        locator.press_sequentially(text)

    def select(self, selector: str, value):
        self.interactions += 1
        self.page.select_option(selector, value)

    def check_box(self, selector: str):
        self.interactions += 1
        self.page.check(selector)

    def click(self, selector: str, *, then_check: bool = True):
        self.interactions += 1
        self.page.click(selector)
        self.page.wait_for_load_state("load")
        if then_check:
            self.check(self.page.url)

    # --- what a person notices -------------------------------------------------------------
    def check(self, step: str):
        page = self.page
        problems = list(self.errors)
        self.errors.clear()
        problems += [f"CSP: {v}" for v in page.evaluate("window.__cspViolations || []")]
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            wide = page.evaluate(WIDEST)
            problems.append(f"page {width[0]}px wide on a {width[1]}px screen: {wide}")
        # One page title and one main heading: the style pass's consistent titles and headings.
        headings = page.evaluate("document.querySelectorAll('main h1, #main h1').length")
        if headings != 1:
            problems.append(f"{headings} main headings (h1) instead of one")
        if not page.title().strip() or page.title().startswith("·"):
            problems.append("the page has no title of its own")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE)  # by the DevTools protocol: the page's CSP does not apply
        result = page.evaluate(
            "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']})",
            AXE_TAGS,
        )
        for violation in result["violations"]:
            if violation["impact"] in ("critical", "serious"):
                targets = [node["target"] for node in violation["nodes"][:3]]
                problems.append(f"axe {violation['impact']} {violation['id']}: {targets}")
        self.pages_checked.append(step)
        if problems:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            slug = re.sub(r"[^a-z0-9]+", "-", f"{self.name} {step}".lower()).strip("-")[:120]
            page.screenshot(path=SCREENSHOTS / f"{slug}.png", full_page=True)
            raise PageProblem(f"{self.name} at {step}:\n  " + "\n  ".join(problems))


# The elements that stick out on the right, for the failure message.
WIDEST = """
[...document.querySelectorAll('body *')]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 3).map((el) => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className).join(', ')
"""


@pytest.fixture(scope="module")
def _async_unsafe_allowed():
    """Playwright's sync API keeps an event loop in the test thread while the browser is open;
    the database calls of the tests themselves are plain synchronous ones (Django's documented
    switch for this case). Only while the journeys run: the browser closes with the module."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def _reference_data(django_db_setup, django_db_blocker):
    """The rows the migrations seed (topics, the MIDWEB programme…), as serialised when the test
    database was created (the journeys are marked serialized_rollback for that)."""
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is None:  # a reused test database (--reuse-db) was not serialised
        from counselling.models import Topic

        with django_db_blocker.unblock():
            if not Topic.objects.exists():
                pytest.fail("The browser journeys need a fresh test database: --create-db.")
            contents = connection.creation.serialize_db_to_string()
    return contents


@pytest.fixture(autouse=True)
def _restore_reference_data(_async_unsafe_allowed, transactional_db, _reference_data):
    # A live-server test empties the database when it ends. Django would restore the seeded rows
    # from the connection, but Playwright's greenlets give this thread another connection
    # object, which lacks the serialised copy: restore them from the copy taken beforehand.
    from django.core.management import call_command

    from counselling.models import Topic

    if not Topic.objects.exists():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(_reference_data)


@pytest.fixture(scope="module")
def browser(_async_unsafe_allowed, _reference_data):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _browser_world(settings, tmp_path):
    # Report files and CVs in a temporary place; tasks run in the server's thread after commit.
    settings.MEDIA_ROOT = tmp_path
    # The live server speaks plain HTTP, as `manage.py runserver` does: cookies without Secure.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME = "session", "csrftoken"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = was_eager


@pytest.fixture(params=list(WIDTHS))
def open_as(request, browser, live_server):
    """`open_as(user)` → a Visit signed in as that user (two-factor confirmed as the persona's
    authenticator would), at the test's width; `open_as(None)` for someone not signed in."""
    contexts = []

    def _open(user, name: str = ""):
        width, height = WIDTHS[request.param]
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": cookie.value,
                        "url": live_server.url + "/",
                    }
                ]
            )
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        page.set_default_timeout(15_000)
        label = f"{name or request.node.name} {request.param}"
        return Visit(page, live_server.url, label)

    yield _open
    for context in contexts:
        context.close()
