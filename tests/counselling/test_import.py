import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import Role
from counselling.models import AuditEvent, ImportJob, Session, SessionImport, Visitor
from msc_portal.celery import app as celery_app
from tests.accounts.factories import UserFactory
from tests.counselling.factories import make_visitor

HEADER = "visitor_code,legacy_ref,date,mode,duration_minutes,topics,destinations,sex,year_of_birth,migration_status,consent_service,given_name,family_name"  # noqa: E501


def _csv(*lines):
    text = "\n".join([HEADER, *lines]) + "\n"
    return SimpleUploadedFile("log.csv", text.encode(), content_type="text/csv")


@pytest.fixture(autouse=True)
def _eager_tasks(settings, tmp_path):
    """The import task runs in the test process once the upload is committed."""
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    settings.MEDIA_ROOT = tmp_path
    yield
    celery_app.conf.task_always_eager = was_eager


def _post(client, centre, upload):
    """Uploads the file; once stored and imported, answers the import's page."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("counselling:sessions_import"), {"centre": centre.pk, "file": upload}
        )
    if response.status_code != 302:
        return response
    assert response.url.startswith("/counselling/import/")
    return client.get(response.url)


def test_it_imports_a_whole_file(login, manager_a, counsellor_a, centre_a):
    known = make_visitor(counsellor_a, centre_a)
    upload = _csv(
        f"{known.code},,2024-02-01,phone,20,legal-channels,DE,,,,,,",
        ",L-1,2024-03-01,,30,study-abroad;recognition,AT;DE,M,1999,student,yes,Edin,Hadžić",
        ",L-1,2024-04-01,,,study-abroad,,M,1999,student,yes,Edin,Hadžić",
        ",L-2,2024-04-02,,,trafficking,,F,1980,returnee,no,,",
    )
    response = _post(login(manager_a), centre_a, upload)
    assert "Imported 4 sessions and 2 new visitors." in response.text
    assert Session.objects.count() == 4
    assert known.sessions.get().mode == "phone"
    edin = Visitor.objects.get(family_name="Hadžić")
    assert edin.sessions.count() == 2
    assert edin.sessions.order_by("date").first().topics.count() == 2
    anonymous = Visitor.objects.get(year_of_birth=1980)
    assert anonymous.is_anonymous
    assert set(Session.objects.values_list("source", flat=True)) == {"import"}
    statistics = login(manager_a).get(
        reverse("counselling:statistics"), {"start": "2024-01-01", "end": "2024-12-31"}
    )
    (quality,) = statistics.context["quality"]
    assert (quality["total"], quality["late"]) == (4, 0), "legacy rows are not late logging"


def test_it_rejects_the_whole_file_with_a_report_of_every_bad_row(
    login, manager_a, centre_a, counsellor_b, centre_b
):
    elsewhere = make_visitor(counsellor_b, centre_b)
    upload = _csv(
        ",L-1,2024-03-01,,30,study-abroad,DE,F,1990,student,no,,",  # fine
        ",L-2,01/03/2024,,abc,no-such-topic,ZZ,Q,1990,tourist,no,Ana,",
        ",,,,,,,,,,,,",  # a blank line is skipped, and keeps its number
        f"{elsewhere.code},,2024-03-02,fax,,legal-channels,,,,,,,",
        ",,2024-03-03,,,legal-channels,,,,,,,",
    )
    response = _post(login(manager_a), centre_a, upload)
    assert response.status_code == 200
    problems = {(e["row"], e["column"]) for e in response.context["job"].errors}
    assert {
        (3, "date"),
        (3, "duration_minutes"),
        (3, "topics"),
        (3, "destinations"),
        (3, "sex"),
        (3, "migration_status"),
        (3, "given_name"),
        (5, "visitor_code"),
        (5, "mode"),
        (6, "visitor_code"),
    } <= problems
    assert not any(row in (2, 4) for row, _column in problems)
    assert "Nothing was imported" in response.text
    assert not Session.objects.exists()
    assert Visitor.objects.count() == 1, "not even the valid row's visitor is saved"


def test_it_imports_xlsx_files(login, manager_a, centre_a):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    row = ["", "X-9", datetime.date(2023, 11, 5), "online", 45, "reintegration", "", "F"]
    sheet.append([*row, 1975, "returnee", "no", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("log.xlsx", buffer.getvalue())
    response = _post(login(manager_a), centre_a, upload)
    assert "Imported 1 sessions" in response.text
    session = Session.objects.get()
    assert (str(session.date), session.mode, session.duration_minutes) == (
        "2023-11-05",
        "online",
        45,
    )


def test_it_offers_a_template_that_imports_as_it_is(login, manager_a, centre_a):
    client = login(manager_a)
    template = client.get(reverse("counselling:import_template"))
    assert template["Content-Type"].startswith("text/csv")
    upload = SimpleUploadedFile("template.csv", template.content)
    assert "Imported 1 sessions" in _post(client, centre_a, upload).text
    assert Session.objects.count() == 1


def test_it_refuses_other_file_types(login, manager_a, centre_a):
    upload = SimpleUploadedFile("log.txt", b"hello")
    response = _post(login(manager_a), centre_a, upload)
    assert "Upload a .csv or .xlsx file." in response.context["form"].errors["file"]


def test_it_stops_reading_an_import_at_the_row_limit(monkeypatch, login, manager_a, centre_a):
    from counselling import importer

    MAX_ROWS = 1000  # the real limit (100,000 rows) is the same code path, and too big a file here
    monkeypatch.setattr(importer, "MAX_ROWS", MAX_ROWS)

    row = ",L-1,2024-03-01,,30,study-abroad,,M,1999,student,no,,\n"
    # Past the limit the file is not even valid UTF-8: it is refused for its length,
    # which shows that what lies beyond the limit is never read.
    content = (HEADER + "\n" + row * (MAX_ROWS + 1)).encode() + b"\xff\xfe broken\n" * 100
    upload = SimpleUploadedFile("log.csv", content, content_type="text/csv")
    response = _post(login(manager_a), centre_a, upload)
    assert f"At most {MAX_ROWS} rows at a time." in response.text
    assert "Save the CSV file as UTF-8" not in response.text
    assert not Session.objects.exists()


def test_it_numbers_streamed_rows_as_the_file_does():
    from counselling import importer

    rows = importer.read_rows(_csv(*[",L-1,2024-03-01,,30,study-abroad,,M,1999,student,no,,"] * 3))
    assert [row[importer.ROW_NUMBER] for row in rows] == [2, 3, 4]


def test_it_adds_nothing_when_the_same_file_is_imported_again(login, manager_a, centre_a):
    lines = (
        ",L-1,2024-03-01,,30,study-abroad,DE,M,1999,student,yes,Edin,Hadžić",
        ",L-2,2024-04-02,,,trafficking,,F,1980,returnee,no,,",
    )
    client = login(manager_a)
    assert "Imported 2 sessions and 2 new visitors." in _post(client, centre_a, _csv(*lines)).text
    page = _post(client, centre_a, _csv(*lines))
    assert Session.objects.count() == 2
    assert Visitor.objects.count() == 2
    assert "Imported 0 sessions and 0 new visitors." in page.text
    assert "2 rows were skipped" in page.text
    assert [row["row"] for row in page.context["job"].session_import.skipped] == [2, 3]
    assert Visitor.objects.get(family_name="Hadžić").legacy_ref == "L-1"


def test_it_adds_only_the_new_rows_of_an_overlapping_file(login, manager_a, centre_a):
    client = login(manager_a)
    first = ",L-1,2024-03-01,,30,study-abroad,DE,M,1999,student,yes,Edin,Hadžić"
    _post(client, centre_a, _csv(first))
    later = ",L-1,2024-05-01,,30,recognition,,M,1999,student,yes,Edin,Hadžić"
    _post(client, centre_a, _csv(first, later, later))
    edin = Visitor.objects.get(legacy_ref="L-1")
    assert edin.sessions.count() == 2, "the later row joins the visitor of the first import"
    assert Visitor.objects.count() == 1
    latest = client.get(reverse("counselling:sessions_import")).context["imports"][0]
    assert (latest.sessions_added, latest.rows_skipped) == (1, 2)


def test_a_manager_rolls_an_import_back_and_may_import_it_again(
    login, manager_a, centre_a, counsellor_b
):
    client = login(manager_a)
    _post(client, centre_a, _csv(",L-1,2024-03-01,,30,study-abroad,DE,M,1999,student,no,,"))
    (done,) = client.get(reverse("counselling:sessions_import")).context["imports"]
    url = reverse("counselling:session_import_roll_back", args=[done.pk])
    assert login(counsellor_b).post(url).status_code == 403
    client = login(manager_a)
    assert "Roll back the import" in client.get(url).text
    assert client.post(url).status_code == 302
    assert not Session.objects.live().exists()
    assert not Visitor.objects.live().exists()
    assert AuditEvent.objects.filter(action="import_rolled_back", centre=centre_a).exists()
    _post(client, centre_a, _csv(",L-1,2024-03-01,,30,study-abroad,DE,M,1999,student,no,,"))
    assert Session.objects.live().count() == 1


def test_another_centres_manager_cannot_roll_an_import_back(login, manager_a, centre_a, centre_b):
    _post(login(manager_a), centre_a, _csv(",L-1,2024-03-01,,30,study-abroad,,M,1999,student,no,,"))
    done = SessionImport.objects.get()
    manager_b = UserFactory(role=Role.CENTRE_MANAGER, centres=[centre_b])
    url = reverse("counselling:session_import_roll_back", args=[done.pk])
    assert login(manager_b).post(url).status_code == 404
    assert Session.objects.live().count() == 1


def test_it_imports_in_the_background_and_deletes_the_stored_file(
    login, manager_a, coordinator_a, centre_a, tmp_path
):
    client = login(manager_a)
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = client.post(
            reverse("counselling:sessions_import"),
            {
                "centre": centre_a.pk,
                "file": _csv(",L-1,2024-03-01,,30,study-abroad,,M,1999,student,no,,"),
            },
        )
    job = ImportJob.objects.get()
    assert response.url == reverse("counselling:import_job", args=[job.pk])
    assert [p.name for p in tmp_path.rglob("*.csv")] == [job.file.name.rsplit("/", 1)[-1]]
    page = client.get(response.url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in page.text, "the page polls while the import waits"
    assert not Session.objects.exists()
    assert login(coordinator_a).get(response.url).status_code in (403, 404), "uploader only"

    with TestCase.captureOnCommitCallbacks(execute=True):
        for callback in callbacks:
            callback()
    job.refresh_from_db()
    assert (job.status, job.sessions, job.visitors) == ("done", 1, 1)
    assert not list(tmp_path.rglob("*.csv")), "the uploaded personal data is not kept"
    page = login(manager_a).get(response.url, headers={"HX-Request": "true"})
    assert "hx-trigger" not in page.text
    assert "Imported 1 sessions" in page.text


def test_it_imports_once_when_the_task_is_delivered_twice(login, manager_a, centre_a):
    from counselling.import_jobs import import_job_run

    _post(login(manager_a), centre_a, _csv(",L-1,2024-03-01,,30,study-abroad,,M,1999,student,no,,"))
    job = ImportJob.objects.get()
    import_job_run(job_id=job.pk)  # a second delivery
    assert Session.objects.count() == 1
    assert Visitor.objects.count() == 1


def test_a_large_file_imports_in_a_bounded_number_of_queries(
    django_assert_max_num_queries, manager_a, counsellor_a, centre_a
):
    """2,000 rows (500 new visitors, rows naming registered visitors by code, sessions of
    another counsellor) in a few dozen queries, not a dozen per row."""
    from counselling import importer
    from counselling.models import ConsentEvent, VisitorCentre

    registered = [make_visitor(counsellor_a, centre_a) for _ in range(5)]
    header = [*HEADER.split(","), "counsellor_email"]
    rows = []
    for n in range(2000):
        cells = dict.fromkeys(header, "")
        cells.update(
            date=f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
            duration_minutes="30",
            topics="legal-channels;study-abroad" if n % 2 else "recognition",
        )
        if n % 100 == 0:
            cells["visitor_code"] = registered[n // 100 % 5].code.lower()
        else:
            consent = n // 4 % 2 == 0
            cells.update(
                legacy_ref=f"L-{n // 4}",
                sex="FMX"[n // 4 % 3],
                year_of_birth="1990",
                migration_status="potential_migrant",
                consent_service="yes" if consent else "no",
                given_name="Ana" if consent else "",
            )
        if n % 3 == 0:
            cells["counsellor_email"] = counsellor_a.email
        rows.append({importer.ROW_NUMBER: n + 2, **cells})

    # 40, and 12 for the statistics summary refreshed once for the whole file.
    with django_assert_max_num_queries(52):
        report = importer.sessions_import(user=manager_a, centre=centre_a, rows=rows)

    assert (report.sessions, report.visitors) == (2000, 500)
    imported = Session.objects.filter(session_import=report.session_import)
    assert imported.count() == 2000
    assert imported.filter(counsellor=counsellor_a).count() == 667
    assert Session.topics.through.objects.filter(session__in=imported).count() == 3000
    new = Visitor.objects.filter(session_import=report.session_import)
    assert new.count() == 500
    assert new.values("code").distinct().count() == 500
    assert all(
        code.startswith(f"{centre_a.country}-{centre_a.code}-")
        for code in new.values_list("code", flat=True)
    )
    assert new.filter(consent_service=True).exclude(given_name="Ana").count() == 0
    assert new.filter(consent_service=False).exclude(given_name="").count() == 0
    assert (
        ConsentEvent.objects.filter(visitor__in=new, purpose="service").count()
        == new.filter(consent_service=True).count()
    )
    assert AuditEvent.objects.filter(visitor__in=new, action="created").count() == 500
    assert AuditEvent.objects.filter(action="imported", count=2000).count() == 1
    # The new visitors are the counsellor's to see (the visitor ↔ centre links were refreshed).
    assert Visitor.objects.visible_to(counsellor_a).count() == 505
    assert (
        VisitorCentre.objects.filter(
            visitor__in=new, registered_here=True, served_here=True
        ).count()
        == 500
    )
    assert registered[0].sessions.count() == 4


def test_a_too_long_name_or_reference_is_a_row_error(login, manager_a, centre_a):
    long_name = "A" * 101
    upload = _csv(
        ",L-1,2024-03-01,,30,study-abroad,DE,M,1999,student,no,,",
        f",L-2,2024-03-01,,30,study-abroad,DE,M,1999,student,yes,{long_name},Hadžić",
        f",{long_name},2024-03-01,,30,study-abroad,DE,M,1999,student,no,,",
    )
    response = _post(login(manager_a), centre_a, upload)
    problems = {(e["row"], e["column"]) for e in response.context["job"].errors}
    assert problems == {(3, "given_name"), (4, "legacy_ref")}
    assert not Visitor.objects.exists()


def _summary_rows():
    from counselling.models import StatisticsCell, StatisticsMonth, StatisticsTopicMonth

    keys = ("country", "dimension", "value", "month", "prev_month")
    cells = StatisticsCell.objects.values(*keys).annotate(
        sessions=Sum("sessions"), people=Sum("people"), late=Sum("late")
    )
    return (
        sorted(StatisticsMonth.objects.values_list("month", "visitor", "sessions", "late")),
        sorted(StatisticsTopicMonth.objects.values_list("visitor", "topic", "sessions"), key=str),
        sorted((tuple(row.values()) for row in cells if row["sessions"] or row["people"]), key=str),
    )


def test_an_import_and_its_roll_back_keep_the_statistics_as_a_rebuild_would(
    login, manager_a, counsellor_a, centre_a
):
    from counselling.summary import summary_rebuild

    known = make_visitor(counsellor_a, centre_a, year_of_birth=1990)
    client = login(manager_a)
    _post(client, centre_a, _csv(
        f"{known.code},,2024-02-01,phone,20,legal-channels,DE,,,,,,",
        ",L-1,2024-03-01,,30,study-abroad;recognition,AT;DE,M,1999,student,yes,Edin,Hadžić",
        ",L-1,2024-04-01,,,study-abroad,,M,1999,student,yes,Edin,Hadžić",
    ))  # fmt: skip
    imported = _summary_rows()
    assert imported[0], "the import's sessions are in the summary"
    summary_rebuild()
    assert _summary_rows() == imported
    year = {"start": "2024-01-01", "end": "2024-12-31"}
    assert client.get(reverse("counselling:statistics"), year).context["totals"]["people"] == 2

    (done,) = client.get(reverse("counselling:sessions_import")).context["imports"]
    client.post(reverse("counselling:session_import_roll_back", args=[done.pk]))
    rolled_back = _summary_rows()
    summary_rebuild()
    assert _summary_rows() == rolled_back
    assert client.get(reverse("counselling:statistics"), year).context["totals"]["people"] == 0
