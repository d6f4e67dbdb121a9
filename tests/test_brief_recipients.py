"""Recipient lists: YAML and office CSVs (UTF-8-BOM or GBK), checked against the catalog."""

from __future__ import annotations

import pytest
from brief_world import copy_config

from flows.config.catalog import load_catalog
from flows.config.recipients import RecipientError, load_recipients, select


@pytest.fixture
def config(tmp_path):
    return copy_config(tmp_path / "config")


def test_yaml_recipients_resolve_place_names(config):
    people = load_recipients(config, load_catalog(config))
    leader = people[0]
    assert (leader.place, leader.groups, leader.kinds) == ("wuyi", ("city_jinhua", "mountain26"),
                                                            ("weekly", "monthly", "quarterly"))
    assert [r.email for r in select(people, "digest")] == ["ops@example.org"]
    assert [r.email for r in select(people, "weekly", places=["yiwu"])] == ["fgj@yiwu.example.gov.cn"]


CSV = "姓名,邮箱,关注地区,比较组,简报\n浦江办公室,Office@PUJIANG.example.gov.cn,浦江,全市、山区26县,每周;每月\n磐安办公室,pa@example.gov.cn,磐安,,每季\n"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_office_csv_in_either_encoding(config, encoding):
    (config / "offices.csv").write_bytes(CSV.encode(encoding))
    (config / "recipients.yaml").write_text("recipients: []\ncsv_files: [offices.csv]\n", encoding="utf-8")
    people = load_recipients(config, load_catalog(config))
    assert [(r.name, r.email, r.place, r.groups, r.kinds) for r in people] == [
        ("浦江办公室", "office@pujiang.example.gov.cn", "pujiang", ("city_jinhua", "mountain26"), ("weekly", "monthly")),
        ("磐安办公室", "pa@example.gov.cn", "panan", ("city_jinhua", "mountain26"), ("quarterly",)),
    ]


def test_csv_error_names_file_and_row(config):
    bad = CSV + "坏行,not-an-address,武义,,每周\n"
    (config / "offices.csv").write_bytes(bad.encode("utf-8-sig"))
    (config / "recipients.yaml").write_text("recipients: []\ncsv_files: [offices.csv]\n", encoding="utf-8")
    with pytest.raises(RecipientError) as exc:
        load_recipients(config, load_catalog(config))
    assert "offices.csv: row 4" in str(exc.value) and "not an email address" in str(exc.value)


@pytest.mark.parametrize("entry, expected", [
    ("{name: x, email: a@example.org, place: 杭州}", "place '杭州' is not a known place"),
    ("{name: x, email: a@example.org, place: wuyi, groups: [nowhere]}", "group 'nowhere' is not a known group"),
    ("{name: x, email: a@example.org, place: wuyi, kinds: [daily]}", "briefing 'daily' is not one of"),
    ("{name: x, email: a@example.org, kinds: [weekly]}", "a place is needed"),
])
def test_yaml_errors_name_the_entry(config, entry, expected):
    (config / "recipients.yaml").write_text(f"recipients:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(RecipientError) as exc:
        load_recipients(config, load_catalog(config))
    assert "recipients.yaml: recipients[0] (email=a@example.org)" in str(exc.value)
    assert expected in str(exc.value)


def test_duplicate_address_is_refused(config):
    (config / "recipients.yaml").write_text(
        "recipients:\n  - {name: a, email: x@example.org, kinds: [digest]}\n"
        "  - {name: b, email: X@example.org, kinds: [digest]}\n", encoding="utf-8")
    with pytest.raises(RecipientError, match="already listed"):
        load_recipients(config, load_catalog(config))

