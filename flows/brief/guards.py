"""The blank-briefing guard: reasons not to send anything at all.

Nothing goes out when the marts are missing or empty, when the newest loaded data is older than
the configured limit, or when the newest complete period is older than the release calendar says it
should be (a stale period is no news, however recently it was loaded). (A focus place with no ranked
indicator is refused per recipient in collect.py.)

Each problem is a bilingual.Said: the English text goes to logs, the CLI and Prefect, its Chinese line to
the operators' digest. Config keys and commands read the same in both.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flows.brief.bilingual import Said
from flows.brief.content.queries import WarehouseState

FREQUENCY_WORDS = {"monthly": "月度", "quarterly": "季度"}


def run_problems(state: WarehouseState, as_of: datetime, max_age_days: int) -> list[str]:
    """Why this run must not send briefings; empty when it may."""
    if state.marts_missing:
        missing = ', '.join(state.marts_missing)
        return [Said(f"the rank marts are not built ({missing} missing): run `bipin rank` first",
                     f"排名结果表尚未生成（缺少 {missing}）：请先运行 `bipin rank`")]
    if state.n_rankings == 0:
        return [Said("the rank marts are empty: nothing has been ranked yet; load files and run `bipin rank`",
                     "排名结果表为空，尚未计算任何排名：请导入数据文件并运行 `bipin rank`")]
    if state.newest_loaded_at is None:
        return [Said(f"no data file was loaded by {as_of:%Y-%m-%d %H:%M}",
                     f"截至{as_of:%Y-%m-%d %H:%M}尚未导入任何数据文件")]
    age = as_of - state.newest_loaded_at
    if age > timedelta(days=max_age_days):
        return [Said(f"the newest data was loaded {state.newest_loaded_at:%Y-%m-%d %H:%M}, {age.days} days before "
                     f"{as_of:%Y-%m-%d}; the limit is {max_age_days} days (delivery.max_data_age_days): check ingest",
                     f"最新数据导入于{state.newest_loaded_at:%Y-%m-%d %H:%M}，距{as_of:%Y-%m-%d}已{age.days}天，"
                     f"超过{max_age_days}天的上限（delivery.max_data_age_days）：请检查数据导入")]
    return []


def catalog_problems(catalog_is_stale: bool) -> list[str]:
    """Ranks are computed from the catalog as it is now, the stored top three and streaks from the
    catalog the marts were built with: after a catalog change they disagree until rank runs."""
    if catalog_is_stale:
        return [Said("the catalog (places, groups, indicators or memberships) changed since the marts were built: "
                     "run `bipin rank` first",
                     "地区、比拼组、指标或归属关系的配置在上次计算排名后有改动：请先运行 `bipin rank`")]
    return []


def as_of_problems(marts_watermark: datetime | None, as_of: datetime) -> list[str]:
    """Rendering as of a past moment needs marts built as of that moment, or it mixes in later data."""
    if marts_watermark is not None and marts_watermark > as_of:
        # the CLI rewinds the live marts for its own run and brings them back (flows/cli/brief_cmd.py)
        command = f"`bipin brief KIND --as-of {as_of:%Y-%m-%dT%H:%M}`"
        return [Said(f"the marts include data loaded {marts_watermark:%Y-%m-%d %H:%M}, after --as-of "
                     f"{as_of:%Y-%m-%d %H:%M}: run {command} from the command line (it builds the marts of that "
                     "moment for its run)",
                     f"排名结果含有{marts_watermark:%Y-%m-%d %H:%M}导入的数据，晚于 --as-of {as_of:%Y-%m-%d %H:%M}："
                     f"请在命令行运行 {command}")]
    return []


# the frequency each leaders' briefing reports on (the digest is for operators: it goes out regardless,
# and a blocked briefing's run digest carries the reason)
KIND_FREQUENCIES = {"weekly": ("monthly",), "monthly": ("monthly",), "quarterly": ("quarterly",)}


def stale_period_problems(rows: list[dict], kind: str) -> list[str]:
    """Why the newest complete period is stale: rows of sql/brief/stale_periods.sql (per calendar: its
    newest complete period and the newest one its release lag says is out by now)."""
    problems = []
    for r in rows:
        if r["frequency"] not in KIND_FREQUENCIES.get(kind, ()) or r["due_period"] is None:
            continue
        if r["newest_period"] < r["due_period"]:
            key = f"release_lag_days.{r['frequency']}"
            problems.append(Said(
                f"stale data: the newest complete {r['frequency']} period is {r['newest_label']}, but "
                f"{r['due_label']} was due by {r['due_date']:%Y-%m-%d} ({r['lag_days']} days after its end, "
                f"settings {key}): load the newer releases (the digest names the members still missing) "
                "before briefing leaders",
                f"数据滞后：{FREQUENCY_WORDS.get(r['frequency'], r['frequency'])}数据最新完整期为{r['newest_label']}，"
                f"{r['due_label']}应于{r['due_date']:%Y-%m-%d}前发布（期末后{r['lag_days']}天，settings 的 {key}）："
                "请导入新发布的数据"))
    return list(dict.fromkeys(problems))  # monthly and monthly_jf calendars may say the same


def no_ranked_data(period: str | None) -> Said:
    """The period asked for (or any period at all) has no complete ranked slice in the marts."""
    if period:
        return Said(f"no ranked data for period {period} in the marts",
                    f"排名结果中没有{period}期的数据：请检查该期数据是否已导入并运行 `bipin rank`")
    return Said("no ranked data for period any in the marts",
                "排名结果中没有任何一期的数据：请导入数据文件并运行 `bipin rank`")


def past_moment_problems(marts_as_of: datetime | None) -> list[str]:
    """A briefing of today must not go out from marts left at a past moment (an interrupted `--as-of`
    run, or an older bipin whose `rank --as-of` changed the live marts): it would send an old ranking."""
    if marts_as_of is not None:
        return [Said(f"the marts show the data known at {marts_as_of:%Y-%m-%d %H:%M}, not everything loaded: "
                     "run `bipin rank` first",
                     f"排名结果停留在{marts_as_of:%Y-%m-%d %H:%M}的历史时点，不含之后导入的数据：请先运行 `bipin rank`")]
    return []
