"""What the second review found, each fixed: the Host rule on every bind, the dashboard's token,
the clock's range, seeking in a recording, directory errors naming their field and what still
uses a record, near-miss privileges, odd values, and the pytest story of used-up rules."""

from __future__ import annotations

import json

import pytest
from conftest import code
from live import run_cli

from mock_enswitch import Config, create_app
from mock_enswitch.fixtures import FixtureError
from mock_enswitch.seeding import seed


@pytest.fixture
def public():
    app = create_app(Config(host="0.0.0.0", control_token="T", allowed_hosts=("mock-enswitch",)))
    yield app.test_client()
    app.extensions["mock_enswitch"].close()


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("evil.example:8080", 403),
        ("172.18.0.2:8080", 200),
        ("mock-enswitch:8080", 200),
        ("localhost:8080", 200),
    ],
)
def test_a_public_bind_answers_addresses_and_allowed_names_only(public, host, status):
    reply = public.get("/_mock/requests", headers={"Host": host, "X-Mock-Enswitch-Token": "T"})
    assert reply.status_code == status


def test_the_dashboard_takes_the_token_once_as_a_strict_cookie(public):
    assert public.get("/_mock/ui").status_code == 401
    opened = public.get("/_mock/ui?token=T")
    assert opened.status_code == 303 and opened.headers["Location"].endswith("/_mock/ui")
    cookie = opened.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert public.get("/_mock/overview").status_code == 200  # the client keeps the cookie
    wrong = create_app(Config(host="0.0.0.0", control_token="T")).test_client()
    reply = wrong.get("/_mock/overview", headers={"X-Mock-Enswitch-Token": "nope"})
    assert reply.status_code == 401 and "missing or wrong" in reply.get_json()["error"]
    assert wrong.get("/_mock/ui?token=nope").status_code == 401


@pytest.mark.parametrize("name", ["mock:8080", "http://mock", "*.example"])
def test_an_allowed_host_that_could_never_match_stops_the_start(name):
    result = run_cli("serve", "--memory", "--port", "0", "--allowed-host", name)
    assert result.returncode != 0 and "plain host name" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "moves",
    [
        [{"advance": 10**400}],
        [{"now": 1_000_000}, {"advance": -3_000_000_000}],
        [{"advance": 3_000_000_000}],
    ],
)
def test_the_clock_stays_a_32_bit_unix_time(app, api, moves):
    client = app.test_client()
    *before, last = moves
    for move in before:
        assert client.post("/_mock/clock", json=move).status_code == 200
    reply = client.post("/_mock/clock", json=last)
    assert reply.status_code == 400 and reply.get_json()["field"] in last
    assert code(api("user/login", token=1)) == "200"  # tokens still work
    assert client.post("/_mock/calls", json={"recordgroup": 1}).status_code == 201


def test_the_dashboards_recording_can_be_fetched_in_ranges(app):
    client = app.test_client()
    url = "/_mock/recordings/1/1770217174.110066/1.wav"
    whole = client.get(url)
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = client.get(url, headers={"Range": "bytes=5000-9999"})
    assert part.status_code == 206 and part.headers["Content-Range"] == "bytes 5000-9999/672044"
    assert part.get_data() == whole.get_data()[5000:10000]


def test_directory_errors_name_the_field_and_what_still_uses_a_record(app):
    client = app.test_client()
    bad = client.post("/_mock/customers", json={"name": "G", "parent": "2", "rate_plan": 1})
    assert bad.get_json()["field"] == "parent"
    used = client.delete("/_mock/roles/3").get_json()["error"]
    assert used.startswith("role 3 is still used by user 3 (acme-admin)")


@pytest.mark.parametrize(
    ("path", "record", "words"),
    [
        ("rate_plans", {"name": "P", "privileges": ["recordin"]}, "did you mean recording?"),
        ("roles", {"name": "R", "privileges": ["recrod"]}, "did you mean record?"),
        ("users", {"username": "", "password": "p", "customer": 1, "role": 1}, "must not be empty"),
        ("customers", {"name": "a\x00b", "parent": 1, "rate_plan": 1}, "NUL"),
        ("customers", {"id": 2**70, "name": "Big", "parent": 1, "rate_plan": 1}, "at most"),
    ],
)
def test_odd_or_near_miss_values_are_refused(app, path, record, words):
    reply = app.test_client().post(f"/_mock/{path}", json=record)
    assert reply.status_code == 400 and words in reply.get_json()["error"]


def test_other_privileges_stay_allowed(app):
    reply = app.test_client().post("/_mock/roles", json={"name": "R", "privileges": ["fax"]})
    assert reply.status_code == 201


def test_the_privileges_the_mock_checks_are_all_known_to_the_fixture_checks():
    from mock_enswitch.api.functions import FUNCTIONS
    from mock_enswitch.fixtures import PRIVILEGES_USED

    assert {p for f in FUNCTIONS for p in f.privileges} <= set(PRIVILEGES_USED["roles"])
    assert {f.feature for f in FUNCTIONS if f.feature} <= set(PRIVILEGES_USED["rate_plans"])
    assert {"system owner", "reseller"} <= set(PRIVILEGES_USED["roles"])  # reach, not functions


