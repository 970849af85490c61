"""Small-count protection of the published tables: primary and secondary cell suppression.

This is the practice of statistical offices for tables of counts (Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012, ch. 4 "Magnitude and frequency tables"; Eurostat,
*Handbook on Statistical Disclosure Control*, sections on the threshold rule, secondary
suppression and the hypercube method of τ-ARGUS). The rule, shown to users in every output:

1. **Primary suppression.** A count from 1 to `threshold - 1` (default 1–4) is printed as `<5`.
   Zero is printed: an empty cell tells no one anything about a person.
2. **Secondary suppression.** A table with its totals is a grid whose last row and last column
   are the totals; in every row and column the members add up to the total (for counts of people
   the total may be smaller, as one person can be in two cells: an intruder then knows only that
   the members add up to at least the total). An intruder who reads the published cells can write
   these lines as equations and bound every hidden cell by linear programming. Each hidden cell is
   therefore made one corner of a rectangle of hidden cells (a "hypercube" of dimension 2): the
   intruder can move the four corners by the same amount, up on two corners and down on the
   other two (or up on all four when two corners are totals), without any published figure
   changing. The rectangle is chosen so that this movement spans more than `threshold`, and so
   that it hides as few new cells, then as small counts, as possible. The cells hidden to protect
   another are printed `x`, never with a value they do not have.
3. Tables that share figures (the Summary's figures by country and every breakdown's totals of
   the same indicator) are protected together: a figure hidden in one is hidden in all.
4. Rectangles protect each table alone; two breakdowns of the same totals can still pin a hidden
   figure together. So the linked tables are then checked jointly, exactly as an intruder would
   attack them: linear programming bounds every hidden figure from all the published ones, and
   while one is bounded to a range no wider than `threshold`, the largest published figure of a
   line through it is hidden too (`_widen_pinned`).

Totals are computed from the true counts, so every printed figure is exact. tests/reports/
test_disclosure_audit.py attacks the published files as an intruder would (linear programming on
every sheet, the summary, the CSV and the PDF) and requires every hidden cell's feasible range to
be wider than the threshold. Its intruder knows the printed figures, that counts are not
negative, and the lines: equations where the true counts add up, "at least the total" where they
do not (people in two cells).

Limits, on purpose: a cell marked `x` is never 0 nor a small count, which a reader of this rule
may use; the protection holds within an indicator, not between indicators that count overlapping
things (e.g. "people reached" and "visitors counselled"), as statistical offices protect each
published table.
"""

import math
from dataclasses import dataclass, field

DEFAULT_THRESHOLD = 5
SECONDARY_MARK = "x"

PUBLISHED = "published"
PRIMARY = "suppressed-primary"
SECONDARY = "suppressed-secondary"

Cell = tuple[int, int]


def primary_mark(threshold: int) -> str:
    return f"<{threshold}"


