"""The six journeys of issue 13, each at 1280 px and 390 px (conftest.py: the checks on every
page: axe-core, console, CSP, width)."""

import datetime

import pytest

from counselling.models import GroupSession, Session
from reports.models import ReportRun
from returns.models import Application
from tests.counselling.factories import SessionFactory, make_visitor
from tests.returns.factories import (
    ApplicationFactory,
    ExpertProfileFactory,
    HostFactory,
    NeedFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_it_lets_a_counsellor_log_a_desk_session(open_as, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    visit = open_as(counsellor_a)
    visit.goto("/")
    visit.goto(f"/counselling/visitors/{visitor.code}/")
    page = visit.goto(f"/counselling/visitors/{visitor.code}/sessions/new/")
    visit.check_box("input[name=topics] >> nth=0")
    # Destinations: the searchable multi-select, found by its label, picked by typing.
    search = page.get_by_role("combobox", name="Destinations discussed")
    visit.fill_search(search, "Germ")
    page.get_by_role("option", name="Germany").click()
    visit.fill_search(search, "Austr")
    page.get_by_role("option", name="Austria").click()
    page.keyboard.press("Escape")
    visit.click("form[method=post] button[type=submit] >> nth=-1")
    session = Session.objects.get(visitor=visitor)
    assert sorted(str(code) for code in session.destinations) == ["AT", "DE"]
    assert page.get_by_role("status").or_(page.locator(".alert")).first.is_visible()
    visit.goto("/counselling/")


def test_it_lets_a_counsellor_record_a_group_session(open_as, counsellor_a, centre_a):
    visit = open_as(counsellor_a)
    visit.goto("/counselling/group-sessions/")
    page = visit.goto("/counselling/group-sessions/new/")
    visit.select("#id_type", page.locator("#id_type option").nth(1).get_attribute("value"))
    visit.fill("#id_place", "Town hall")
    visit.fill("#id_total_participants", "12")
    visit.fill("#id_count_F_18_24", "5")
    visit.click("form[method=post] button[type=submit] >> nth=-1")
    errors = page.locator(".invalid-feedback, .alert-danger").evaluate_all(
        "(els) => els.map((el) => el.id + ': ' + el.textContent)"
    )
    assert GroupSession.objects.filter(place="Town hall", total_participants=12).exists(), errors
    assert "/group-sessions/" in page.url


def test_it_lets_an_expert_sign_up_and_apply(open_as, expert):
    visit = open_as(None)
    visit.goto("/returns/experts/register/")
    visit.fill("#id_full_name", "Ana Expert")
    visit.fill("#id_email", "ana.expert@example.org")
    visit.fill("#id_password", "a long and unusual passphrase 42")
    if visit.page.locator("#id_password2").count():
        visit.fill("#id_password2", "a long and unusual passphrase 42")
    visit.check_box("#id_consent")
    visit.click("form[method=post] button[type=submit] >> nth=-1")
    assert visit.page.get_by_role("heading", level=1).is_visible()

    ExpertProfileFactory(user=expert)
    need = NeedFactory()
    visit = open_as(expert)
    visit.goto("/")
    visit.goto("/returns/experts/me/")
    visit.goto("/returns/experts/me/needs/")
    visit.goto(f"/returns/needs/{need.pk}/")
    page = visit.goto(f"/returns/needs/{need.pk}/apply/")
    visit.fill("#id_motivation", "I trained ICU teams in Berlin for five years.")
    visit.fill("#id_proposed_start", (need.window_start + datetime.timedelta(days=1)).isoformat())
    visit.fill("#id_proposed_end", (need.window_start + datetime.timedelta(days=25)).isoformat())
    visit.click("form[method=post] button[type=submit] >> nth=-1")
    errors = page.locator(".invalid-feedback, .alert-danger").all_inner_texts()
    assert Application.objects.filter(need=need, expert__user=expert).exists(), errors
    visit.goto("/returns/applications/")


def test_it_lets_a_host_see_ranked_experts_for_a_need(open_as, host, programme_manager):
    institution = HostFactory(members=[host])
    need = NeedFactory(host=institution)
    ExpertProfileFactory()
    visit = open_as(host)
    visit.goto("/")
    visit.goto("/returns/workspace/needs/")
    visit.goto(f"/returns/hosts/{institution.pk}/")
    visit.goto(f"/returns/needs/{need.pk}/")
    visit.goto(f"/returns/needs/{need.pk}/matches/")


def test_it_lets_the_programme_screen_and_report(open_as, programme_manager):
    application = ApplicationFactory()
    visit = open_as(programme_manager)
    home = visit.goto("/")
    # The count on the home page opens the list of what it counts.
    visit.click("a[href$='/returns/applications/?to=screen']")
    assert "to=screen" in home.url
    visit.click(f"a[href='/returns/applications/{application.pk}/']")
    visit.click("button[name=target][value=screening]")
    application.refresh_from_db()
    assert application.status == Application.Status.SCREENING
    visit.goto("/returns/hosts/")
    visit.goto(f"/returns/experts/{application.expert.pk}/")

    # A donor report in XLSX, CSV and PDF from one run: at most 8 interactions.
    page = visit.goto("/reports/")
    visit.interactions = 0
    visit.select("#id_period", page.locator("#id_period option").nth(12).get_attribute("value"))
    visit.check_box("input[name=indicators] >> nth=0")
    visit.click("form[method=post] button[type=submit] >> nth=-1")
    page.get_by_role("link", name="XLSX").wait_for()
    run = ReportRun.objects.get()
    downloads = {}
    for label in ("XLSX", "CSV", "PDF"):
        with page.expect_download() as download:
            visit.click(f"#run-status a:has-text('{label}')", then_check=False)
        downloads[label] = download.value.suggested_filename
    assert visit.interactions <= 8
    assert {name.rsplit(".", 1)[1] for name in downloads.values()} == {"xlsx", "csv", "pdf"}
    assert run.status in (ReportRun.Status.DONE, ReportRun.Status.EMPTY)
    assert run.files.count() == 2  # besides the run's own file
    visit.check(page.url)
    visit.goto("/reports/dashboard/")


def test_it_lets_a_manager_read_the_statistics(open_as, manager_a, counsellor_a, centre_a):
    SessionFactory(visitor=make_visitor(counsellor_a, centre_a), counsellor=counsellor_a)
    visit = open_as(manager_a)
    visit.goto("/")
    visit.goto("/counselling/statistics/")
    visit.goto("/accounts/people/")
    visit.goto("/counselling/import/")
