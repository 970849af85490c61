import itertools

from reports.suppression import suppress


def _recoverable(table) -> list[tuple[int, int]]:
    """Hidden cells that subtraction from one line's visible members gives away."""
    rows, columns = len(table.values), len(table.values[0])
    lines = [[(r, c) for c in range(columns)] for r in range(rows)]
    lines += [[(r, c) for r in range(rows)] for c in range(columns)]
    exposed = []
    for line in lines:
        hidden = [cell for cell in line if table.hidden[cell[0]][cell[1]]]
        if len(hidden) == 1:
            exposed.append(hidden[0])
    return exposed


def test_it_hides_counts_from_one_to_four_and_shows_zero_and_five():
    table = suppress([[0, 4, 3, 5, 30]])
    assert [table.display(0, c) for c in range(6)] == [0, "<5", "<5", 5, 30, 42]


def test_it_hides_a_second_cell_so_that_a_row_total_gives_nothing_away():
    table = suppress([[3, 10, 20]])
    assert table.display(0, 0) == "<5"
    assert table.display(0, 1) == "<5"  # the smallest other count, hidden too
    assert table.display(0, 2) == 20
    assert table.display(0, 3) == 33  # the total stays exact
    assert _recoverable(table) == []


def test_it_hides_the_total_when_no_other_count_can_cover_the_small_one():
    table = suppress([[2, 0, 0]])
    assert table.display(0, 0) == "<5"
    assert table.display(0, 3) == "<5"


def test_it_protects_small_cells_across_rows_and_columns():
    cells = [
        [12, 3, 40],
        [25, 18, 7],
        [9, 30, 2],
    ]
    table = suppress(cells)
    assert table.values[3][3] == sum(map(sum, cells))
    assert _recoverable(table) == []
    assert table.hidden[0][1]
    assert table.hidden[2][2]


def test_it_never_leaves_a_hidden_cell_recoverable_on_any_small_table():
    for a, b, c, d in itertools.product([0, 1, 4, 5, 9], repeat=4):
        table = suppress([[a, b], [c, d]])
        assert _recoverable(table) == [], (a, b, c, d)
        for r, row in enumerate(table.hidden):
            for col, hidden in enumerate(row):
                if 0 < table.values[r][col] < 5:
                    assert hidden


def test_it_keeps_given_totals_of_people_who_are_not_additive():
    # One person seen at both centres: 3 + 4 sessions' people, but 6 people in all.
    table = suppress([[3, 4]], row_totals=[6], column_totals=[3, 4], grand_total=6)
    assert table.values[0][2] == 6
    assert table.display(0, 2) == 6
    assert _recoverable(table) == []
