"""An intruder's attack on a donor report: read every published figure of the files, write what
must hold between them (rows, columns and totals add up), and bound each hidden cell by linear
programming (scipy.optimize.linprog, HiGHS).

A place is (indicator, breakdown, country, value): breakdown "" with value "" is the Summary's
figure of a country (country "" for the total); a breakdown's cell has country "" in its totals
row. A breakdown's rows share their totals with the Summary's figures.
"""

import csv
import io
import math
import re

from openpyxl import load_workbook
from scipy.optimize import linprog

from reports.indicators import DISAGGREGATIONS, registry
from reports.renderers import CSV_COLUMNS


def places_from_csv(content: bytes) -> dict:
    """Every figure of the tidy CSV by place, as printed."""
    assert content.startswith(b"\xef\xbb\xbf"), "the CSV starts with a byte-order mark"
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    next(reader)
    places = {}
    for row in reader:
        named = dict(zip(CSV_COLUMNS, row, strict=True))
        breakdown = "" if named["breakdown"] in ("country", "total") else named["breakdown"]
        value = named[breakdown] if breakdown else ""
        place = (named["indicator"], breakdown, named["country"], value)
        places[place] = _figure(named["value"])
    return places


def places_from_xlsx(content: bytes, countries_by_name: dict) -> dict:
    """Every figure of the workbook: the Summary and each indicator's breakdown sheet."""
    book = load_workbook(io.BytesIO(content))
    definitions = book["Definitions"]
    identifiers = {
        row[0].value: row[1].value
        for row in definitions.iter_rows(min_row=2)
        if row[1].value in registry
    }
    summary = book["Summary"]
    header = [cell.value for cell in summary[1]]
    total_column = header.index("Total")
    places = {}
    for row in summary.iter_rows(min_row=2, values_only=True):
        if row[0] not in identifiers:
            continue
        identifier = identifiers[row[0]]
        for column in range(2, total_column):
            if row[column] != "—":
                places[(identifier, "", header[column], "")] = _figure(row[column])
        places[(identifier, "", "", "")] = _figure(row[total_column])
    dimensions = {str(label): code for code, label in DISAGGREGATIONS.items()}
    for sheet in book.worksheets[1:]:
        identifier = identifiers.get(sheet["A1"].value)
        if identifier is None:
            continue
        rows = list(sheet.iter_rows(values_only=True))
        places[(identifier, "", "", "")] = _figure(rows[2][1])
        index = 0
        while index < len(rows):
            if rows[index][0] in dimensions and index + 1 < len(rows):
                dimension = dimensions[rows[index][0]]
                labels = [v for v in rows[index + 1][1:] if v is not None][:-1]
                index += 2
                while index < len(rows) and rows[index][0] is not None:
                    name = rows[index][0]
                    country = "" if name == "Total" else countries_by_name[name]
                    for c, label in enumerate(labels):
                        places[(identifier, dimension, country, label)] = _figure(
                            rows[index][c + 1]
                        )
                    places[(identifier, "", country, "")] = _figure(rows[index][len(labels) + 1])
                    index += 1
            index += 1
    return places


def places_from_pdf_text(text: str, data) -> dict:
    """The Summary's figures as the PDF's text gives them: each indicator's name and unit, then
    a figure for each country and the total, one a line."""
    lines = [line.strip() for line in text.splitlines()]
    places, position = {}, 0
    for result in data.results:
        name, unit = str(result.indicator.name), str(result.indicator.unit)
        span = 0
        while not span:  # the unit may wrap onto a second line
            for lines_of_unit in (1, 2):
                cell = lines[position : position + lines_of_unit]
                before = " ".join(lines[position - 4 : position])
                if unit in (" ".join(cell), "".join(cell)) and before.endswith(name):
                    span = lines_of_unit
                    break
            else:
                position += 1
        countries = data.countries if result.has_countries else []
        first = position + span
        figures = lines[first : first + 1 + len(countries)]
        identifier = result.indicator.identifier
        for country, figure in zip([*countries, ""], figures, strict=True):
            places[(identifier, "", country, "")] = _figure(figure)
    return places


