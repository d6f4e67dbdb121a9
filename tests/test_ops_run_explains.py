"""Prefect runs explain themselves: a real `ingest` flow run that rejects a file ends as a named
Completed state, and its logs and artifact carry the file, the reason and Chinese period labels."""

from __future__ import annotations

import pytest

from tests.ingest_world import GOOD_ROWS, settings_for, wide_grid, write_csv

pytestmark = pytest.mark.e2e


def _run_logs(flow_run_id) -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()  # logs travel to the API in batches: send what is queued
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
    return [log.message for log in logs]


def _artifact(flow_run_id, key: str):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=[key]), flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    assert found, f"no {key} artifact for this run"
    return found[0]


def test_ingest_run_with_a_rejected_file_says_so_in_state_logs_and_artifact(prefect_harness, tmp_path):
    from flows.ingest.flow import ingest

    settings = settings_for(tmp_path)
    write_csv(settings.inbox / "city_good_202610.csv", wide_grid())
    bad_rows = [*GOOD_ROWS, ["武义新城", "10.0", "1.0", "", "9.0", "1.0"]]
    write_csv(settings.inbox / "city_bad_202610.csv", wide_grid(rows=bad_rows))

    state = ingest(home=str(settings.home), config_dir=str(settings.config_dir), return_state=True)

    assert state.is_completed() and state.name == "Completed with rejections", (state.name, state.message)
    assert "city_bad_202610.csv" in state.message
    summary = state.result()
    assert (summary["n_loaded"], summary["n_rejected"]) == (1, 1)  # the good file still loaded

    run_id = state.state_details.flow_run_id
    logs = "\n".join(_run_logs(run_id))
    assert "rejected city_bad_202610.csv" in logs
    assert "loaded city_good_202610.csv: 2026年1-10月" in logs
    rejection = next(line for line in logs.splitlines() if "city_bad_202610.csv: error" in line)
    assert "武义新城" in rejection and "row 9" in rejection, rejection  # the reason, with its row

    artifact = _artifact(run_id, "ingest-summary")
    rows = {row["file"]: row for row in artifact.data} if isinstance(artifact.data, list) else None
    if rows is None:  # the API returns table artifacts as JSON text
        import json

        rows = {row["file"]: row for row in json.loads(artifact.data)}
    assert rows["city_bad_202610.csv"]["status"] == "rejected"
    assert "武义新城" in rows["city_bad_202610.csv"]["reason"]
    assert rows["city_good_202610.csv"]["periods"] == "2026年1-10月"
    assert "2026-10" not in str(artifact.data)
    assert "city_bad_202610.csv" in artifact.description and "武义新城" in artifact.description


def test_clean_ingest_run_stays_plain_completed(prefect_harness, tmp_path):
    from flows.ingest.flow import ingest

    settings = settings_for(tmp_path)
    write_csv(settings.inbox / "city_good_202610.csv", wide_grid())
    state = ingest(home=str(settings.home), config_dir=str(settings.config_dir), return_state=True)
    assert state.is_completed() and state.name == "Completed"
    logs = "\n".join(_run_logs(state.state_details.flow_run_id))
    assert "rejected" not in logs


def test_rank_run_publishes_every_groups_top_three_in_one_artifact_with_chinese_periods(prefect_harness, tmp_path):
    import json

    from flows.ingest.flow import ingest
    from flows.rank.flow import rank

    settings = settings_for(tmp_path)
    write_csv(settings.inbox / "city_good_202610.csv", wide_grid())
    where = {"home": str(settings.home), "config_dir": str(settings.config_dir)}
    assert ingest(**where, return_state=True).is_completed()
    state = rank(**where, return_state=True)
    assert state.is_completed(), state.message

    artifact = _artifact(state.state_details.flow_run_id, "rank-top3")
    rows = artifact.data if isinstance(artifact.data, list) else json.loads(artifact.data)
    summary = state.result()
    assert {row["group"] for row in rows} == set(summary["top3"]) and summary["top3"]
    assert len(rows) == sum(len(group_rows) for group_rows in summary["top3"].values())
    assert {row["period"] for row in rows} == {"2026年1-10月"}


def test_pipeline_stages_run_without_a_heartbeat_thread_of_their_own(prefect_harness):
    # a subflow's heartbeat thread costs ~1 s at its end (joined, sleeping in 1 s steps); the
    # pipeline's own run keeps Prefect's heartbeats, so a dead process's run can still be marked Crashed
    from prefect import flow
    from prefect.settings import get_current_settings

    from flows.run.prefect_server.heartbeat import without_heartbeat

    @flow
    def stage() -> int | None:
        return get_current_settings().flows.heartbeat_frequency

    @flow
    def parent() -> tuple[int | None, int | None]:
        with without_heartbeat():
            inside = stage()
        return get_current_settings().flows.heartbeat_frequency, inside

    own, stage_frequency = parent()
    assert own is not None and own >= 30
    assert stage_frequency is None


def test_a_commands_runs_send_no_heartbeats_until_it_ends_unless_the_operator_asks(prefect_harness, tmp_path,
                                                                                   monkeypatch):
    from prefect.settings import get_current_settings

    from flows.cli.common import AppState
    from flows.run.prefect_server.heartbeat import without_heartbeat

    app = AppState(settings_for(tmp_path))
    default = get_current_settings().flows.heartbeat_frequency
    app.prefect_ready()
    assert get_current_settings().flows.heartbeat_frequency is None  # the command waits for its own runs
    app.held.close()  # the command ended (cli.py closes it)
    assert get_current_settings().flows.heartbeat_frequency == default

    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "60")
    with without_heartbeat():
        assert get_current_settings().flows.heartbeat_frequency == default