@dataclass
class SuppressedTable:
    """A table with its totals as a grid: the last row and column are the totals.

    A table without member columns (`values` rows of one cell each) is a list of figures with
    their total, as the Summary's figures by country.
    """

    values: list[list[int]]
    threshold: int
    status: list[list[str]] = field(default_factory=list)

    def __post_init__(self):
        if not self.status:
            self.status = [[PUBLISHED for _value in row] for row in self.values]

    @property
    def rows(self) -> int:
        return len(self.values)

    @property
    def columns(self) -> int:
        return len(self.values[0]) if self.values else 0

    def is_hidden(self, row: int, column: int) -> bool:
        return self.status[row][column] != PUBLISHED

    def display(self, row: int, column: int) -> int | str:
        """The cell as published: its count, `<5` or `x`; never a false value."""
        status = self.status[row][column]
        if status == PRIMARY:
            return primary_mark(self.threshold)
        if status == SECONDARY:
            return SECONDARY_MARK
        return self.values[row][column]

    def published(self, row: int, column: int) -> int | None:
        """The count where it is published, None where it is hidden (e.g. a chart's bar)."""
        return None if self.is_hidden(row, column) else self.values[row][column]

    # --- protection ---------------------------------------------------------------------

    def _mark_primary(self):
        for r, row in enumerate(self.values):
            for c, value in enumerate(row):
                if 0 < value < self.threshold and self.status[r][c] == PUBLISHED:
                    self.status[r][c] = PRIMARY

    def _is_total_row(self, row: int) -> bool:
        return row == self.rows - 1

    def _is_total_column(self, column: int) -> bool:
        return column == self.columns - 1

    def _patterns(self, cell: Cell):
        """Every set of cells, with the direction each moves, that the intruder could shift
        together without a published figure changing, if all of them were hidden."""
        r, c = cell
        if self.columns == 1:  # figures and their total: one line, down the only column
            for other in range(self.rows):
                if other != r:
                    both_members = not self._is_total_row(r) and not self._is_total_row(other)
                    yield [((r, c), 1), ((other, c), -1 if both_members else 1)]
            return
        for r2 in range(self.rows):
            if r2 == r:
                continue
            row_sign = -1 if not self._is_total_row(r) and not self._is_total_row(r2) else 1
            for c2 in range(self.columns):
                if c2 == c:
                    continue
                both = not self._is_total_column(c) and not self._is_total_column(c2)
                column_sign = -1 if both else 1
                yield [
                    ((r, c), 1),
                    ((r, c2), column_sign),
                    ((r2, c), row_sign),
                    ((r2, c2), row_sign * column_sign),
                ]

    def _span(self, pattern) -> float:
        """How far the intruder can move the cells of the pattern: down to the smallest count
        moving down, up to the smallest count moving the other way (unbounded if none does)."""
        up = [self.values[r][c] for (r, c), sign in pattern if sign > 0]
        down = [self.values[r][c] for (r, c), sign in pattern if sign < 0]
        return min(up) + (min(down) if down else float("inf"))

    def _protected(self, cell: Cell) -> bool:
        """True if a pattern of hidden cells (see _patterns) protects `cell`. For a table, only
        the rectangles whose three other corners are hidden are looked at: the same answer as
        trying every pattern, without building the ones that cannot count (large breakdowns)."""
        r, c = cell
        if self.columns == 1 or not self.is_hidden(r, c):
            return any(
                all(self.is_hidden(*member) for member, _sign in pattern)
                and self._span(pattern) > self.threshold
                for pattern in self._patterns(cell)
            )
        columns = [c2 for c2 in range(self.columns) if c2 != c and self.is_hidden(r, c2)]
        if not columns:
            return False
        for r2 in range(self.rows):
            if r2 == r or not self.is_hidden(r2, c):
                continue
            row_sign = -1 if not self._is_total_row(r) and not self._is_total_row(r2) else 1
            for c2 in columns:
                if not self.is_hidden(r2, c2):
                    continue
                both = not self._is_total_column(c) and not self._is_total_column(c2)
                column_sign = -1 if both else 1
                pattern = [
                    ((r, c), 1),
                    ((r, c2), column_sign),
                    ((r2, c), row_sign),
                    ((r2, c2), row_sign * column_sign),
                ]
                if self._span(pattern) > self.threshold:
                    return True
        return False

    def _protect(self, cell: Cell) -> bool:
        """Hides the cheapest rectangle that protects `cell`; False if it already was."""
        if self._protected(cell):
            return False
        best, best_cost = None, None
        for pattern in self._patterns(cell):
            new = [m for m, _sign in pattern if not self.is_hidden(*m)]
            if any(self.values[r][c] == 0 for r, c in new) or self._span(pattern) <= self.threshold:
                continue  # zeros stay printed; the movement must span more than the threshold
            grand_total = (self.rows - 1, self.columns - 1) in new
            cost = (len(new), grand_total, sum(self.values[r][c] for r, c in new))
            if best_cost is None or cost < best_cost:
                best, best_cost = new, cost
        if best is None:  # nothing can protect it (e.g. a lone figure): hide the line's total
            new = [(r, c) for r, c in self._fallback(cell) if not self.is_hidden(r, c)]
        else:
            new = best
        for r, c in new:
            self.status[r][c] = SECONDARY
        return bool(new)

    def _fallback(self, cell: Cell) -> list[Cell]:
        r, c = cell
        last_row, last_column = self.rows - 1, self.columns - 1
        return [(r, last_column), (last_row, c), (last_row, last_column)]

    def protect_all(self) -> bool:
        """Protects every hidden cell; True if any cell was newly hidden."""
        changed_any = False
        changed = True
        while changed:
            changed = False
            for r in range(self.rows):
                for c in range(self.columns):
                    if self.is_hidden(r, c) and self._protect((r, c)):
                        changed = changed_any = True
        return changed_any


def grid(
    cells: list[list[int]],
    *,
    row_totals: list[int] | None = None,
    column_totals: list[int] | None = None,
    grand_total: int | None = None,
) -> list[list[int]]:
    """`cells` (rows × columns of counts) with their totals as the last column and row.

    Totals are the sums unless given: counts of people are not additive (a person seen at two
    centres is one person in the country's total), so their totals come from the database.
    """
    column_count = len(cells[0]) if cells else 0
    sums = [sum(row) for row in cells]
    values = [[*row, total] for row, total in zip(cells, row_totals or sums, strict=True)]
    bottom = column_totals or [sum(row[c] for row in cells) for c in range(column_count)]
    values.append([*bottom, sum(sums) if grand_total is None else grand_total])
    return values


