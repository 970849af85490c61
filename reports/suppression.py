"""Small-cell suppression for disaggregated tables.

The rule (shown to users in the report's definitions sheet):

1. Primary: a count from 1 to `threshold - 1` (default 1–4) is shown as "<5". Zero is shown:
   an empty cell tells no one anything about a person.
2. Secondary: a table with its totals is a set of lines (each row with its row total, each column
   with its column total, and the totals row and column with the grand total); in each line the
   members add up to the line's total. A line with exactly one hidden member would give that member
   away by subtraction, so a second member of that line is hidden too: the smallest non-zero visible
   cell, or, where there is none, the line's total. This repeats until no line has exactly one
   hidden member.

Totals are always computed from the true counts, so every visible figure is exact and consistent.
"""

from dataclasses import dataclass

DEFAULT_THRESHOLD = 5


@dataclass(frozen=True)
class SuppressedTable:
    """The table with its totals as a grid: the last row and column are the totals."""

    values: list[list[int]]
    hidden: list[list[bool]]
    threshold: int

    def display(self, row: int, column: int) -> int | str:
        return f"<{self.threshold}" if self.hidden[row][column] else self.values[row][column]


def _lines(rows: int, columns: int) -> list[list[tuple[int, int]]]:
    """Every row and every column of the grid, totals included; the total is the last member."""
    by_row = [[(r, c) for c in range(columns)] for r in range(rows)]
    by_column = [[(r, c) for r in range(rows)] for c in range(columns)]
    return by_row + by_column


def suppress(
    cells: list[list[int]],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    row_totals: list[int] | None = None,
    column_totals: list[int] | None = None,
    grand_total: int | None = None,
) -> SuppressedTable:
    """Adds totals to `cells` (rows × columns of counts) and decides which figures to hide.

    Totals are the sums unless given: counts of people are not additive (a person seen at two
    centres is one person in the country's total), so their totals come from the database.
    """
    column_count = len(cells[0]) if cells else 0
    sums = [sum(row) for row in cells]
    grid = [[*row, total] for row, total in zip(cells, row_totals or sums, strict=True)]
    bottom = column_totals or [sum(row[c] for row in cells) for c in range(column_count)]
    grid.append([*bottom, sum(sums) if grand_total is None else grand_total])
    rows, columns = len(grid), column_count + 1
    hidden = [[0 < value < threshold for value in row] for row in grid]

    changed = True
    while changed:
        changed = False
        for line in _lines(rows, columns):
            hidden_members = [cell for cell in line if hidden[cell[0]][cell[1]]]
            if len(hidden_members) != 1:
                continue
            *members, total = line
            candidates = [
                cell for cell in members if not hidden[cell[0]][cell[1]] and grid[cell[0]][cell[1]]
            ]
            if candidates:
                r, c = min(candidates, key=lambda cell: (grid[cell[0]][cell[1]], cell))
            elif not hidden[total[0]][total[1]]:
                r, c = total
            else:  # only zeros are left visible besides a hidden total: nothing to give away
                continue
            hidden[r][c] = True
            changed = True
    return SuppressedTable(values=grid, hidden=hidden, threshold=threshold)
