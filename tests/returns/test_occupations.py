"""The occupation of needs and profiles: ESCO when imported, else ISCO-08; ISCO-08 always stored."""

import pytest
from django.urls import reverse

from returns.forms import ExpertProfileForm, NeedForm
from skills.classifications import isco_groups_load
from skills.models import IscoGroup
from skills.widgets import IscoPicker, OccupationPicker

from .factories import ExpertProfileFactory, NeedFactory, OccupationFactory

pytestmark = pytest.mark.django_db


def test_it_offers_isco_unit_groups_while_esco_is_not_imported():
    isco_groups_load()
    form = NeedForm()
    assert "occupation" not in form.fields
    assert isinstance(form.fields["isco_group"].widget, IscoPicker)
    assert isinstance(ExpertProfileForm().fields["isco_group"].widget, IscoPicker)


def test_it_offers_esco_occupations_once_imported_and_stores_their_isco_group():
    isco_groups_load()
    nurse = OccupationFactory(name="nurse", isco_group=IscoGroup.objects.get(code="2221"))
    assert isinstance(NeedForm().fields["occupation"].widget, OccupationPicker)
    assert "isco_group" not in NeedForm().fields
    need = NeedFactory(occupation=nurse)
    assert need.isco_group.code == "2221"
    expert = ExpertProfileFactory(occupation=nurse)
    assert expert.isco_group.code == "2221"


def test_it_shows_an_expert_the_isco_picker_on_the_profile_page(login, expert):
    isco_groups_load()
    profile = ExpertProfileFactory(user=expert)
    page = login(expert).get(reverse("returns:expert_profile"))
    assert 'name="isco_group"' in page.text
    assert reverse("skills:isco_picker") in page.text
    assert profile.isco_group is None


def test_a_host_saves_a_need_with_an_isco_occupation(login, host):
    from .factories import HostFactory, SectorFactory, SkillFactory

    isco_groups_load()
    institution = HostFactory(members=[host])
    skill = SkillFactory(name="Network security")
    sector = SectorFactory(code="J", level=1)
    response = login(host).post(
        reverse("returns:need_create", args=[institution.pk]),
        {
            "title": "Cyber security lab",
            "description": "Set up a lab.",
            "sector": sector.pk,
            "isco_group": IscoGroup.objects.get(code="2529").pk,
            "essential_skills": [skill.pk],
            "mode": "virtual",
            "duration_days": 20,
            "window_start": "2027-03-01",
            "window_end": "2027-06-30",
            "experts_wanted": 1,
            "lang-TOTAL_FORMS": "0",
            "lang-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    need = institution.needs.get()
    assert need.isco_group.code == "2529"
    page = login(host).get(reverse("returns:need_detail", args=[need.pk]))
    assert "2529" in page.text
