"""Signs in as every demo role over HTTP and checks that the key pages answer 200."""

import http.cookiejar
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

import django

sys.path.insert(0, ".")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msc_portal.settings")
django.setup()
from accounts.demo import DEMO_LOGINS, DEMO_PASSWORD  # noqa: E402

base = sys.argv[1]
failures = []


def opener():
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def get(browser, path, expect=200):
    try:
        response = browser.open(base + path)
        status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    if status != expect:
        failures.append(f"GET {path}: {status}, expected {expect}")
    return body


anonymous = opener()
for path in ["/", "/centres/", "/centres/?country=RS", "/accounts/login/", "/api/v1/docs/"]:
    get(anonymous, path)
health = json.loads(get(anonymous, "/healthz"))
if health["status"] != "ok":
    failures.append(f"/healthz: {health}")
schema = json.loads(get(anonymous, "/api/v1/schema/?format=json"))
if not schema.get("openapi", "").startswith("3."):
    failures.append("/api/v1/schema/ is not OpenAPI 3")

for email, _name, role, *_ in DEMO_LOGINS:
    browser = opener()
    page = get(browser, "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": email, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(base + "/accounts/login/", data=form)
    request.add_header("Referer", base + "/accounts/login/")
    home = browser.open(request).read().decode()
    if str(role.label) not in home or "Sign out" not in home:
        failures.append(f"login as {role.label} ({email}) did not reach the home page")
    # Every page the role's navigation offers must open.
    nav = home.split('id="main-nav"', 1)[1].split("js-language-form", 1)[0]
    links = sorted(set(re.findall(r'href="(/[^"#]*)"', nav)))
    for link in links:
        get(browser, link)
    me = json.loads(get(browser, "/api/v1/me/"))
    if me.get("role") != role.value:
        failures.append(f"/api/v1/me/ as {email}: {me}")
    print(f"signed in as {role.label}: {len(links)} pages of the navigation open")

if failures:
    print("SMOKE TEST FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("smoke test: all demo logins and key pages answer")
