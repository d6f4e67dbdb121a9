"""A sheet as rows of cells, and the error a reader raises for a file it cannot read."""

from __future__ import annotations

from dataclasses import dataclass, field


class ReadError(Exception):
    """The file cannot be read as its name and source say it should; `code` names the rule."""

    def __init__(self, code: str, text: str):
        super().__init__(text)
        self.code = code
        self.text = text


@dataclass
class Grid:
    """A sheet as rows of cells; `first_row`/`first_col` say where the grid sits in the sheet (1-based)."""

    rows: list[list]
    sheet: str | None = None
    first_row: int = 1
    first_col: int = 1
    encoding: str | None = None
    hidden: bool = False  # a sheet hidden in Excel: never read as data (tables.choose_sheets)
    numbers: list[int] = field(default_factory=list)  # each row's number when rows were left out (hidden)

    def row_number(self, index: int) -> int:
        if self.numbers and 0 <= index < len(self.numbers):
            return self.numbers[index]
        return self.first_row + index

    def column_letter(self, index: int) -> str:
        return column_letters(self.first_col + index)


def column_letters(column: int) -> str:
    """Excel's letters for a 1-based column number: 1 -> A, 27 -> AA."""
    letters = ""
    while column:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def wanted_sheets(names: list[str], sheet: str | int | None) -> list[str]:
    """The sheet a source names (by name or 0-based number), or every sheet when it names none."""
    if isinstance(sheet, str):
        if sheet not in names:
            raise ReadError("missing_sheet", f"sheet {sheet!r} not found; the workbook has {names}")
        return [sheet]
    if sheet is not None:
        if sheet >= len(names):
            raise ReadError("missing_sheet", f"sheet number {sheet} not found; the workbook has {names}")
        return [names[sheet]]
    return list(names)
