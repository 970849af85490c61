"""Lists answer in a bounded number of queries, whatever their length."""

import pytest
from django.urls import reverse

from returns.models import Application

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    ExpertProfileFactory,
    HostFactory,
    NeedFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "returns:need_list",
        "returns:need_manage",
        "returns:host_list",
        "returns:application_list",
        "returns:assignment_list",
    ],
)
def test_it_lists_in_a_bounded_number_of_queries(
    login, programme_manager, name, django_assert_max_num_queries
):
    for _ in range(15):
        AssignmentFactory()
        ApplicationFactory(status=Application.Status.PROPOSED)
    client = login(programme_manager)
    with django_assert_max_num_queries(10):
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert len(response.context["page"]) >= 15


def test_it_gives_an_expert_without_a_profile_an_empty_one(login, expert):
    need = NeedFactory()
    response = login(expert).get(reverse("returns:need_detail", args=[need.pk]))
    assert "Not met: Country of origin must be one of" in response.text


def test_it_shows_the_history_with_readable_states(login, host, programme_manager):
    from returns import services

    application = ApplicationFactory(
        need=NeedFactory(host=HostFactory(members=[host])),
        expert=ExpertProfileFactory(),
        status=Application.Status.SHORTLISTED,
    )
    services.application_move(
        application=application, target="proposed", actor=programme_manager, comment="Go."
    )
    page = login(host).get(reverse("returns:application_detail", args=[application.pk]))
    assert "Shortlisted → <strong>Proposed to host</strong>" in page.text
    assert "Accept" in page.text


def test_it_shows_on_home_pages_what_waits_for_each_role(login, host, programme_manager):
    mine = HostFactory(members=[host], name="Clinical Centre Niš", verified_at=None)
    NeedFactory(status="submitted")
    ApplicationFactory(status=Application.Status.SCREENING)
    host_home = login(host).get(reverse("home"))
    assert mine.name in host_home.text
    assert "awaiting verification" in host_home.text
    pm_home = login(programme_manager).get(reverse("home"))
    assert "1 skill need to approve" in pm_home.text
    assert "1 host institution to verify" in pm_home.text
    assert "Applications (1 to screen)" in pm_home.text
