"""Start-up errors are one clear line, never a traceback, and a failed start creates nothing."""

from __future__ import annotations

import json

from live import LiveServer, one_clear_line, run_cli, serve


def test_a_port_in_use_is_one_line_and_creates_no_database(tmp_path):
    with LiveServer("--memory") as running:
        database = tmp_path / "new.db.json"
        result = serve("--port", str(running.port), "--db", str(database))
    line = one_clear_line(result)
    assert f"cannot listen on 127.0.0.1:{running.port}" in line
    assert "--port N" in line and "MOCK_ENSWITCH_PORT" in line and "--port 0" in line
    assert not database.exists() and not list(tmp_path.iterdir())


def test_a_database_where_none_can_be_made_is_one_line(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    line = one_clear_line(serve("--port", "0", "--db", str(blocker / "mock.db.json")))
    assert "cannot use the database" in line and str(blocker) in line
    assert "is a file, not a directory" in line


def test_a_bad_environment_value_is_named_by_its_variable():
    line = one_clear_line(serve(env={"MOCK_ENSWITCH_PORT": "eighty"}))
    assert "environment variable MOCK_ENSWITCH_PORT" in line and "--port" not in line
    typed = one_clear_line(serve("--port", "eighty"))
    assert "'--port'" in typed  # typed on the command line: named as typed


def test_help_names_each_options_environment_variable():
    help_text = run_cli("serve", "--help").stdout
    for variable in ("MOCK_ENSWITCH_PORT", "MOCK_ENSWITCH_DB", "MOCK_ENSWITCH_IDLE_TIMEOUT"):
        assert variable in help_text


def test_changed_fixtures_are_said_at_start_and_reseeded_on_request(tmp_path, fixtures_copy):
    database = tmp_path / "mock.db.json"
    common = ("--db", str(database), "--fixtures", str(fixtures_copy))
    with LiveServer(*common) as first:
        first.call(
            "recording/groups/create",
            auth_username="acme-admin",
            auth_password="acme-admin-pass",
            name="Mine",
        )
    groups = json.loads((fixtures_copy / "record_groups.json").read_text())
    groups[0]["name"] = "Renamed in the file"
    (fixtures_copy / "record_groups.json").write_text(json.dumps(groups))
    with LiveServer(*common) as kept:
        names = [g["name"] for g in kept.get("/_mock/groups")["groups"]]
        assert names == ["Acme sales", "Beta support", "Mine"]  # the data is kept...
    assert "changed since" in kept.output() and "--reset-if-changed" in kept.output()  # ...and said
    with LiveServer(*common, "--reset-if-changed") as reseeded:
        names = [g["name"] for g in reseeded.get("/_mock/groups")["groups"]]
    assert names == ["Renamed in the file", "Beta support"]
    with LiveServer(*common) as quiet:
        pass
    assert "changed since" not in quiet.output()  # the same files again: nothing to say
    assert "seeded again" in reseeded.output()


def test_a_partial_fixture_directory_says_which_files_it_borrowed(tmp_path):
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "record_groups.json").write_text("[]")
    with LiveServer("--memory", "--fixtures", str(partial)) as live:
        pass
    assert "has no customers.json, rate_plans.json, roles.json, users.json" in live.output()


def test_a_path_prefix_without_its_slash_is_refused_not_served_where_nothing_matches():
    line = one_clear_line(serve("--port", "0", "--memory", "--path-prefix", "local"))
    assert "'local' is not a path prefix: give one like /local" in line
    with LiveServer("--memory", "--path-prefix", "/local/") as server:
        assert f"{server.port}/local/api/json/" in server.output()  # the start line says where
        reply = server.get("/")
        assert reply["links"]["api"] == "/local/api/json/"


def test_a_host_that_does_not_resolve_is_one_line_naming_host():
    line = one_clear_line(serve("--port", "0", "--memory", "--host", "nosuchhost.invalid"))
    assert "cannot listen on nosuchhost.invalid:0" in line and "check --host" in line
