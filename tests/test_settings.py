from flows.settings import load_settings, prepare_prefect_env


def test_settings_precedence_arguments_over_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BIPIN_HOME", str(tmp_path / "from-env"))
    monkeypatch.setenv("BIPIN_DB", str(tmp_path / "env.duckdb"))
    s = load_settings(home=tmp_path / "from-arg")
    assert s.home == tmp_path / "from-arg"
    assert s.db_path == tmp_path / "env.duckdb"
    assert s.inbox == tmp_path / "from-arg" / "inbox"
    monkeypatch.delenv("BIPIN_DB")
    assert load_settings().db_path == tmp_path / "from-env" / "bipin.duckdb"


def test_prefect_home_is_created_with_its_parents(tmp_path, monkeypatch):
    # Prefect makes its home without parents; on a new BIPIN_HOME its local server would not start
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    settings = load_settings(home=tmp_path / "new" / "home")
    prepare_prefect_env(settings)
    assert (tmp_path / "new" / "home" / "prefect").is_dir()
