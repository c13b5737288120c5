"""The pytest plugin as a user meets it: a test suite with no conftest, run by pytester in a
subprocess (so only the installed entry point can have loaded the plugin), alone and under -n 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mock_enswitch.fixtures import DEFAULT_DIR

pytest_plugins = ["pytester"]

USER_SUITE = """
import pytest

def test_create_then_get(enswitch):
    body = enswitch.call("recording/groups/create", name="Sales")
    assert body["responses"][0]["code"] == "200"
    new_id = body["data"]["id"]
    assert new_id == 3  # every test starts from the fixtures, IDs restarted
    got = enswitch.call("recording/groups/get", id=new_id)
    assert got["data"]["name"] == "Sales"

@pytest.mark.parametrize("n", range(6))
def test_state_never_leaks(enswitch, n):
    assert [g["id"] for g in enswitch.groups()] == [1, 2]
    enswitch.call("recording/groups/delete", id=1)
    enswitch.call("recording/groups/create", name=f"leak {n}")

def test_fail_helper_and_journal(enswitch):
    enswitch.fail("recording/groups/create", 402, times=1)
    codes = [enswitch.call("recording/groups/create", name="x")["responses"][0]["code"]
             for _ in range(2)]
    assert codes == ["402", "200"]
    journal = enswitch.requests(function="recording/groups/create")
    assert [entry["code"] for entry in journal] == ["402", "200"]
    assert journal[0]["params"]["auth_password"] == "***"

def test_rules_are_gone_in_the_next_test(enswitch):
    assert enswitch.faults() == []
    assert enswitch.call("recording/groups/list", user="acme-recorder")["responses"][0]["code"] == "200"

def test_users_and_other_callers(enswitch):
    assert enswitch.users["acme-user"] == "acme-user-pass"
    body = enswitch.call("recording/groups/create", user="acme-user", name="x")
    assert body["responses"][0]["code"] == "402"
    assert enswitch.call("recording/groups/list", user=None)["responses"][0]["code"] == "401"
    assert enswitch.api_url.startswith("http://127.0.0.1:")
"""


def test_a_suite_without_conftest_uses_the_installed_plugin(pytester: pytest.Pytester):
    pytester.makepyfile(test_user=USER_SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=10)


def test_the_same_suite_under_xdist(pytester: pytest.Pytester):
    pytester.makepyfile(test_user=USER_SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=10)


def test_a_suite_that_does_not_use_the_fixture_starts_no_server(pytester: pytest.Pytester):
    pytester.makepyfile(
        test_plain="""
        import subprocess
        def test_no_server():
            out = subprocess.run(["ps", "-o", "args=", "--ppid", str(__import__("os").getpid())],
                                 capture_output=True, text=True).stdout
            assert "mock_enswitch" not in out
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def write_fixtures(directory, extra_user: str):
    directory.mkdir()
    for source in DEFAULT_DIR.glob("*.json"):
        (directory / source.name).write_text(source.read_text())
    users = json.loads((directory / "users.json").read_text())
    users.append(
        {
            "id": 99,
            "username": extra_user,
            "password": f"{extra_user}-pass",
            "customer": 4,
            "role": 3,
        }
    )
    (directory / "users.json").write_text(json.dumps(users))


def test_a_marker_gives_a_module_its_own_fixture_directory(pytester: pytest.Pytester):
    write_fixtures(pytester.path / "special", "special-admin")
    pytester.makepyfile(
        test_marked="""
        import pytest
        pytestmark = pytest.mark.enswitch_fixtures("special")

        def test_special_user(enswitch):
            body = enswitch.call("recording/groups/list", user="special-admin")
            assert [g["name"] for g in body["data"]] == ["Beta support"]
        """,
        test_default="""
        def test_default_users(enswitch):
            assert "special-admin" not in enswitch.users
        """,
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers")
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize("how", ["ini", "option"])
def test_the_fixture_directory_from_ini_or_command_line(pytester: pytest.Pytester, how):
    write_fixtures(pytester.path / "mine", "mine-admin")
    pytester.makepyfile(
        test_dir="""
        def test_mine(enswitch):
            assert "mine-admin" in enswitch.users
            assert enswitch.call("recording/groups/list", user="mine-admin")["data"]
        """
    )
    if how == "ini":
        pytester.makeini("[pytest]\nenswitch_fixtures = mine\n")
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    else:
        result = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "--enswitch-fixtures", str(pytester.path / "mine")
        )
    result.assert_outcomes(passed=1)


def test_a_broken_fixture_directory_fails_with_the_servers_message(pytester: pytest.Pytester):
    broken = pytester.path / "broken"
    write_fixtures(broken, "x")
    (broken / "roles.json").write_text("[{")
    pytester.makepyfile(test_b="def test_b(enswitch):\n    pass\n")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--enswitch-fixtures", str(broken)
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*roles.json: not valid JSON*"])


def test_the_readme_example_runs_as_written(pytester: pytest.Pytester):
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme.split("## Using it from pytest", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    pytester.makepyfile(test_readme=example)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_failing_test_reports_its_calls_and_rules_and_a_passing_one_nothing(
    pytester: pytest.Pytester,
):
    pytester.makepyfile(
        test_story="""
        def test_fails(enswitch):
            enswitch.add_fault({"match": {"function": "recording/groups/update"},
                                "effect": {"code": "402"}})
            body = enswitch.call("recording/groups/create", name="Sales")
            assert body["responses"][0]["code"] == "402"

        def test_passes(enswitch):
            enswitch.call("recording/groups/get", id=1)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- mock-enswitch: what this test did -*",
            "calls, oldest first:",
            "  GET recording/groups/create user=acme-admin code=200",
            "      rule 1 did not fire: match.function: the call is recording/groups/create,"
            " not recording/groups/update",
            "fault rules in force:",
            '  1: {"match": {"function": "recording/groups/update"}, *} (hits 0)',
        ]
    )
    assert "recording/groups/get" not in result.stdout.str()  # the passing test: no section
