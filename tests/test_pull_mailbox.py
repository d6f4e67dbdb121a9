"""Pull from a mailbox: a real Dovecot on 127.0.0.1 (IMAP over TLS) holding a bureau's emails with GBK-named attachments."""

from __future__ import annotations

import io
import zipfile

import pytest
from ingest_world import ingest, query
from pull_servers import dovecot
from pull_world import (
    PASSWORD_ENV,
    csv_bytes,
    inbox,
    ledger_rows,
    mail,
    pull_once,
    revised_rows,
    world,
    xlsx_bytes,
)

CSV_NAME = "金华市2026年1-10月主要经济指标.csv"
XLSX_NAME = "金华市各县（市、区）主要指标2026年10月.xlsx"
BUREAU = "tjj@tjj.jinhua.gov.cn"


@pytest.fixture(scope="module")
def server():
    with dovecot() as d:
        yield d


@pytest.fixture
def folder(server, request):
    """A fresh IMAP folder per test, so the tests do not see each other's messages."""
    name = f"t{abs(hash(request.node.name)) % 10**8}"
    with server.mailbox() as box:
        if not box.folder.exists(name):
            box.folder.create(name)
    return name


def _source(server, folder, **extra) -> dict:
    return {"code": "jinhua_mail", "kind": "mailbox", "host": server.host, "port": server.port,
            "user": server.user, "password_env": PASSWORD_ENV, "ca_file": str(server.ca_file), "folder": folder,
            "senders": ["@tjj.jinhua.gov.cn"], "subject_contains": ["统计月报"], "retries": 1, **extra}


