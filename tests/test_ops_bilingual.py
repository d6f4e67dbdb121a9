"""Operators read Chinese: a quarantined file's errors.txt, the CLI's rejection lines and the digest say
what is wrong in Chinese and quote the bad cell ('待核') and the unknown name ('武义新城')."""

from __future__ import annotations

from typer.testing import CliRunner

from flows.brief.content import digest
from flows.brief.content import digest_wording as dw
from flows.cli.app import app
from flows.core.message_words import zh_line
from tests.ingest_world import GOOD_ROWS, settings_for, wide_grid, write_csv


def _bad_grid():
    rows = [list(r) for r in GOOD_ROWS]
    rows[1][2] = "待核"          # 武义 固定资产投资 growth
    rows[3][0] = "武义新城"      # not a place
    return wide_grid(rows)


def test_errors_file_and_cli_say_it_in_chinese_quoting_the_cell_and_the_name(tmp_path):
    s = settings_for(tmp_path)
    write_csv(s.inbox / "city_202610.csv", _bad_grid(), encoding="gb18030")
    result = CliRunner().invoke(app, ["--config", str(s.config_dir), "--home", str(s.home), "ingest", "--no-prefect"])
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert "rejected 拒收 city_202610.csv" in said
    assert "有地区名称不在地名表中：'武义新城'" in said or "有数值不是数字：'待核'" in said
    assert "另有1个问题" in said  # the CLI shows the first problem and points at the rest
    (errors,) = (s.home / "quarantine").rglob("*.errors.txt")
    text = errors.read_text(encoding="utf-8")
    assert text.startswith("bipin 拒收了 city_202610.csv")
    assert "【错误】第5行C (固定资产投资(亿元) 比上年同期增长(%))列：有数值不是数字：'待核'（改正单元格后重新放入收件箱）" in text
    assert "【错误】第7行：有地区名称不在地名表中：'武义新城'（在 config/places.yaml 中加为别名）" in text
    # the English line the logs carry stays beneath each Chinese one
    assert "    error [not_numeric] row 5, column C" in text and "处理办法" in text


def test_digest_quotes_the_bad_value_and_the_unknown_name():
    files = [dict(file_id=1, file_name="bad.csv", status="rejected")]
    messages = [
        dict(file_id=1, severity="error", code="not_numeric", sheet=None, row_number=4, column_name="B",
             message="'待核' is not a number or a missing marker (—, -, …, /, blank, 空)"),
        dict(file_id=1, severity="error", code="unknown_place", sheet=None, row_number=6, column_name=None,
             message="unknown place '武义新城' (closest known names: 武义县); fix the name or add it as an alias"),
    ]
    (line,) = digest.rejected_lines(files, messages, dw.Names({}))
    assert "有数值不是数字（改正单元格后重新放入收件箱）：'待核'（第4行B列）" in line
    assert "有地区名称不在地名表中（在 config/places.yaml 中加为别名）：'武义新城'（第6行）" in line


def test_a_code_without_chinese_words_keeps_its_english_message():
    assert zh_line("warning", "new_rule", "something new") == "【提示】文件：something new"


def test_a_read_only_warehouse_is_told_to_get_write_access_not_to_rebuild(tmp_path):
    import duckdb

    from flows.warehouse.db import unreadable

    db = tmp_path / "bipin.duckdb"
    for text in (f'IO Error: Cannot open file "{db}": Permission denied',
                 f'IO Error: Cannot open file "{db}": Read-only file system'):
        message = str(unreadable(db, duckdb.IOException(text)))
        assert "cannot be opened for writing" in message and "write access" in message and "数据库文件无写权限" in message
        assert "rebuild" not in message
    damaged = str(unreadable(db, duckdb.IOException("The file is not a valid DuckDB database file!")))
    assert "bipin rebuild --replace" in damaged


def test_an_ambiguous_indicator_lists_every_one_it_counts(shipped_catalog):
    import re

    import pytest

    from flows.config.names import NameProblem, indicator_code

    with pytest.raises(NameProblem) as problem:
        indicator_code(shipped_catalog, "投资")
    text = str(problem.value)
    count = int(re.search(r"fits (\d+) indicators", text).group(1))
    listed = text.split(": ", 1)[1].split("; write more")[0].split(", ")
    assert count == len(listed) > 1 and "请写出更完整的指标名" in text
