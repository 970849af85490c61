from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import Length

from skills.models import IscoGroup, Sector, Skill


def test_it_loads_nace_rev_2_1_at_its_four_levels(classifications):
    levels = dict(Sector.objects.values_list("level").annotate(n=Count("id")))
    assert levels == {1: 22, 2: 87, 3: 287, 4: 651}
    # Rev. 2.1, not Rev. 2: computer programming moved from section J to the new section K.
    programming = Sector.objects.get(code="62.10")
    assert programming.parent.code == "62.1"
    assert programming.section().code == "K"
    assert Sector.objects.get(code="Q").name == "Education"


def test_it_loads_isco_08_with_10_43_130_436_groups(classifications):
    by_length = dict(
        IscoGroup.objects.annotate(digits=Length("code"))
        .values_list("digits")
        .annotate(n=Count("id"))
    )
    assert by_length == {1: 10, 2: 43, 3: 130, 4: 436}
    nurses = IscoGroup.objects.get(code="2221")
    assert nurses.name == "Nursing professionals"
    assert [nurses.parent.code, nurses.parent.parent.code, nurses.parent.parent.parent.code] == [
        "222",
        "22",
        "2",
    ]
    assert IscoGroup.objects.get(code="0110").parent.code == "011"


def test_it_ships_a_few_hundred_starter_skills_across_the_programme_sectors(classifications):
    assert 300 <= Skill.objects.count() <= 500
    sections = {"A": 20, "K": 40, "L": 20, "N": 40, "P": 30, "Q": 30, "R": 40}
    for section, at_least in sections.items():
        tagged = Skill.objects.filter(sectors__parent__code=section).distinct().count()
        assert tagged >= at_least, section
    skill = Skill.objects.get(name="provide nursing care")
    assert set(skill.sectors.values_list("code", flat=True)) == {"86", "87"}


def test_it_loads_again_without_duplicating_and_restores_names(classifications):
    Sector.objects.filter(code="Q").update(name="renamed")
    call_command("load_classifications")
    call_command("load_classifications")
    assert Sector.objects.count() == 1047
    assert IscoGroup.objects.count() == 619
    assert Skill.objects.count() == classifications.skills
    assert Sector.objects.get(code="Q").name == "Education"