class _GbkName(zipfile.ZipInfo):
    """A member named in GBK without the UTF-8 flag, as the zip tools of Chinese Windows write it."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(_GbkName(name), data)
    return out.getvalue()


def test_first_pull_fetches_the_matching_attachments_second_fetches_nothing(server, folder, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, server.password)
    settings = world(tmp_path, [_source(server, folder)])
    server.append(mail("2026年10月统计月报", BUREAU, {CSV_NAME: csv_bytes(), "说明.docx": b"not a table"},
                       "<m1@tjj.jinhua.gov.cn>"), folder)
    server.append(mail("统计月报（补充）", BUREAU, {XLSX_NAME: xlsx_bytes(rows=revised_rows("8.3"))},
                       "<m2@tjj.jinhua.gov.cn>", name_style="encoded-word"), folder)
    server.append(mail("2026年10月统计月报", "someone@example.com", {"other.csv": csv_bytes()}, "<m3@x>"), folder)
    server.append(mail("会议通知", BUREAU, {"agenda.csv": csv_bytes()}, "<m4@tjj.jinhua.gov.cn>"), folder)

    [first] = pull_once(settings)
    assert first.ok and sorted(first.pulled) == sorted([CSV_NAME, XLSX_NAME])
    assert inbox(settings) == {CSV_NAME, XLSX_NAME}
    assert (settings.inbox / CSV_NAME).read_bytes() == csv_bytes()
    provenance = dict((r[1], r[2]) for r in ledger_rows(settings) if r[1])
    assert "<m1@tjj.jinhua.gov.cn>" in provenance[CSV_NAME] and BUREAU in provenance[CSV_NAME]
    assert "2026" in provenance[CSV_NAME] and folder in provenance[CSV_NAME]
    with server.mailbox() as box:
        box.folder.set(folder)
        seen = {m.headers["message-id"][0]: "\\Seen" in m.flags for m in box.fetch(mark_seen=False)}
    assert seen == {"<m1@tjj.jinhua.gov.cn>": True, "<m2@tjj.jinhua.gov.cn>": True, "<m3@x>": False,
                    "<m4@tjj.jinhua.gov.cn>": False}

    [second] = pull_once(settings)
    assert second.ok and second.pulled == [] and inbox(settings) == {CSV_NAME, XLSX_NAME}


def test_kept_messages_are_fetched_once_and_a_corrected_table_is_ingested_as_a_revision(server, folder, tmp_path,
                                                                                       monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, server.password)
    settings = world(tmp_path, [_source(server, folder, after="keep")])
    server.append(mail("2026年10月统计月报", BUREAU, {CSV_NAME: csv_bytes()}, "<r1@tjj.jinhua.gov.cn>"), folder)
    assert pull_once(settings)[0].pulled == [CSV_NAME]
    assert [r.status for r in ingest(settings)] == ["loaded"]
    assert pull_once(settings)[0].pulled == []  # left unread on the server (after: keep), still not twice

    server.append(mail("2026年10月统计月报（更正）", BUREAU, {CSV_NAME: csv_bytes(revised_rows("8.5"))},
                       "<r2@tjj.jinhua.gov.cn>"), folder)
    assert pull_once(settings)[0].pulled == [CSV_NAME]
    [loaded] = ingest(settings)
    assert loaded.status == "loaded" and loaded.n_revised == 1
    versions = query(settings, "select growth_pct from staging.observations where place_code = 'wuyi' "
                               "and indicator_code = 'fai' order by loaded_at")
    assert versions == [(8.2,), (8.5,)]
    provenance = query(settings, "select provenance from raw.files order by file_id")
    assert "<r1@tjj.jinhua.gov.cn>" in provenance[0][0] and "<r2@tjj.jinhua.gov.cn>" in provenance[1][0]


def test_moved_messages_and_a_zip_with_gbk_member_names(server, folder, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, server.password)
    settings = world(tmp_path, [_source(server, folder, after="move", move_to=f"{folder}_done")])
    archive = _zip({"金华市2026年10月.csv": csv_bytes(), "说明.txt": b"readme"})
    server.append(mail("统计月报 打包", BUREAU, {"统计月报2026年10月.zip": archive}, "<z1@tjj.jinhua.gov.cn>"), folder)
    [result] = pull_once(settings)
    assert result.pulled == ["金华市2026年10月.csv"]
    with server.mailbox() as box:
        box.folder.set(folder)
        assert list(box.uids()) == []
        box.folder.set(f"{folder}_done")
        assert len(list(box.uids())) == 1


def test_the_same_table_from_two_mails_is_written_once(server, folder, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, server.password)
    settings = world(tmp_path, [_source(server, folder)])
    server.append(mail("统计月报", BUREAU, {CSV_NAME: csv_bytes()}, "<d1@tjj.jinhua.gov.cn>"), folder)
    server.append(mail("统计月报（转发）", BUREAU, {"转发_" + CSV_NAME: csv_bytes()}, "<d2@tjj.jinhua.gov.cn>"), folder)
    [result] = pull_once(settings)
    assert result.pulled == [CSV_NAME] and len(result.duplicates) == 1 and CSV_NAME in result.duplicates[0]
    assert inbox(settings) == {CSV_NAME}


def test_a_refused_login_is_retried_then_said_in_one_line_without_the_password(server, folder, tmp_path,
                                                                               monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "wrong-password-xyz")
    settings = world(tmp_path, [_source(server, folder, retries=2, backoff_s=0.5)])
    waits: list[float] = []
    [result] = pull_once(settings, sleep=waits.append)
    assert waits == [0.5, 1.0]  # two retries, the wait doubling
    assert result.fault.startswith("login refused by 127.0.0.1") and f"${PASSWORD_ENV}" in result.fault
    assert result.line().startswith("pull jinhua_mail: failing since ")
    status = ledger_rows(settings, "select fault_kind, last_error, n_failures from pull.source_status")
    assert status[0][0] == "login" and status[0][2] == 1
    assert "wrong-password-xyz" not in repr(status) + result.line()
    [again] = pull_once(settings, sleep=waits.append)
    assert again.n_failures == 2 and again.failing_since == result.failing_since


def test_a_password_variable_that_is_not_set_is_said_as_such(server, folder, tmp_path, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    settings = world(tmp_path, [_source(server, folder)])
    [result] = pull_once(settings)
    assert result.fault == (f"no password for 127.0.0.1:{server.port} ({server.user}, {folder}): ${PASSWORD_ENV} is "
                            "not set; export it in the environment of the process that runs the flows (or name a "
                            "Prefect Secret block in password_block)")
    assert ledger_rows(settings, "select fault_kind from pull.source_status") == [("login",)]


def test_messages_before_since_and_with_no_filter_set(server, folder, tmp_path, monkeypatch):
    from datetime import datetime, timedelta, timezone

    monkeypatch.setenv(PASSWORD_ENV, server.password)
    china = timezone(timedelta(hours=8))
    server.append(mail("统计月报", BUREAU, {"旧表2025年12月.csv": csv_bytes()}, "<old@tjj.jinhua.gov.cn>"), folder,
                  received=datetime(2025, 12, 20, 9, tzinfo=china))
    server.append(mail("统计月报", BUREAU, {CSV_NAME: csv_bytes(revised_rows("8.4"))}, "<new@tjj.jinhua.gov.cn>"),
                  folder, received=datetime(2026, 11, 19, 9, tzinfo=china))
    settings = world(tmp_path, [_source(server, folder, since="2026-01-01", after="keep")])
    assert pull_once(settings)[0].pulled == [CSV_NAME]
    everything = world(tmp_path / "all", [_source(server, folder, senders=[], subject_contains=[], after="keep")])
    assert sorted(pull_once(everything)[0].pulled) == sorted([CSV_NAME, "旧表2025年12月.csv"])
