import itertools

from reports.suppression import PRIMARY, SECONDARY, grid, suppress, suppress_linked
from tests.reports.disclosure import assert_nothing_disclosed


def _places(table) -> tuple[dict, dict]:
    """The table as the audit reads it: row "" is the totals row, column "" the totals column."""
    places, truth = {}, {}
    rows = [*[f"R{r}" for r in range(table.rows - 1)], ""]
    for r, country in enumerate(rows):
        for c in range(table.columns - 1):
            places[("i", "d", country, f"v{c}")] = table.display(r, c)
            truth[("i", "d", country, f"v{c}")] = table.values[r][c]
        places[("i", "", country, "")] = table.display(r, table.columns - 1)
        truth[("i", "", country, "")] = table.values[r][table.columns - 1]
    return places, truth


def test_it_hides_counts_from_one_to_four_and_shows_zero_and_five():
    table = suppress([[0, 4, 3, 5, 30]])
    assert [table.display(0, c) for c in range(6)] == [0, "<5", "<5", 5, 30, 42]


def test_it_marks_a_cell_hidden_to_protect_another_x_never_a_false_value():
    table = suppress([[3, 10, 20]])
    assert table.display(0, 0) == "<5"
    assert table.display(0, 1) == "x"  # 10: hidden, and not said to be small
    assert table.status[0][1] == SECONDARY
    assert table.display(0, 3) == 33  # the total stays exact
    assert_nothing_disclosed(*_places(table))


def test_it_hides_the_total_when_no_other_count_can_cover_the_small_one():
    table = suppress([[2, 0, 0]])
    assert table.display(0, 0) == "<5"
    assert table.display(0, 3) == "<5"
    assert_nothing_disclosed(*_places(table))


def test_it_keeps_a_country_total_beside_a_small_one_from_giving_it_away():
    # Sessions: ME 4, RS 10, total 14 — printing RS and the total would give ME = 4.
    summary = [[4], [10], [14]]
    by_mode = grid([[4, 0], [6, 4]])
    protected_summary, protected_modes = suppress_linked([summary, by_mode])
    assert [protected_summary.display(r, 0) for r in range(3)] == ["<5", "x", 14]
    assert protected_modes.status[0][2] == PRIMARY  # the same figure, hidden in both tables


def test_it_protects_small_cells_across_rows_and_columns():
    cells = [
        [12, 3, 40],
        [25, 18, 7],
        [9, 30, 2],
    ]
    table = suppress(cells)
    assert table.values[3][3] == sum(map(sum, cells))
    assert table.display(0, 1) == "<5"
    assert table.display(2, 2) == "<5"
    assert_nothing_disclosed(*_places(table))


def test_it_never_leaves_a_hidden_cell_derivable_on_any_small_table():
    for a, b, c, d in itertools.product([0, 1, 4, 5, 9], repeat=4):
        table = suppress([[a, b], [c, d]])
        assert_nothing_disclosed(*_places(table))
        for r, row in enumerate(table.values):
            for col, value in enumerate(row):
                if 0 < value < 5:
                    assert table.status[r][col] == PRIMARY


def test_it_keeps_given_totals_of_people_who_are_not_additive():
    # One person seen at both centres: 3 + 4 people by centre, but 6 people in all.
    table = suppress([[3, 4]], row_totals=[6], column_totals=[3, 4], grand_total=6)
    assert table.values[0][2] == 6
    assert table.display(0, 2) == 6
    assert_nothing_disclosed(*_places(table))
