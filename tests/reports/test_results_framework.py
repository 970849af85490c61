"""Programme managers own the results framework: projects, indicators, baselines and targets,
and count indicators defined without code, outside the admin site and audited."""

import datetime

import pytest
from django.urls import reverse

from reports.indicators import ReportQuery, registry
from reports.models import CountIndicator, FrameworkChange, IndicatorTarget, Project
from tests.counselling.factories import GroupSessionFactory

pytestmark = pytest.mark.django_db

YEAR = {"start": "2026-01-01", "end": "2026-12-31"}


def _project(client) -> Project:
    response = client.post(
        reverse("reports:project_create"),
        {"name": "CD4D III", "donors": "Netherlands MFA", "countries": ["AL", "RS"], **YEAR},
    )
    project = Project.objects.get(name="CD4D III")
    assert response.url == reverse("reports:project_detail", args=[project.pk])
    return project


def test_a_programme_manager_sets_a_target_without_the_admin_and_sees_it_on_the_dashboard(
    login, programme_manager
):
    client = login(programme_manager)
    client.get(reverse("reports:dashboard"), {"year": 2026})  # a cached dashboard first
    project = _project(client)
    assert project.countries == ["AL", "RS"]
    client.post(
        reverse("reports:indicator_add", args=[project.pk]),
        {"indicator": "skill_needs_published", "baseline": "3"},
    )
    attached = project.indicators.get()
    response = client.post(
        reverse("reports:target_create", args=[attached.pk]),
        {
            **{f"period_{k}": v for k, v in YEAR.items()},
            "country": "RS",
            "baseline": "4",
            "value": "12",
        },
    )
    assert response.status_code == 302
    target = IndicatorTarget.objects.get()
    assert (target.country, target.baseline, target.value) == ("RS", 4, 12)

    page = client.get(reverse("reports:dashboard"), {"year": 2026})
    progress = page.context["data"]["progress"]
    assert [(row["project"], row["country"], row["target"]) for row in progress] == [
        ("CD4D III", "RS", 12)
    ]
    assert "Skill needs published" in page.text
    assert "baseline 4" in page.text
    # every change is on the record, with who made it
    actions = list(FrameworkChange.objects.values_list("action", "what", "user"))
    assert ("created", "CD4D III", programme_manager.pk) in actions
    assert len(actions) == 3
    detail = client.get(reverse("reports:project_detail", args=[project.pk]))
    assert "History" in detail.text
    assert "Netherlands MFA" in detail.text


def test_it_refuses_a_target_period_ending_before_it_starts(login, programme_manager):
    client = login(programme_manager)
    project = _project(client)
    attached = project.indicators.create(indicator="centre_staff")
    response = client.post(
        reverse("reports:target_create", args=[attached.pk]),
        {"period_start": "2026-06-01", "period_end": "2026-01-01", "value": "5", "baseline": "0"},
    )
    assert response.status_code == 200
    assert "The period must end after it starts." in response.text
    assert not IndicatorTarget.objects.exists()


def test_a_count_indicator_defined_without_code_counts_group_sessions_of_a_type(
    login, programme_manager, counsellor_a, centre_a
):
    for kind in ["job_fair", "job_fair", "information"]:
        GroupSessionFactory(
            centre=centre_a, created_by=counsellor_a, type=kind, date=datetime.date(2026, 3, 2)
        )
    client = login(programme_manager)
    response = client.post(
        reverse("reports:count_indicator_create"),
        {
            "name": "Job fairs held",
            "identifier": "job_fairs",
            "source": "group_sessions",
            "definition": "Job fairs the centres organised in the period.",
            "unit": "events",
            "filter_values": ["group_sessions:type=job_fair"],
            "disaggregations": ["country"],
        },
    )
    assert response.status_code == 302
    row = CountIndicator.objects.get()
    assert row.filters == {"type": "job_fair"}
    found = registry["count_job_fairs"]
    query = ReportQuery(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    assert found.total(query) == 2
    assert [(str(r["country"]), r["value"]) for r in found.rows(query, ("country",))] == [("RS", 2)]
    # registered alongside the indicators in code: a project and the report builder offer it
    assert "count_job_fairs" in {item.identifier for item in registry.values()}
    assert FrameworkChange.objects.filter(what="Job fairs held", action="created").exists()
    assert "Job fairs held" in client.get(reverse("reports:project_list")).text


def test_it_refuses_filters_and_breakdowns_outside_the_whitelist(login, programme_manager):
    client = login(programme_manager)
    response = client.post(
        reverse("reports:count_indicator_create"),
        {
            "name": "Bad",
            "identifier": "bad",
            "source": "group_sessions",
            "definition": "x",
            "unit": "x",
            "filter_values": ["assignments:mode=virtual"],
            "disaggregations": ["sex"],
        },
    )
    assert response.status_code == 200
    assert "Choose filters of what is counted only." in response.text
    assert not CountIndicator.objects.exists()
    forged = CountIndicator(
        identifier="forged",
        name="x",
        definition="x",
        unit="x",
        source="group_sessions",
        filters={"centre__name__startswith": "A"},
    )
    with pytest.raises(Exception, match="does not apply"):
        forged.full_clean()


def test_others_cannot_open_the_results_framework(login, counsellor_a, host, expert):
    for user in (counsellor_a, host, expert):
        assert login(user).get(reverse("reports:project_list")).status_code == 403