def test_a_yaml_file_named_like_a_fixture_is_reported(fixtures_copy):
    (fixtures_copy / "users.json").rename(fixtures_copy / "users.yaml")
    with pytest.raises(FixtureError, match=r"users\.yaml: not a fixture file"):
        seed(fixtures_copy)


def test_the_story_escapes_names_and_tells_of_used_up_rules(enswitch):
    enswitch.add_user(username="g\nx", password="p", customer=3, role=3)
    enswitch.fail("recording/groups/create", 402, times=1)
    enswitch.call("recording/groups/create", user="g\nx", name="x")
    story = enswitch.story()
    assert "user=g\\nx code=402 fault=1" in story
    assert "1: used up or removed since it fired" in story


def test_drift_names_the_changed_file_and_another_directory(tmp_path, fixtures_copy):
    import subprocess
    import sys

    database = tmp_path / "d.db.json"

    def start(*args):
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from mock_enswitch import Config, create_app;"
                "from pathlib import Path; import logging; logging.basicConfig();"
                "a = create_app(Config(db_path=Path(sys.argv[1]), fixtures_dir=Path(sys.argv[2]) "
                "if sys.argv[2] != '-' else None)); a.extensions['mock_enswitch'].close()",
                str(database),
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        ).stderr

    start(str(fixtures_copy))
    customers = json.loads((fixtures_copy / "customers.json").read_text())
    customers[0]["name"] = "Renamed"
    (fixtures_copy / "customers.json").write_text(json.dumps(customers))
    said = start(str(fixtures_copy))
    assert "(customers.json in" in said  # which file changed
    database.unlink()
    database.with_name(database.name + ".log").unlink(missing_ok=True)
    start(str(fixtures_copy))  # seeded from the edited copy
    assert f"seeded from {fixtures_copy}, now given" in start("-")  # then the shipped ones


def test_digits_that_int_refuses_are_a_400_not_a_500():
    """Review finding: str.isdigit() takes "²", which int() refuses: a 500 on the control API."""
    from mock_enswitch import Config, create_app

    app = create_app(Config())
    client = app.test_client()
    assert client.get("/_mock/requests?since=%C2%B2").status_code == 400
    assert client.get("/_mock/records/numbers?limit=%C2%B2").status_code == 400
    auth = "auth_username=acme-admin;auth_password=acme-admin-pass"
    reply = client.get(f"/api/json/messages/text/send/?{auth};stype=phone;snumber=1001;"
                       "cnumber=%C2%B2;message=hi").get_json()  # fmt: skip
    assert reply["responses"][0]["key"] == "cnumber"
    reply = client.get(f"/api/json/customers/balance/add/?{auth};id=3;amount=%EF%BC%91%EF%BC%92")
    assert reply.get_json()["responses"][0]["key"] == "amount"  # full-width digits
    app.extensions["mock_enswitch"].close()


def test_a_balance_cannot_leave_the_bound_and_the_directory_stays_editable():
    """Review finding: two additions of 999999999999 made a balance past the fixtures' bound,
    after which every run-time directory edit was refused."""
    from mock_enswitch import Config, create_app

    app = create_app(Config())
    client = app.test_client()
    auth = "auth_username=reseller;auth_password=reseller-pass"
    first = client.get(f"/api/json/customers/balance/add/?{auth};id=4;amount=999999999990")
    assert first.get_json()["responses"][0]["code"] == "204"
    second = client.get(f"/api/json/customers/balance/add/?{auth};id=4;amount=999999999999")
    assert second.get_json()["responses"][0]["key"] == "amount"
    changed = client.patch("/_mock/customers/3", json={"events_url": "http://127.0.0.1:9/"})
    assert changed.status_code == 204
    app.extensions["mock_enswitch"].close()


def test_available_numbers_prefer_only_a_customer_in_reach():
    """Review finding: any `customer` was taken, so acme-admin learnt which numbers Beta had."""
    from mock_enswitch import Config, create_app

    app = create_app(Config())
    client = app.test_client()
    beta = "auth_username=beta-admin;auth_password=beta-admin-pass"
    acme = "auth_username=acme-admin;auth_password=acme-admin-pass"
    client.get(f"/api/json/numbers/purchase/?{beta};number=2125550114")
    client.get(f"/api/json/numbers/delete/?{beta};number=2125550114")
    reply = client.get(f"/api/json/numbers/available/list/?{acme};ingroup=1;count=1;customer=4")
    assert reply.get_json()["responses"][0]["key"] == "customer"
    mine = client.get(f"/api/json/numbers/available/list/?{beta};ingroup=1;count=1")
    assert mine.get_json()["data"] == ["2125550114"]  # Beta's own history still counts
    app.extensions["mock_enswitch"].close()


def test_the_token_link_of_a_namespaces_page_stays_in_it():
    from mock_enswitch import Config, create_app

    app = create_app(Config(control_token="t0k"))
    reply = app.test_client().get("/ns/x/_mock/ui?token=t0k")
    assert reply.headers["Location"].endswith("/ns/x/_mock/ui")
    assert (
        "Path=/" in reply.headers["Set-Cookie"] and "Path=/_mock" not in reply.headers["Set-Cookie"]
    )
    app.extensions["mock_enswitch"].close()
