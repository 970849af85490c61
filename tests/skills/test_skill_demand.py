import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from skills.models import SkillDemand
from skills.selectors import demand_matrix
from tests.edits import edit_version
from tests.skills.factories import IscoGroupFactory, SectorFactory, SkillDemandFactory, SkillFactory

HIGH, LOW = SkillDemand.Shortage.HIGH, SkillDemand.Shortage.LOW


@pytest.fixture
def sectors(db):
    k, q, r = (
        SectorFactory(code=c, name=n)
        for c, n in [("K", "ICT"), ("Q", "Education"), ("R", "Health")]
    )
    division = {
        "62": SectorFactory(code="62", level=2, parent=k, name="Computer programming"),
        "85": SectorFactory(code="85", level=2, parent=q, name="Education"),
        "86": SectorFactory(code="86", level=2, parent=r, name="Human health"),
    }
    division["62.1"] = SectorFactory(
        code="62.1", level=3, parent=division["62"], name="Programming"
    )
    return division


@pytest.fixture
def records(sectors):
    """Eight records, counted by hand in the tests below."""
    rows = [
        ("DE", "86", HIGH),
        ("DE", "86", SkillDemand.Shortage.SEVERE),
        ("DE", "85", LOW),
        ("AT", "86", SkillDemand.Shortage.MODERATE),
        ("RS", "62", HIGH),
        ("RS", "85", HIGH),
        ("AL", "62.1", LOW),
    ]
    made = [SkillDemandFactory(region=r, sector=sectors[s], shortage=level) for r, s, level in rows]
    made.append(
        SkillDemandFactory(
            region="RS",
            sector=sectors["85"],
            shortage=LOW,
            period_start=datetime.date(2023, 1, 1),
            period_end=datetime.date(2023, 12, 31),
        )
    )
    return made


def _grid(matrix):
    return {
        row.section.code: [(cell.count, cell.high, cell.heat) for cell in row.cells]
        for row in matrix.rows
    }


def test_it_counts_demand_per_section_and_region_in_the_database(records):
    matrix = demand_matrix(SkillDemand.objects.all())
    # Western Balkans first, then EU member states by name (Austria, Germany)
    assert [code for code, _name in matrix.regions] == ["AL", "RS", "AT", "DE"]
    # (records, of which high or severe, heat step): the busiest cell holds 2 records
    assert _grid(matrix) == {
        "K": [(1, 0, 2), (1, 1, 2), (0, 0, 0), (0, 0, 0)],
        "Q": [(0, 0, 0), (2, 1, 4), (0, 0, 0), (1, 0, 2)],
        "R": [(0, 0, 0), (0, 0, 0), (1, 0, 2), (2, 2, 4)],
    }
    assert [row.total for row in matrix.rows] == [2, 3, 3]
    assert matrix.column_totals == [1, 3, 1, 3]
    assert matrix.total == 8


def test_it_files_a_record_under_the_section_of_its_sector(records, sectors):
    albania = SkillDemand.objects.get(region="AL")
    assert albania.sector == sectors["62.1"]
    assert albania.section.code == "K"


def test_it_filters_by_area_shortage_and_period(login, counsellor_a, records):
    client = login(counsellor_a)
    url = reverse("skills:demand_browse")
    assert client.get(url, {"area": "wb"}).context["matrix"].total == 4
    assert client.get(url, {"area": "eu"}).context["matrix"].total == 4
    assert client.get(url, {"shortage": HIGH}).context["matrix"].total == 4
    assert client.get(url, {"period_from": "2024-01-01"}).context["matrix"].total == 7
    assert client.get(url, {"period_to": "2023-06-30"}).context["matrix"].total == 1
    matrix = client.get(url, {"area": "eu", "shortage": HIGH}).context["matrix"]
    assert _grid(matrix) == {"R": [(2, 2, 4)]}


def test_it_shows_the_heat_map_to_a_counsellor(login, counsellor_a, records):
    page = login(counsellor_a).get(reverse("skills:demand_browse")).content.decode()
    assert 'class="text-end heat-4">2' in page
    assert '<abbr title="Germany">DE</abbr>' in page
    assert "Record demand" not in page  # only programme managers record demand


