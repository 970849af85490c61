import factory
from django import forms
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skills.models import Skill
from skills.selectors import PICKER_LIMIT, skill_search
from skills.widgets import SkillPicker
from tests.skills.factories import IscoGroupFactory, OccupationFactory, SkillFactory


def _options(client, name, q):
    response = client.get(reverse(name), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_it_ranks_exact_then_prefix_then_other_matches(db):
    SkillFactory(name="teach adults Python programming")
    SkillFactory(name="Python")
    SkillFactory(name="program in Python")
    SkillFactory(name="Python web frameworks")
    SkillFactory(name="manage snakes", alt_labels="handle pythons\nkeep reptiles")
    # exact name, then names starting with it, then names containing it (shortest first),
    # then entries found through their other names only
    assert [s.name for s in skill_search("python")] == [
        "Python",
        "Python web frameworks",
        "program in Python",
        "teach adults Python programming",
        "manage snakes",
    ]


def test_it_answers_a_listbox_of_at_most_twenty_options(client, db):
    SkillFactory.create_batch(30, name=factory.Sequence(lambda n: f"welding technique {n}"))
    page = _options(client, "skills:skill_picker", "welding")
    assert page.count('role="option"') == PICKER_LIMIT
    assert 'aria-selected="false"' in page


def test_it_waits_for_two_letters_and_says_when_nothing_matches(client, db):
    SkillFactory(name="accounting")
    assert _options(client, "skills:skill_picker", "a").strip() == ""
    assert "Nothing matches." in _options(client, "skills:skill_picker", "zz")


def test_it_searches_occupations_with_their_isco_code(client, db):
    OccupationFactory(
        name="general practitioner",
        alt_labels="family doctor",
        isco_group=IscoGroupFactory(code="2211", name="Generalist medical practitioners"),
    )
    page = _options(client, "skills:occupation_picker", "family doc")
    assert "general practitioner" in page
    assert "2211" in page


def test_it_searches_in_a_bounded_number_of_queries(client, db):
    SkillFactory.create_batch(40, name=factory.Sequence(lambda n: f"welding technique {n}"))
    with CaptureQueriesContext(connection) as queries:
        _options(client, "skills:skill_picker", "welding")
    assert len(queries) <= 2


def test_it_has_trigram_indexes_for_the_search(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'skills_skill'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"skills_skill_name_trgm", "skills_skill_alt_labels_trgm"} <= indexes


class NeedForm(forms.Form):
    essential = forms.ModelMultipleChoiceField(
        Skill.objects.all(), widget=SkillPicker(multiple=True)
    )
    main = forms.ModelChoiceField(Skill.objects.all(), widget=SkillPicker())


def test_it_renders_an_accessible_combobox_with_the_chosen_skills(db):
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    form = NeedForm(initial={"essential": [python.pk, sql.pk], "main": python.pk})
    html = str(form["essential"])
    assert 'role="combobox"' in html
    assert 'aria-controls="id_essential_listbox"' in html
    assert 'role="listbox" id="id_essential_listbox"' in html
    assert f'hx-get="{reverse("skills:skill_picker")}"' in html
    assert f'name="essential" value="{python.pk}"' in html
    assert "Remove SQL" in html
    assert f'value="{python.pk}" data-picker-value' in str(form["main"])


def test_it_submits_the_chosen_skills_as_the_fields_values(db):
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    data = QueryDict(mutable=True)
    data.setlist("essential", [str(python.pk), str(sql.pk)])
    data["main"] = str(sql.pk)
    form = NeedForm(data)
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["essential"]) == {python, sql}
    assert form.cleaned_data["main"] == sql
    assert not NeedForm({"main": "999999"}).is_valid()


def test_it_lets_postgresql_answer_the_picker_search_from_the_trigram_index(db):
    SkillFactory.create_batch(50, name=factory.Sequence(lambda n: f"skill number {n}"))
    matches = Skill.objects.filter(name__icontains="number 4")
    sql, params = matches.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "skills_skill_name_trgm" in plan


def test_it_finds_isco_unit_groups_when_esco_is_not_imported(client, db):
    from skills.classifications import isco_groups_load

    isco_groups_load()
    assert "Software developers" in _options(client, "skills:isco_picker", "software dev")
    page = _options(client, "skills:isco_picker", "nursing professionals")
    assert "Nursing professionals" in page
    assert "2221" in page
    assert "Nursing and midwifery professionals" not in page  # a minor group, not a unit group
    assert "Software developers" in _options(client, "skills:isco_picker", "2512")
