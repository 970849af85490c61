import pytest
from django.urls import reverse

from returns.eligibility import eligibility_check, is_eligible
from returns.models import Application
from skills.models import IscedLevel

from .factories import ExpertProfileFactory, NeedFactory, midweb

pytestmark = pytest.mark.django_db


def _unmet(criteria) -> list[str]:
    return [c.message for c in criteria if not c.met]


def test_it_ships_midweb_defaults():
    programme = midweb()
    assert programme.min_isced == IscedLevel.BACHELOR
    assert programme.min_years_experience == 3
    assert "DE" in programme.residence_countries
    assert "CH" in programme.residence_countries
    assert "XK" in programme.origin_countries


def test_it_finds_a_qualified_diaspora_expert_eligible():
    expert = ExpertProfileFactory()
    assert is_eligible(eligibility_check(midweb(), expert, NeedFactory()))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country_of_origin", "FR", "Country of origin must be one of"),
        ("country_of_residence", "US", "Country of residence must be one of"),
        ("isced_level", IscedLevel.UPPER_SECONDARY, "Education at least"),
        ("isced_level", None, "Education at least"),
        ("years_experience", 2, "At least 3 years"),
    ],
)
def test_it_explains_each_rule_an_expert_does_not_meet(field, value, message):
    expert = ExpertProfileFactory(**{field: value})
    unmet = _unmet(eligibility_check(midweb(), expert, NeedFactory()))
    assert len(unmet) == 1
    assert unmet[0].startswith(message)


def test_it_applies_a_need_s_higher_minimum_education():
    expert = ExpertProfileFactory(isced_level=IscedLevel.MASTER)
    need = NeedFactory(min_isced=IscedLevel.DOCTORAL)
    assert _unmet(eligibility_check(midweb(), expert, need)) == [
        "Education at least: 8 Doctoral or equivalent."
    ]


def test_it_refuses_a_need_longer_than_the_programme_allows():
    unmet = _unmet(
        eligibility_check(midweb(), ExpertProfileFactory(), NeedFactory(duration_days=90))
    )
    assert unmet == ["The assignment lasts between 5 and 45 working days."]


def test_it_shows_the_expert_why_before_they_apply(login, expert):
    ExpertProfileFactory(user=expert, years_experience=1)
    need = NeedFactory()
    page = login(expert).get(reverse("returns:application_create", args=[need.pk]))
    assert "Not met: At least 3 years of professional experience." in page.text
    assert "You do not meet every rule above" in page.text
    response = login(expert).post(
        reverse("returns:application_create", args=[need.pk]),
        {
            "motivation": "x",
            "proposed_start": "2027-01-10",
            "proposed_end": "2027-02-10",
            "mode": "physical",
        },
    )
    assert "You do not meet every rule above" in response.text
    assert not Application.objects.exists()
