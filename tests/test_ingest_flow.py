"""End to end: the real Prefect flow `ingest` on the demo inbox, under the session's Prefect test server."""

from __future__ import annotations

from datetime import date

import pytest

from tests.ingest_world import query

pytestmark = pytest.mark.e2e


def test_ingest_flow_on_the_demo_inbox(prefect_harness, tmp_path, shipped_catalog):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    from flows.config.settings import DEFAULT_CONFIG_DIR, load_settings
    from flows.demo.inbox import write_demo_inbox
    from flows.ingest.flow import ingest

    settings = load_settings(home=tmp_path / "home", config_dir=DEFAULT_CONFIG_DIR)
    demo, _ = write_demo_inbox(shipped_catalog, settings.inbox, date(2024, 6, 1))
    n_files = len(demo.files)

    state = ingest(home=str(settings.home), config_dir=str(settings.config_dir), return_state=True)
    summary = state.result()

    assert summary["n_files"] == n_files
    assert (summary["n_loaded"], summary["n_rejected"], summary["n_duplicate"]) == (n_files - 1, 1, 0)
    assert summary["rejected"][0]["file"] == demo.bad_file.name
    assert "武义新城" in (settings.quarantine / f"{demo.bad_file.name}.errors.txt").read_text(encoding="utf-8")
    assert list(settings.inbox.iterdir()) == []
    # Jinhua's table: 9 counties plus the 全市 total kept apart under the city's code
    assert query(settings, "select count(distinct place_code) filter (where not is_total), "
                           "list(distinct place_code) filter (where is_total) from staging.observations o "
                           "join raw.files f using (file_id) where f.source_code = 'demo_city_wide_xlsx'") == \
        [(9, ["jinhua"])]
    assert query(settings, "select count(distinct place_code) from staging.observations_current "
                           "where not is_total") == [(90,)]
    with get_client(sync_client=True) as client:
        # other end-to-end tests in the session publish their own summaries: read this run's
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["ingest-summary"]),
            flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]),
        ))
    assert artifacts and artifacts[0].type == "table"
    assert demo.bad_file.name in str(artifacts[0].data)

    # the hourly run again: nothing left in the inbox, nothing to do
    again = ingest(home=str(settings.home), config_dir=str(settings.config_dir))
    assert again["n_files"] == 0
