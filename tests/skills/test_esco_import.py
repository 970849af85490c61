import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from skills.models import IscoGroup, Occupation, OccupationSkill, Skill

SAMPLE = Path(__file__).parent / "esco_sample"
GP = "http://data.europa.eu/esco/occupation/00000000-0000-4000-8000-000000000101"
EXAMINE = "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000201"


def test_it_imports_the_official_esco_files_and_can_run_again(db):
    call_command("import_esco", str(SAMPLE))
    call_command("import_esco", str(SAMPLE))

    assert Occupation.objects.count() == 3
    assert Skill.objects.count() == 6
    assert OccupationSkill.objects.count() == 7
    gp = Occupation.objects.get(esco_uri=GP)
    assert gp.name == "general practitioner"
    assert gp.code == "2211.1"
    assert gp.isco_group.code == "2211"
    assert gp.isco_group.esco_uri == "http://data.europa.eu/esco/isco/C2211"
    assert gp.isco_group.parent.code == "221"
    assert "family doctor" in gp.alt_labels.splitlines()
    essential = gp.occupationskill_set.filter(relation="essential").values_list(
        "skill__name", flat=True
    )
    assert set(essential) == {"perform physical examinations", "prescribe medication"}
    kotlin = Skill.objects.get(name="Kotlin")
    assert (kotlin.skill_type, kotlin.reuse_level) == ("knowledge", "cross-sector")
    assert (
        Skill.objects.get(name="work in teams, following instructions").reuse_level == "transversal"
    )


def test_it_gives_the_esco_uri_to_a_starter_skill_of_the_same_name(classifications):
    starter = Skill.objects.get(name="perform physical examinations")
    before = Skill.objects.count()
    call_command("import_esco", str(SAMPLE))
    starter.refresh_from_db()
    assert starter.esco_uri == EXAMINE
    # three of the six sample skills are in the starter set: no doubles
    assert Skill.objects.count() == before + 3
    assert Skill.objects.filter(name="prescribe medication").count() == 1
    assert IscoGroup.objects.count() == 619


def test_it_refuses_a_directory_without_the_esco_files(db, tmp_path):
    with pytest.raises(CommandError, match=r"ISCOGroups_en\.csv is missing"):
        call_command("import_esco", str(tmp_path))


def test_it_names_the_missing_column(db, tmp_path):
    directory = Path(shutil.copytree(SAMPLE, tmp_path / "esco"))
    skills = directory / "skills_en.csv"
    skills.write_text(skills.read_text().replace("preferredLabel", "label", 1))
    with pytest.raises(CommandError, match=r"skills_en\.csv lacks the column.*preferredLabel"):
        call_command("import_esco", str(directory))


def test_it_saves_nothing_when_a_relation_is_wrong(db, tmp_path):
    directory = Path(shutil.copytree(SAMPLE, tmp_path / "esco"))
    relations = directory / "occupationSkillRelations_en.csv"
    relations.write_text(
        relations.read_text() + f"{GP},essential,skill/competence,http://x/unknown\n"
    )
    with pytest.raises(CommandError, match="line 9: unknown occupation, skill"):
        call_command("import_esco", str(directory))
    assert not Occupation.objects.exists()
    assert not Skill.objects.exists()