def suppress_linked(
    tables: list[list[list[int]]], threshold: int = DEFAULT_THRESHOLD
) -> list[SuppressedTable]:
    """Protects tables of the same rows that share their last column (the rows' totals and the
    grand total), so that no table gives away what another hides."""
    protected = [SuppressedTable(values=values, threshold=threshold) for values in tables]
    for table in protected:
        table._mark_primary()
    changed = True
    while changed:
        changed = False
        shared = [
            next(
                (t.status[r][-1] for t in protected if t.status[r][-1] != PUBLISHED),
                PUBLISHED,
            )
            for r in range(protected[0].rows)
        ]
        for table in protected:
            for r, status in enumerate(shared):
                if table.status[r][-1] == PUBLISHED and status != PUBLISHED:
                    table.status[r][-1] = status
            changed |= table.protect_all()
        if not changed:
            # Each table's rectangles protect it alone; tables that share their totals can
            # still pin a hidden figure together: hide more until none is pinned.
            changed = _widen_pinned(protected, threshold)
    return protected


def _cell_key(table_number: int, table: SuppressedTable, row: int, column: int):
    """One unknown per figure: the shared last column is the same figure in every table."""
    return ("total", row) if column == table.columns - 1 else (table_number, row, column)


def _lines(tables: list[SuppressedTable]):
    """(members, total) for every row and column of every table, by cell key."""
    for number, table in enumerate(tables):
        last_row, last_column = table.rows - 1, table.columns - 1
        grids = [
            [_cell_key(number, table, r, c) for c in range(table.columns)]
            for r in range(table.rows)
        ]
        lines = [
            ([grids[r][c] for r in range(last_row)], grids[last_row][c])
            for c in range(table.columns)
        ]
        if table.columns > 1:
            lines += [
                ([grids[r][c] for c in range(last_column)], grids[r][last_column])
                for r in range(table.rows)
            ]
        yield from lines


def _widen_pinned(tables: list[SuppressedTable], threshold: int) -> bool:
    """Hides one more figure where the published figures of all the linked tables bound a hidden
    one to a range no wider than the threshold (checked with linear programming, as the
    disclosure audit attacks the files); True if a figure was hidden."""
    import numpy
    from scipy.optimize import linprog

    value, hidden, place = {}, set(), {}
    for number, table in enumerate(tables):
        for r in range(table.rows):
            for c in range(table.columns):
                key = _cell_key(number, table, r, c)
                value[key] = table.values[r][c]
                place.setdefault(key, []).append((table, r, c))
                if table.is_hidden(r, c):
                    hidden.add(key)
    unknowns = sorted(hidden, key=str)
    index = {key: i for i, key in enumerate(unknowns)}
    lines = list(_lines(tables))
    equalities, equal_to, inequalities, below = [], [], [], []
    for members, total in lines:
        row, known = [0.0] * len(unknowns), 0
        for member in members:
            if member in index:
                row[index[member]] += 1
            else:
                known += value[member]
        if total in index:
            row[index[total]] -= 1
        else:
            known -= value[total]
        if not any(row):
            continue
        if sum(value[m] for m in members) == value[total]:
            equalities.append(row)
            equal_to.append(-known)
        else:  # counts of people: the members add up to at least the total
            inequalities.append([-v for v in row])
            below.append(known)
    # The constraints as arrays once: converting the lists again for each of the (many)
    # programmes was most of their cost.
    constraints = {
        "A_ub": numpy.array(inequalities, dtype=float) if inequalities else None,
        "b_ub": numpy.array(below, dtype=float) if below else None,
        "A_eq": numpy.array(equalities, dtype=float) if equalities else None,
        "b_eq": numpy.array(equal_to, dtype=float) if equal_to else None,
    }
    for key in unknowns:
        bounds = []
        for sign in (1, -1):
            objective = numpy.zeros(len(unknowns))
            objective[index[key]] = sign
            answer = linprog(objective, **constraints, bounds=(0, None), method="highs")
            bounds.append(math.inf * -sign if answer.status == 3 else sign * answer.fun)
        if bounds[1] - bounds[0] > threshold:
            continue
        # Pinned: hide the largest published figure of a line through it, which gives the
        # intruder's equations the most room.
        candidates = {
            member
            for members, total in lines
            if key in members or key == total
            for member in [*members, total]
            if member not in hidden and value[member] > 0
        }
        if not candidates:
            continue
        chosen = max(candidates, key=lambda k: (value[k], str(k)))
        for table, r, c in place[chosen]:
            table.status[r][c] = SECONDARY
        return True
    return False


def suppress(
    cells: list[list[int]],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    row_totals: list[int] | None = None,
    column_totals: list[int] | None = None,
    grand_total: int | None = None,
) -> SuppressedTable:
    """Adds totals to `cells` and decides which figures to hide (see the module's rule)."""
    values = grid(
        cells, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total
    )
    return suppress_linked([values], threshold)[0]


def published_figure(value: int, threshold: int = DEFAULT_THRESHOLD) -> int | str:
    """A figure shown alone (no total beside it to subtract from): only the primary rule."""
    return primary_mark(threshold) if 0 < value < threshold else value