def test_it_browses_in_a_bounded_number_of_queries(
    login, counsellor_a, records, django_assert_max_num_queries
):
    client = login(counsellor_a)
    with django_assert_max_num_queries(12):
        client.get(reverse("skills:demand_browse"))
    SkillDemandFactory.create_batch(20, region="FR", sector=records[0].sector)
    with django_assert_max_num_queries(12):
        client.get(reverse("skills:demand_browse"))


def test_it_exports_the_table_as_xlsx(login, counsellor_a, records):
    url = reverse("skills:demand_export", args=["skill-demand-by-sector-and-region", "xlsx"])
    response = login(counsellor_a).get(url, {"area": "wb"})
    assert response["Content-Disposition"].startswith('attachment; filename="skill-demand-by')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows == [
        ["NACE section", "Sector", "AL", "RS", "Total"],
        ["K", "ICT", 1, 1, 2],
        ["Q", "Education", 0, 2, 2],
        [None, "Total", 1, 3, 4],
    ]


def test_it_exports_the_records_as_csv(login, programme_manager, records):
    url = reverse("skills:demand_export", args=["skill-demand-records", "csv"])
    response = login(programme_manager).get(url, {"region": "DE"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert sorted(r["NACE code"] for r in rows) == ["85", "86", "86"]
    assert {r["Shortage"] for r in rows} == {"high", "severe", "low"}


def test_it_answers_404_for_an_unknown_export(login, counsellor_a, db):
    url = reverse("skills:demand_export", args=["everything", "csv"])
    assert login(counsellor_a).get(url).status_code == 404


def _form_data(sector, **overrides):
    data = {
        "region": "DE",
        "sector": sector.pk,
        "shortage": HIGH,
        "source_type": "eu_shortage_list",
        "source_name": "EURES shortage report",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
    }
    return data | overrides


def test_it_lets_a_programme_manager_record_demand(login, programme_manager, sectors):
    nurse = SkillFactory(name="provide nursing care")
    data = _form_data(sectors["86"], skill=nurse.pk, workers_needed="120")
    response = login(programme_manager).post(reverse("skills:demand_create"), data)
    assert response.status_code == 302
    demand = SkillDemand.objects.get()
    assert (demand.skill, demand.section.code, demand.workers_needed) == (nurse, "R", 120)
    assert demand.recorded_by == programme_manager


def test_it_refuses_demand_without_occupation_or_skill_or_with_a_reversed_period(
    login, programme_manager, sectors
):
    client = login(programme_manager)
    page = client.post(reverse("skills:demand_create"), _form_data(sectors["86"])).content.decode()
    assert "Say which occupation, occupation group or skill is in demand." in page
    data = _form_data(sectors["86"], isco_group=IscoGroupFactory(code="2221").pk)
    data["period_end"] = "2024-12-31"
    page = client.post(reverse("skills:demand_create"), data).content.decode()
    assert "The period cannot end before it starts." in page
    data = _form_data(sectors["86"], isco_group=IscoGroupFactory(code="2221").pk, region="US")
    assert "region" in client.post(reverse("skills:demand_create"), data).context["form"].errors
    assert not SkillDemand.objects.exists()


def test_it_edits_a_record(login, programme_manager, records, sectors):
    demand = records[0]
    data = _form_data(sectors["85"], skill=demand.skill.pk, shortage=LOW)
    client, url = login(programme_manager), reverse("skills:demand_edit", args=[demand.pk])
    client.post(url, {**data, **edit_version(client, url)})
    demand.refresh_from_db()
    assert (demand.shortage, demand.section.code) == (LOW, "Q")


HEADER = "region,sector,occupation_uri,isco_code,skill,shortage,workers_needed,source_type,"
HEADER += "source_name,source_url,period_start,period_end,notes\n"


def _upload(client, text):
    file = SimpleUploadedFile("demand.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("skills:demand_import"), {"file": file})


def test_it_imports_demand_records_from_csv(login, programme_manager, sectors):
    IscoGroupFactory(code="2512")
    SkillFactory(name="provide nursing care")
    text = HEADER + (
        "DE,86,,,Provide nursing care,severe,300,eu_shortage_list,EURES 2025,,"
        "2025-01-01,2025-12-31,\n"
        "rs,62,,2512,,3,,employment_service,NES Serbia,,2025-01-01,2025-06-30,Q1 data\n"
    )
    response = _upload(login(programme_manager), text)
    assert response.status_code == 302
    assert SkillDemand.objects.count() == 2
    serbia = SkillDemand.objects.get(region="RS")
    assert (serbia.isco_group.code, serbia.section.code, serbia.shortage) == ("2512", "K", HIGH)
    germany = SkillDemand.objects.get(region="DE")
    assert (germany.skill.name, germany.shortage, germany.workers_needed) == (
        "provide nursing care",
        SkillDemand.Shortage.SEVERE,
        300,
    )


def test_it_reports_every_bad_row_and_saves_nothing(login, programme_manager, sectors):
    IscoGroupFactory(code="2512")
    text = HEADER + (
        "RS,62,,2512,,3,,survey,Survey,,2025-01-01,2025-06-30,\n"
        "US,62,,2512,,3,,survey,Survey,,2025-01-01,2025-06-30,\n"
        "RS,99.99,,2512,,3,,survey,Survey,,2025-01-01,2025-06-30,\n"
        "RS,62,,,,3,,survey,Survey,,2025-01-01,2025-06-30,\n"
    )
    response = _upload(login(programme_manager), text)
    assert response.status_code == 400
    errors = response.context["errors"]
    assert [e.split(":")[0] for e in errors] == ["Row 3", "Row 4", "Row 5"]
    assert "unknown NACE code “99.99”" in errors[1]
    assert "Say which occupation" in errors[2]
    assert not SkillDemand.objects.exists()


def test_it_names_missing_columns_in_an_import(login, programme_manager, db):
    response = _upload(login(programme_manager), "region,sector\nRS,62\n")
    assert response.status_code == 400
    assert "Missing column(s): shortage, source_type" in response.context["errors"][0]


def test_it_shows_the_chosen_skill_in_the_picker_when_editing(login, programme_manager, records):
    demand = records[0]
    page = login(programme_manager).get(reverse("skills:demand_edit", args=[demand.pk]))
    html = page.content.decode()
    assert f'name="skill" value="{demand.skill.pk}" data-picker-value' in html
    assert f'value="{demand.skill.name}"' in html


def test_it_writes_formula_like_text_as_text_in_exports(login, counsellor_a, records):
    SkillDemand.objects.filter(pk=records[0].pk).update(source_name='=HYPERLINK("http://x")')
    client = login(counsellor_a)
    url = reverse("skills:demand_export", args=["skill-demand-records", "xlsx"])
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url).content)).active
    sources = [row[12] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in sources
    url = reverse("skills:demand_export", args=["skill-demand-records", "csv"])
    assert "'=HYPERLINK" in client.get(url).content.decode("utf-8-sig")


def test_it_refuses_an_import_that_is_not_utf8_csv(login, programme_manager, db):
    file = SimpleUploadedFile("demand.csv", b"\xff\xfe\x00binary", content_type="text/csv")
    response = login(programme_manager).post(reverse("skills:demand_import"), {"file": file})
    assert response.status_code == 400
    assert response.context["errors"] == ["The file is not a UTF-8 CSV file."]


def test_it_stops_reading_an_import_at_the_row_limit(login, programme_manager, sectors):
    from skills.services import MAX_IMPORT_ROWS

    row = "RS,62,,2512,,3,,survey,Survey,,2025-01-01,2025-06-30,\n"
    # Past the limit the file is not even valid UTF-8: it is refused for its length,
    # which shows that what lies beyond the limit is never read.
    content = (HEADER + row * (MAX_IMPORT_ROWS + 1)).encode() + b"\xff\xfe broken\n" * 100
    file = SimpleUploadedFile("demand.csv", content, content_type="text/csv")
    response = login(programme_manager).post(reverse("skills:demand_import"), {"file": file})
    assert response.status_code == 400
    assert response.context["errors"] == [f"More than {MAX_IMPORT_ROWS} rows: split the file."]
    assert not SkillDemand.objects.exists()
