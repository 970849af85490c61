"""Issue 12, point 7: dates within sensible ranges and free text with a maximum length."""

from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.timezone import localdate

from counselling.models import Topic
from msc_portal.fields import TEXT_MAX_LENGTH, sensible_date
from tests.counselling.factories import make_visitor

OUR_APPS = ["accounts", "centres", "counselling", "returns", "skills", "reports"]
# Reference data imported from ESCO, and messages the portal writes itself.
UNBOUNDED_TEXT = {
    "skills.Skill.alt_labels",
    "skills.Skill.description",
    "skills.Occupation.alt_labels",
    "skills.Occupation.description",
    "reports.ReportRun.message",
}
# Kept as the day a membership began, written by the portal itself.
UNCHECKED_DATES = {
    "accounts.CentreMembership.since",
    # The statistics summary's months are written by database triggers from sessions whose
    # dates are checked; nobody types them.
    "counselling.StatisticsMonth.month",
    "counselling.StatisticsTopicMonth.month",
    "counselling.StatisticsDestinationMonth.month",
    "counselling.StatisticsCell.month",
    "counselling.StatisticsCell.prev_month",
}

MEGABYTE_OF_NOTES = "x" * (1024 * 1024 - 4096)


def _fields(kind):
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                if type(field) is not models.DateTimeField and isinstance(field, kind):
                    yield f"{model._meta.label}.{field.name}", field


def test_it_bounds_every_date_people_type():
    unchecked = [
        name
        for name, field in _fields(models.DateField)
        if sensible_date not in field.validators and name not in UNCHECKED_DATES
    ]
    assert unchecked == []


def test_it_bounds_every_free_text():
    unbounded = [
        name
        for name, field in _fields(models.TextField)
        if not field.max_length and name not in UNBOUNDED_TEXT
    ]
    assert unbounded == []


@pytest.fixture
def session_page(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    topic = Topic.objects.get(code="study-abroad")
    data = {"centre": centre_a.pk, "date": localdate(), "mode": "in_person", "topics": [topic.pk]}
    url = reverse("counselling:session_create", args=[visitor.code])
    return login(counsellor_a), url, data, visitor


def test_it_refuses_a_session_in_year_one_on_the_page(session_page):
    client, url, data, visitor = session_page
    response = client.post(url, {**data, "date": "0001-01-01"})
    assert response.status_code == 200
    assert "Enter a date between 2000-01-01" in response.text
    assert not visitor.sessions.exists()


def test_it_refuses_a_megabyte_of_notes_on_the_page(session_page):
    client, url, data, visitor = session_page
    response = client.post(url, {**data, "notes": MEGABYTE_OF_NOTES})
    assert response.status_code == 200
    assert "notes" in response.context["form"].errors
    assert not visitor.sessions.exists()
    assert client.post(url, {**data, "notes": "x" * TEXT_MAX_LENGTH}).status_code == 302


def test_it_refuses_year_one_and_a_megabyte_of_notes_through_the_api(
    api_client, counsellor_a, centre_a
):
    visitor = make_visitor(counsellor_a, centre_a)
    payload = {"visitor": visitor.code, "centre": centre_a.pk, "topics": ["legal-channels"]}
    api_client.force_authenticate(counsellor_a)
    response = api_client.post("/api/v1/sessions/", {**payload, "date": "0001-01-01"})
    assert response.status_code == 400
    assert set(response.json()) == {"date"}
    response = api_client.post(
        "/api/v1/sessions/", {**payload, "notes": MEGABYTE_OF_NOTES}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"notes"}
    assert not visitor.sessions.exists()


def test_it_refuses_a_need_window_in_year_one(db):
    from returns.models import Need

    need = Need(window_start=date(1, 1, 1), window_end=date(9999, 12, 31))
    with pytest.raises(ValidationError) as refused:
        need.full_clean()
    errors = refused.value.message_dict
    assert "window_start" in errors
    assert "window_end" in errors