def _figure(value):
    if isinstance(value, int | float):
        return int(value)
    text = str(value).strip()
    return int(text) if re.fullmatch(r"\d+", text) else text


def merge(*sources: dict) -> dict:
    """What an intruder knows from several outputs: a number printed anywhere is known."""
    known: dict = {}
    for places in sources:
        for place, value in places.items():
            if isinstance(value, int) or place not in known:
                known[place] = value
    return known


def lines(places: dict, truth: dict) -> list[tuple[list, object, bool]]:
    """(members, total, equality) for every row and column of every breakdown and for the
    Summary's countries; `equality` where the true counts add up (else members >= total)."""
    found = []
    indicators = {place[0] for place in places}
    for identifier in indicators:
        mine = [p for p in places if p[0] == identifier]
        countries = sorted({p[2] for p in mine if p[1] == "" and p[2]})
        if countries:
            found.append(([(identifier, "", c, "") for c in countries], (identifier, "", "", "")))
        for dimension in {p[1] for p in mine if p[1]}:
            cells = [p for p in mine if p[1] == dimension]
            values = sorted({p[3] for p in cells})
            for country in [*countries, ""]:
                members = [(identifier, dimension, country, v) for v in values]
                found.append((members, (identifier, "", country, "")))
            for value in values:
                members = [(identifier, dimension, c, value) for c in countries]
                found.append((members, (identifier, dimension, "", value)))
    return [
        (members, total, sum(truth[m] for m in members) == truth[total]) for members, total in found
    ]


def feasible_ranges(places: dict, truth: dict) -> dict:
    """For every hidden place, the lowest and highest value the published figures allow."""
    hidden = sorted(place for place, value in places.items() if not isinstance(value, int))
    index = {place: i for i, place in enumerate(hidden)}
    equalities, equal_to, inequalities, below = [], [], [], []
    for members, total, equality in lines(places, truth):
        row, known = [0.0] * len(hidden), 0
        for member in members:
            if member in index:
                row[index[member]] += 1
            else:
                known += places[member]
        if total in index:
            row[index[total]] -= 1
        else:
            known -= places[total]
        if not any(row):
            continue
        if equality:
            equalities.append(row)
            equal_to.append(-known)
        else:  # people: the members add up to at least the total
            inequalities.append([-v for v in row])
            below.append(known)
    ranges = {}
    for place, i in index.items():
        bounds = []
        for sign in (1, -1):
            objective = [0.0] * len(hidden)
            objective[i] = sign
            answer = linprog(
                objective,
                A_ub=inequalities or None,
                b_ub=below or None,
                A_eq=equalities or None,
                b_eq=equal_to or None,
                bounds=[(0, None)] * len(hidden),
                method="highs",
            )
            if answer.status == 3:  # unbounded
                bounds.append(-math.inf if sign == 1 else math.inf)
            else:
                assert answer.status == 0, answer.message
                bounds.append(sign * answer.fun)
        ranges[place] = tuple(bounds)
    return ranges


def assert_nothing_disclosed(places: dict, truth: dict, threshold: int = 5) -> None:
    """Every hidden figure's feasible range is wider than the threshold."""
    for place, (low, high) in feasible_ranges(places, truth).items():
        assert high - low > threshold, (place, truth[place], low, high)


def truth_of(data) -> dict:
    """The true counts of a report built without suppression, by place."""
    truth = {}
    for result in data.results:
        identifier, summary = result.indicator.identifier, result.summary
        truth[(identifier, "", "", "")] = summary.values[-1][0]
        for i, country in enumerate(data.countries if result.has_countries else []):
            truth[(identifier, "", country, "")] = summary.values[i][0]
        for breakdown in result.breakdowns:
            for r, country in enumerate([*breakdown.row_keys, ""]):
                for c, label in enumerate(breakdown.column_labels):
                    place = (identifier, breakdown.dimension, country, label)
                    truth[place] = breakdown.table.values[r][c]
    return truth


__all__ = ["registry"]
