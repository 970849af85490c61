"""Page benchmark: the pages and API lists of issue 14 for each role, and 20 counsellors at once.

Sequential part: Django's test Client in this process, signed in as each persona (second factor
confirmed as after a real sign-in), N requests per page; p50/p95 and the SQL queries per page.
Concurrent part: a live gunicorn (3 workers, as in production), 20 counsellors of 20 centres each
browsing and logging sessions for a bounded time; error rate and p95.
"""

import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils.crypto import get_random_string

from bench import data

ROOT = Path(__file__).resolve().parents[1]
REPEAT = 20
# A page slower than this is measured fewer times (at least 3): the run stays bounded.
PAGE_BUDGET_S = 30.0


def persona(email: str):
    from accounts.models import User

    return User.objects.get(email=email)


def signed_in_session(user) -> str:
    """A session key for `user`, second factor confirmed (what the sign-in pages leave)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Bench", defaults={"confirmed": True}
    )
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key


def client_for(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(user)
    return client


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(client, method: str, url: str, body=None, headers=None) -> dict:
    times, queries, status = [], 0, None
    spent = 0.0
    for n in range(REPEAT):
        if n >= 3 and spent > PAGE_BUDGET_S:
            break
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = getattr(client, method)(url, body, **(headers or {}))
            elapsed = time.perf_counter() - started
        if response.status_code >= 400:
            raise RuntimeError(f"{method.upper()} {url}: {response.status_code}")
        status = response.status_code
        times.append(elapsed)
        spent += elapsed
        queries = len(captured)
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "n": len(times),
        "queries": queries,
        "status": status,
    }


def page_plan():
    """(role, page, method, url, body, headers, goal in seconds) for each persona."""
    from counselling.models import Visitor

    counsellor = data.counsellor_email(0)
    coordinator = data.coordinator_email("AL")
    manager = data.MANAGER_EMAIL
    visitors = Visitor.objects.filter(centre_id=1).count()
    last_page = max(1, (visitors + 49) // 50)
    code = Visitor.objects.filter(centre_id=1).order_by("pk").values_list("code", flat=True)[0]
    htmx = {"HTTP_HX_REQUEST": "true"}
    year = "start=2025-01-01&end=2025-12-31"
    return [
        (counsellor, "home", "get", "/", None, None, 0.15),
        (counsellor, "visitor list, page 1", "get", "/counselling/", None, None, 0.15),
        (counsellor, f"visitor list, last page ({last_page})", "get",
         f"/counselling/?page={last_page}", None, None, 0.15),
        (counsellor, "visitor page", "get", f"/counselling/visitors/{code}/", None, None, 0.15),
        (counsellor, "session form", "get", f"/counselling/visitors/{code}/sessions/new/", None,
         None, 0.15),
        (counsellor, "search by name (POST, htmx)", "post", "/counselling/search/",
         {"q": "Hoxha"}, htmx, 0.05),
        (counsellor, "search by name part (POST, htmx)", "post", "/counselling/search/",
         {"q": "ana"}, htmx, 0.05),
        (counsellor, "API visitors, page_size 100", "get", "/api/v1/visitors/?page_size=100",
         None, None, 0.15),
        (counsellor, "API sessions, page_size 100", "get", "/api/v1/sessions/?page_size=100",
         None, None, 0.15),
        (counsellor, "API sessions, page_size 500", "get", "/api/v1/sessions/?page_size=500",
         None, None, 0.4),
        (coordinator, "visitor list, page 1", "get", "/counselling/", None, None, 0.15),
        (coordinator, "API sessions, page_size 100", "get", "/api/v1/sessions/?page_size=100",
         None, None, 0.15),
        (coordinator, "API sessions, page_size 500", "get", "/api/v1/sessions/?page_size=500",
         None, None, 0.4),
        (coordinator, "statistics 2025", "get", f"/counselling/statistics/?{year}", None, None,
         0.3),
        (coordinator, "dashboard 2025", "get", "/reports/dashboard/?year=2025", None, None, 0.3),
        (manager, "statistics 2025", "get", f"/counselling/statistics/?{year}", None, None, 0.3),
        (manager, "dashboard 2025", "get", "/reports/dashboard/?year=2025", None, None, 0.3),
    ]  # fmt: skip


def measure_floor() -> float:
    """The request floor in this run: /healthz, for reading the pages' times against the load."""
    from django.test import Client

    client, times = Client(), []
    for _ in range(REPEAT):
        started = time.perf_counter()
        client.get("/healthz")
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure_pages(log) -> list[dict]:
    from django.core.cache import cache

    # As a gunicorn worker does once the application is loaded (msc_portal/wsgi.py).
    import msc_portal.wsgi  # noqa: F401

    clients, rows = {}, []
    for email, page, method, url, body, headers, goal in page_plan():
        if email not in clients:
            clients[email] = client_for(persona(email))
        cache.clear()  # the rate limits of searches and look-ups are not what is measured
        result = measure(clients[email], method, url, body, headers)
        role = persona(email).get_role_display()
        rows.append({"role": role, "page": page, "goal": goal, **result})
        log(
            f"  {role:<22} {page:<38} p50 {result['p50'] * 1000:7.0f} ms  "
            f"p95 {result['p95'] * 1000:7.0f} ms  {result['queries']:3d} queries  "
            f"(n={result['n']}, goal ≤ {goal * 1000:.0f} ms)"
        )
    return rows


