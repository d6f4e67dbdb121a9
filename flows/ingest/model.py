"""The small value types ingest passes between its steps: problems found, cells read, file outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Message:
    """One problem in a file; errors reject it, warnings travel with it into the ledger."""

    severity: str            # error / warning
    code: str                # short rule name: unknown_place, not_numeric, ytd_decreased ...
    text: str
    sheet: str | None = None
    row: int | None = None   # 1-based, as a spreadsheet shows it
    column: str | None = None  # spreadsheet letter plus header text: "D (固定资产投资 本年累计)"

    @property
    def where(self) -> str:
        parts = [f"sheet {self.sheet}" if self.sheet else "", f"row {self.row}" if self.row else "",
                 f"column {self.column}" if self.column else ""]
        return ", ".join(p for p in parts if p) or "file"

    def line(self) -> str:
        return f"{self.severity} [{self.code}] {self.where}: {self.text}"

    def line_zh(self) -> str:
        """The same in Chinese, quoting the bad cell or name: 【错误】第4行B列：有数值不是数字：'待核'（…）"""
        from flows.core.message_words import zh_line

        return zh_line(self.severity, self.code, self.text, self.sheet, self.row, self.column)


def error(code: str, text: str, **where) -> Message:
    return Message("error", code, text, **where)


def warning(code: str, text: str, **where) -> Message:
    return Message("warning", code, text, **where)


@dataclass(slots=True)  # slots: ingest makes ~300,000 of these per demo inbox
class Cell:
    """One measure of one record as printed, before cleaning."""

    text: object             # str, or the number a spreadsheet stored
    column: str              # letter plus header text


@dataclass(slots=True)
class Record:
    """One place x indicator x period as the layout found it (raw cells, not yet cleaned)."""

    place_text: str
    indicator_code: str
    period: date
    row: int
    value: Cell | None = None
    growth: Cell | None = None
    rank: Cell | None = None
    unit: str | None = None  # unit the value is printed in (None = the indicator's own)
    sheet: str | None = None  # where a file has several tables (web page, PDF): the page / table it is on
    is_preliminary: bool = False  # the publisher marked it a first estimate (preliminary_column / preliminary_words)


@dataclass
class FileResult:
    """What became of one file; the summary and the CLI table are built from these."""

    file_name: str
    status: str              # loaded / duplicate / rejected
    source_code: str | None = None
    file_id: int | None = None
    periods: list[date] = field(default_factory=list)
    n_rows: int = 0
    n_observations: int = 0
    n_revised: int = 0
    n_totals: int = 0
    stored_path: str | None = None
    messages: list[Message] = field(default_factory=list)

    @property
    def n_errors(self) -> int:
        return sum(1 for m in self.messages if m.severity == "error")

    @property
    def n_warnings(self) -> int:
        return sum(1 for m in self.messages if m.severity == "warning")

    def as_row(self) -> dict:
        return {
            "file": self.file_name, "status": self.status, "source": self.source_code or "",
            "periods": ", ".join(p.strftime("%Y-%m") for p in sorted(self.periods)),
            "rows": self.n_rows, "observations": self.n_observations, "revised": self.n_revised,
            "warnings": self.n_warnings, "errors": self.n_errors,
        }
