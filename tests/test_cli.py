"""`mock-enswitch serve` as a user runs it: a real process, a free port, HTTP calls, signals."""

from __future__ import annotations

import signal

import pytest
from conftest import code
from live import LiveServer, run_cli

ADMIN = {"auth_username": "acme-admin", "auth_password": "acme-admin-pass"}


def test_help_explains_every_option_and_shows_the_default_database():
    result = run_cli("serve", "--help")
    assert result.returncode == 0
    for option in ("--host", "--port", "--db", "--memory", "--fixtures", "--reset"):
        assert option in result.stdout
    assert "mock-enswitch.db.json" in result.stdout


def test_serve_answers_get_and_post_and_logs_without_passwords(tmp_path):
    with LiveServer("--db", str(tmp_path / "db.json")) as server:
        created = server.call("recording/groups/create", **ADMIN, name="Live")
        assert code(created) == "200"
        group_id = created["data"]["id"]
        updated = server.call("recording/groups/update", "POST", **ADMIN, id=group_id, fraction=5)
        assert code(updated) == "204"
        got = server.call("recording/groups/get", **ADMIN, id=group_id)
        assert (got["data"]["name"], got["data"]["fraction"]) == ("Live", 5)
        output = server.stop(signal.SIGTERM)
    assert "function=recording/groups/create user=acme-admin code=200" in output
    assert "acme-admin-pass" not in output
    assert server.process.returncode == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_data_survives_a_restart_and_a_clean_stop(tmp_path, sig):
    db = tmp_path / "db.json"
    with LiveServer("--db", str(db)) as server:
        group_id = server.call("recording/groups/create", **ADMIN, name="Kept")["data"]["id"]
        assert "stopped" in server.stop(sig)
        assert server.process.returncode == 0
    with LiveServer("--db", str(db)) as server:
        assert server.call("recording/groups/get", **ADMIN, id=group_id)["data"]["name"] == "Kept"
        # IDs continue after a restart, they are never reused
        assert server.call("recording/groups/create", **ADMIN, name="Next")["data"]["id"] > group_id


def test_reset_seeds_again_from_the_fixtures(tmp_path):
    db = tmp_path / "db.json"
    with LiveServer("--db", str(db)) as server:
        server.call("recording/groups/create", **ADMIN, name="Dropped")
    with LiveServer("--db", str(db), "--reset") as server:
        names = [g["name"] for g in server.call("recording/groups/list", **ADMIN)["data"]]
        assert names == ["Acme sales"]


def test_memory_mode_keeps_nothing_and_writes_no_file(tmp_path):
    with LiveServer("--memory", "--db", str(tmp_path / "db.json")) as server:
        server.call("recording/groups/create", **ADMIN, name="Gone")
    with LiveServer("--memory") as server:
        assert len(server.call("recording/groups/list", **ADMIN)["data"]) == 1
    assert not (tmp_path / "db.json").exists()


def test_options_are_read_from_the_environment(tmp_path):
    db = tmp_path / "env.db.json"
    with LiveServer(env={"MOCK_ENSWITCH_DB": str(db)}) as server:
        server.call("recording/groups/create", **ADMIN, name="Env")
    assert db.exists()


def test_a_broken_fixture_stops_start_up_with_a_clear_message(tmp_path, fixtures_copy):
    (fixtures_copy / "roles.json").write_text('[{"id": 1, "name": "x"}]')
    db = tmp_path / "db.json"
    result = run_cli("serve", "--db", str(db), "--fixtures", str(fixtures_copy), "--port", "0")
    assert result.returncode != 0
    assert "roles.json: record 1 (id 1): field 'privileges' is missing" in result.stderr
    assert "Traceback" not in result.stderr
    assert not db.exists()


def test_a_second_server_on_the_same_database_is_refused_at_start(tmp_path):
    db = tmp_path / "db.json"
    with LiveServer("--db", str(db)) as first:
        created = first.call("recording/groups/create", **ADMIN, name="First")
        result = run_cli("serve", "--db", str(db), "--port", "0")
        assert result.returncode != 0
        assert "in use by another mock-enswitch process" in result.stderr
        assert "Traceback" not in result.stderr
        got = first.call("recording/groups/get", **ADMIN, id=created["data"]["id"])
        assert got["data"]["name"] == "First"  # the first server is unharmed


def test_the_readme_configuration_reference_covers_every_serve_option():
    from pathlib import Path

    from click.testing import CliRunner

    from mock_enswitch.cli import main

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    command = main.commands["serve"]
    options = [p for p in command.params if p.opts[0].startswith("--") and p.name != "help"]
    assert len(options) >= 17
    for param in options:
        option = param.opts[0]
        variable = "MOCK_ENSWITCH_" + option[2:].upper().replace("-", "_")
        assert f"`{option}" in readme, option
        assert f"`{variable}`" in readme, variable
        assert param.envvar == variable
    assert CliRunner().invoke(main, ["serve", "--help"]).exit_code == 0


def test_a_start_that_fails_leaves_the_garbage_collector_on(tmp_path):
    """serve pauses the collector while it starts (its objects all live): a start that fails,
    here on a bad fixture file, turns it back on (the CLI may run inside a test's process)."""
    import gc

    from click.testing import CliRunner

    from mock_enswitch.cli import main

    (tmp_path / "users.json").write_text("[{", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["serve", "--memory", "--port", "0", "--fixtures", str(tmp_path)]
    )
    assert result.exit_code != 0 and "users.json" in result.output
    assert gc.isenabled()