# --- 20 counsellors at once, against gunicorn -------------------------------------------------

PORT = 8914


def start_gunicorn():
    env = dict(os.environ, ALLOWED_HOSTS="127.0.0.1,localhost", SECURE_SSL_REDIRECT="false")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "msc_portal.wsgi:application", "--workers", "3",
         "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    import requests

    for _ in range(120):
        try:
            requests.get(f"http://127.0.0.1:{PORT}/healthz", timeout=10)
            return process
        except requests.RequestException:
            time.sleep(0.5)
    process.terminate()
    process.wait(10)
    raise RuntimeError("gunicorn did not start")


def _page_name(method: str, path: str) -> str:
    if path == "/":
        return "home"
    if path.endswith("/sessions/new/"):
        return "log a session" if method == "post" else "session form"
    if path.startswith("/counselling/visitors/"):
        return "visitor page"
    return {"/counselling/": "visitor list", "/counselling/search/": "search"}.get(path, path)


def _request(method: str, path: str, body, headers: dict) -> int:
    """One request on a fresh connection (gunicorn's sync workers close each one), with the
    standard library's client: the counsellors' threads share the 2 cores with the portal and
    PostgreSQL, and `requests` spent 2 ms of CPU a request there (http.client: well under 1)."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        payload = None
        if body is not None:
            payload = urlencode(body, doseq=True)
            headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        connection.request(method.upper(), path, body=payload, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def counsellor_walk(index: int, seconds: float, results: list, lock) -> None:
    """One counsellor at the desk: home, list, search, a visitor, the session form, log one."""
    from counselling.models import Topic, Visitor

    user = persona(data.counsellor_email(index))
    codes = list(
        Visitor.objects.filter(centre_id=index + 1)
        .order_by("pk")
        .values_list("code", flat=True)[:50]
    )
    topic = Topic.objects.filter(is_active=True).values_list("pk", flat=True).first()
    csrf = get_random_string(32)
    cookies = (
        f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}"
    )
    base = f"http://127.0.0.1:{PORT}"
    get_headers = {"Cookie": cookies}
    post_headers = {**get_headers, "X-CSRFToken": csrf, "Referer": base + "/"}
    htmx_headers = {**post_headers, "HX-Request": "true"}
    rng = random.Random(index)
    connection.close()  # this thread's own connection is not needed while it browses
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        code = rng.choice(codes)
        steps = [
            ("get", "/", None, get_headers),
            ("get", "/counselling/", None, get_headers),
            ("post", "/counselling/search/", {"q": rng.choice(data.FAMILY)}, htmx_headers),
            ("get", f"/counselling/visitors/{code}/", None, get_headers),
            ("get", f"/counselling/visitors/{code}/sessions/new/", None, get_headers),
            ("post", f"/counselling/visitors/{code}/sessions/new/",
             {"centre": index + 1, "date": "2025-12-30", "mode": "in_person",
              "duration_minutes": 30, "topics": [topic], "services": ["information"]},
             post_headers),
        ]  # fmt: skip
        for method, path, body, headers in steps:
            started = time.perf_counter()
            try:
                status = _request(method, path, body, headers)
            except OSError:
                status = None
            # A page answers 200; logging a session leads back to the visitor (302). Anything
            # else, a sign-in redirect included, is an error.
            ok = status == (302 if path.endswith("/sessions/new/") and method == "post" else 200)
            with lock:
                results.append((_page_name(method, path), ok, time.perf_counter() - started))
            if time.monotonic() >= deadline:
                break


def measure_concurrency(log, users: int = 20, seconds: float = 120.0) -> dict:
    process = start_gunicorn()
    try:
        results: list = []
        lock = threading.Lock()
        threads = [
            threading.Thread(target=counsellor_walk, args=(n, seconds, results, lock))
            for n in range(users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 60)
    finally:
        process.terminate()
        process.wait(10)
    times = [elapsed for _page, _ok, elapsed in results]
    by_page: dict[str, list[float]] = {}
    for page, _ok, elapsed in results:
        by_page.setdefault(page, []).append(elapsed)
    errors = sum(1 for _page, ok, _elapsed in results if not ok)
    summary = {
        "users": users,
        "seconds": seconds,
        "requests": len(results),
        "errors": errors,
        "error_rate": errors / max(1, len(results)),
        "p50": statistics.median(times) if times else 0,
        "p95": percentile(times, 0.95) if times else 0,
        "pages": {page: percentile(values, 0.95) for page, values in sorted(by_page.items())},
    }
    log(
        f"  {users} counsellors × {seconds:.0f} s: {summary['requests']} requests, "
        f"{errors} errors ({100 * summary['error_rate']:.1f} %), p50 "
        f"{summary['p50'] * 1000:.0f} ms, p95 {summary['p95'] * 1000:.0f} ms "
        "(goal 0 errors, p95 ≤ 300 ms)"
    )
    log(
        "  p95 by page: "
        + ", ".join(f"{page} {p95 * 1000:.0f} ms" for page, p95 in summary["pages"].items())
    )
    return summary
