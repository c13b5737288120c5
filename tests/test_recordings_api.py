"""recording/recordings/*: list, get, update, delete, copy and start through HTTP, with reach,
privileges, validation errors naming the parameter, validation=1, and versions."""

from __future__ import annotations

import base64
import hashlib
import io
import time
import wave

import pytest
from conftest import Api, code, key

from mock_enswitch import Config, create_app

SHIPPED = ("1770217174.110066", "1770220800.110071")  # group 1 (Acme Corp)
BETA = "1770224400.110090"  # group 2 (Beta Inc)


@pytest.fixture
def control(app):
    client = app.test_client()

    def post(path: str, body: dict | None = None, method: str = "post"):
        response = getattr(client, method)(f"/_mock/{path}", json=body)
        return response.status_code, response.get_json()

    return post


def place(control, **call) -> dict:
    status, body = control("calls", {"recordgroup": 1, **call})
    assert status == 201, body
    return body


def triple(uniqueid: str, group: int = 1, recordid: str = "1") -> dict:
    return {"recordgroup": group, "uniqueid": uniqueid, "recordid": recordid}


def test_list_defaults_to_the_callers_customer_sorted_by_start(api):
    body = api("recording/recordings/list")
    assert code(body) == "200"
    assert [row["uniqueid"] for row in body["data"]] == list(SHIPPED)
    row = body["data"][0]
    assert row["recordgroup"] == "1" and row["talktime"] == "42" and row["totaltime"] == "46"
    assert row["complete"] == 1 and isinstance(row["spresent"], int)
    assert row["mimetype"] == "audio/x-wav" and row["size"] == str(44 + 42 * 16000)
    assert "data" not in row


def test_list_by_group_time_range_and_filters(api, control):
    base = int(time.time()) - 10_000  # recent: the group keeps recordings for 365 days
    for start, talk, caller in ((base, 10, "0411111111"), (base + 1000, 50, "0422222222")):
        place(control, start=start, talktime=talk, caller=caller, ringtime=0)
    by_range = api("recording/recordings/list", recordgroup=1, start=base - 100, end=base + 500)
    assert [row["start"] for row in by_range["data"]] == [str(base)]
    every = {"recordgroup": 1, "start": base - 100, "end": base + 2000}
    assert len(api("recording/recordings/list", **every, caller="2222")["data"]) == 1
    assert len(api("recording/recordings/list", **every, called="20")["data"]) == 2
    longest = api("recording/recordings/list", **every, totaltime_minimum=20)["data"]
    assert [row["talktime"] for row in longest] == ["50"]
    assert len(api("recording/recordings/list", **every, totaltime_maximum=10)["data"]) == 1
    desc = api("recording/recordings/list", **every, sort="totaltime", descending=1)["data"]
    assert [row["totaltime"] for row in desc] == ["50", "10"]


def test_list_both_customer_and_recordgroup_is_a_400(api):
    body = api("recording/recordings/list", customer=3, recordgroup=1)
    assert (code(body), key(body)) == ("400", "customer")


def test_list_of_a_group_out_of_reach_is_a_400_naming_it(api):
    body = api("recording/recordings/list", recordgroup=2)  # Beta's, acme-admin cannot see it
    assert (code(body), key(body)) == ("400", "recordgroup")
    body = api("recording/recordings/list", customer=4)
    assert (code(body), key(body)) == ("400", "customer")


def test_a_reseller_lists_a_customer_below_it(api):
    body = api("recording/recordings/list", user="reseller", customer=4)
    assert [row["uniqueid"] for row in body["data"]] == [BETA]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("complete", "2"),
        ("sort", "name"),
        ("start", "yesterday"),
        ("totaltime_maximum", "-2"),
        ("descending", "3"),
    ],
)
def test_list_parameter_errors_name_the_parameter(api, param, value):
    body = api("recording/recordings/list", **{param: value})
    assert (code(body), key(body)) == ("400", param)


def test_get_raw_is_a_character_per_byte_and_a_real_wav(api):
    body = api("recording/recordings/get", **triple(SHIPPED[0]))
    assert code(body) == "200"
    audio = body["data"]["data"].encode("latin-1")
    with wave.open(io.BytesIO(audio)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        assert wav.getnframes() / wav.getframerate() == 42
    assert body["data"]["name"] == "record_1770217174110066_1.wav"
    assert body["data"]["mimetype"] == "audio/x-wav" and int(body["data"]["size"]) == len(audio)


def test_get_base64_with_sha1_of_the_bytes(api):
    body = api("recording/recordings/get", **triple(SHIPPED[0]), encoding="base64", sha1=1)
    audio = base64.b64decode(body["data"]["data"])
    assert body["data"]["sha1"] == hashlib.sha1(audio).hexdigest()
    again = api("recording/recordings/get", **triple(SHIPPED[0]), encoding="base64")
    assert again["data"]["data"] == body["data"]["data"]  # the same bytes every time


def test_get_wrap_none_answers_the_file_itself(app, api):
    client = app.test_client()
    query = ";".join(
        f"{k}={v}"
        for k, v in {
            "auth_username": "acme-admin",
            "auth_password": "acme-admin-pass",
            **triple(SHIPPED[0]),
            "wrap": "none",
        }.items()
    )
    response = client.get(f"/api/json/recording/recordings/get/?{query}")
    assert response.status_code == 200 and response.mimetype == "audio/x-wav"
    data = response.get_data()
    assert int(response.headers["Content-Length"]) == len(data) == 44 + 42 * 16000
    assert data[:4] == b"RIFF"
    raw = api("recording/recordings/get", **triple(SHIPPED[0]))["data"]["data"]
    assert raw.encode("latin-1") == data


@pytest.mark.parametrize(
    "address",
    [
        triple(BETA, group=2),  # another customer's
        triple(SHIPPED[0], group=2),  # the right call in the wrong group
        triple(SHIPPED[0], recordid="2"),
        triple("1770217174110066"),  # the uniqueid without its dot is another uniqueid
        triple(SHIPPED[0], group=99),
    ],
)
def test_get_missing_or_out_of_reach_is_a_404_without_data(api, address):
    body = api("recording/recordings/get", **address)
    assert code(body) == "404" and "data" not in body
    assert body["responses"][0]["message"].startswith("The call recording does not exist")


def test_get_without_record_privilege_is_a_402(api):
    assert code(api("recording/recordings/get", user="acme-user", **triple(SHIPPED[0]))) == "402"
    assert code(api("recording/recordings/get", user=None, **triple(SHIPPED[0]))) == "401"
    recorder = api("recording/recordings/get", user="acme-recorder", **triple(SHIPPED[0]))
    assert code(recorder) == "200"


def test_get_bad_encoding_names_it(api):
    body = api("recording/recordings/get", **triple(SHIPPED[0]), encoding="hex")
    assert (code(body), key(body)) == ("400", "encoding")
    missing = api("recording/recordings/get", recordgroup=1, uniqueid=SHIPPED[0])
    assert (code(missing), key(missing)) == ("400", "recordid")


def test_update_sets_expires_and_the_clock_makes_it_go(api, control):
    address = triple(SHIPPED[0])
    assert code(api("recording/recordings/update", **address, expires=2000000000)) == "204"
    row = api("recording/recordings/get", **address)["data"]
    assert row["expires"] == "2000000000"
    control("clock", {"now": 2000000001})
    assert code(api("recording/recordings/get", **address)) == "404"
    assert SHIPPED[0] not in [r["uniqueid"] for r in api("recording/recordings/list")["data"]]


def test_update_validation_only_changes_nothing(api):
    address = triple(SHIPPED[0])
    assert code(api("recording/recordings/update", **address, expires=5, validation=1)) == "201"
    assert api("recording/recordings/get", **address)["data"]["expires"] == "0"
    bad = api("recording/recordings/update", **address, expires=-1)
    assert (code(bad), key(bad)) == ("400", "expires")


def test_delete_then_every_function_answers_404(api):
    address = triple(SHIPPED[0])
    assert code(api("recording/recordings/delete", **address)) == "204"
    for function in ("get", "update", "delete", "copy"):
        body = api(f"recording/recordings/{function}", **address, destination=1)
        assert code(body) == "404", function


def test_copy_to_another_group_and_again_is_a_no_op(api):
    created = api("recording/groups/create", name="Archive")["data"]["id"]
    address = triple(SHIPPED[0])
    assert code(api("recording/recordings/copy", **address, destination=created)) == "204"
    assert code(api("recording/recordings/copy", **address, destination=created)) == "204"
    copies = api("recording/recordings/list", recordgroup=created)["data"]
    assert [(r["uniqueid"], r["recordid"]) for r in copies] == [(SHIPPED[0], "1")]
    # delete one copy: the other stays (to move a recording, copy it, then delete it)
    api("recording/recordings/delete", **address)
    assert code(api("recording/recordings/get", **triple(SHIPPED[0], group=created))) == "200"


def test_copy_to_a_group_out_of_reach_is_a_400_on_destination(api):
    body = api("recording/recordings/copy", **triple(SHIPPED[0]), destination=2)
    assert (code(body), key(body)) == ("400", "destination")


def test_deleting_a_group_deletes_its_recordings(api, app):
    assert code(api("recording/groups/delete", id=1)) == "204"
    everything = app.test_client().get("/_mock/recordings").get_json()["recordings"]
    assert [row["uniqueid"] for row in everything] == [BETA]


def test_start_records_a_live_call_in_an_on_demand_group(api, control):
    api("recording/groups/update", id=1, fraction=0)
    call = place(control, active=True)
    assert call["recorded"] is False and call["why"].startswith("fraction=0")
    listed = api("recording/recordings/list", complete=-1)["data"]
    assert call["uniqueid"] not in [row["uniqueid"] for row in listed]
    assert code(api("recording/recordings/start", uniqueid=call["uniqueid"], channel=2)) == "204"
    assert code(api("recording/recordings/start", uniqueid=call["uniqueid"])) == "204"  # unpause
    live = api("recording/recordings/list", complete=0)["data"]
    assert [(row["uniqueid"], row["recordid"]) for row in live] == [(call["uniqueid"], "1")]
    control("clock", {"advance": 7})
    control(f"calls/{call['uniqueid']}", method="delete")
    done = api("recording/recordings/get", **triple(call["uniqueid"]))["data"]
    assert done["complete"] == 1 and int(done["size"]) == 44 + 7 * 16000


def test_start_on_an_ended_or_foreign_call_is_a_404(api, control):
    ended = place(control)
    assert code(api("recording/recordings/start", uniqueid=ended["uniqueid"])) == "404"
    foreign = place(control, recordgroup=2, active=True)
    assert code(api("recording/recordings/start", uniqueid=foreign["uniqueid"])) == "404"
    assert code(api("recording/recordings/start", uniqueid="nope")) == "404"


def test_start_needs_actions_or_panel_and_a_recording_rate_plan(api, control):
    live = place(control, active=True)
    body = api("recording/recordings/start", user="acme-recorder", uniqueid=live["uniqueid"])
    assert code(body) == "402"
    bad = api("recording/recordings/start", uniqueid=live["uniqueid"], channel=3)
    assert (code(bad), key(bad)) == ("400", "channel")


def test_start_is_refused_by_a_plan_without_recording(tmp_path, fixtures_copy):
    (fixtures_copy / "record_groups.json").write_text(
        '[{"id": 1, "customer": 5, "name": "Budget"}]'
    )
    (fixtures_copy / "recordings.json").write_text("[]")
    (fixtures_copy / "phones.json").write_text("[]")
    app = create_app(Config(fixtures_dir=fixtures_copy))
    try:
        client = app.test_client()
        live = client.post("/_mock/calls", json={"recordgroup": 1, "active": True}).get_json()
        body = Api(client)(
            "recording/recordings/start", user="budget-admin", uniqueid=live["uniqueid"]
        )
        assert code(body) == "403"
    finally:
        app.extensions["mock_enswitch"].close()


@pytest.mark.parametrize(("version", "served"), [("4.0", False), ("4.1", True)])
def test_start_arrived_in_4_1(version, served):
    app = create_app(Config(enswitch_version=version))
    try:
        body = Api(app.test_client())("recording/recordings/start", uniqueid="x")
        assert code(body) == "404"  # no such live call, or (before 4.1) no such function
        assert body["responses"][0]["message"].startswith("Unknown function") is not served
    finally:
        app.extensions["mock_enswitch"].close()


@pytest.mark.parametrize(("version", "strict_code"), [("3.14", "400"), ("3.15", "200")])
def test_wrap_arrived_in_3_15(version, strict_code):
    app = create_app(Config(enswitch_version=version, strict=True))
    try:
        body = Api(app.test_client())("recording/recordings/get", **triple(SHIPPED[0]), wrap="json")
        assert code(body) == strict_code
        if strict_code == "400":
            assert key(body) == "wrap" and "added in 3.15" in body["responses"][0]["message"]
    finally:
        app.extensions["mock_enswitch"].close()


def test_recordings_and_call_numbers_survive_a_restart(tmp_path):
    path = tmp_path / "mock.db.json"
    app = create_app(Config(db_path=path))
    client = app.test_client()
    placed = client.post("/_mock/calls", json={"recordgroup": 1, "talktime": 5}).get_json()
    before = Api(client)("recording/recordings/get", **triple(placed["uniqueid"]))
    app.extensions["mock_enswitch"].close()
    again = create_app(Config(db_path=path))
    try:
        client = again.test_client()
        after = Api(client)("recording/recordings/get", **triple(placed["uniqueid"]))
        assert after == before
        second = client.post("/_mock/calls", json={"recordgroup": 1}).get_json()
        assert second["uniqueid"].endswith(".2")  # call numbers go on, never reused
    finally:
        again.extensions["mock_enswitch"].close()


def test_a_group_and_its_recordings_go_in_one_log_line(tmp_path):
    path = tmp_path / "mock.db.json"
    app = create_app(Config(db_path=path))
    try:
        log = path.with_name(path.name + ".log")
        lines = log.read_bytes().count(b'{"tables"')  # entries, not the log's epoch line
        assert code(Api(app.test_client())("recording/groups/delete", id=1)) == "204"
        assert log.read_bytes().count(b'{"tables"') == lines + 1
    finally:
        app.extensions["mock_enswitch"].close()


def test_delete_validation_only_deletes_nothing(api):
    address = triple(SHIPPED[0])
    assert code(api("recording/recordings/delete", **address, validation=1)) == "201"
    assert code(api("recording/recordings/get", **address)) == "200"


@pytest.mark.parametrize(
    ("function", "params", "words"),
    [
        ("recording/recordings/get", triple("nope"), "permission to view it."),
        ("recording/recordings/update", triple("nope"), "permission to update it."),
        ("recording/recordings/delete", triple("nope"), "permission to delete it."),
        (
            "recording/recordings/copy",
            {**triple("nope"), "destination": 1},
            "permission to copy it.",
        ),
        ("recording/groups/update", {"id": 99, "name": "x"}, "permission to update it."),
        ("recording/groups/get", {"id": 99}, "permission to view it."),
        ("recording/recordings/start", {"uniqueid": "nope"}, "permission to view it."),
    ],
)
def test_each_404_says_what_could_not_be_done_as_the_guides_word_it(api, function, params, words):
    body = api(function, **params)
    assert code(body) == "404" and body["responses"][0]["message"].endswith(words)


def test_an_injected_404_has_the_functions_own_message(app):
    client = app.test_client()
    query = (
        "auth_username=acme-admin;auth_password=acme-admin-pass;recordgroup=1;uniqueid=x;recordid=1"
    )
    response = client.get(
        f"/api/json/recording/recordings/copy/?{query};destination=1",
        headers={"X-Mock-Enswitch-Fault": "404"},
    )
    message = response.get_json()["responses"][0]["message"]
    assert message == "The call recording does not exist, or you do not have permission to copy it."


def test_start_on_a_live_call_whose_group_was_deleted_is_a_400(api, control):
    created = api("recording/groups/create", name="Short-lived")["data"]["id"]
    live = place(control, recordgroup=created, active=True)
    assert code(api("recording/groups/delete", id=created)) == "204"
    body = api("recording/recordings/start", uniqueid=live["uniqueid"])
    assert (code(body), key(body)) == ("400", "uniqueid")
