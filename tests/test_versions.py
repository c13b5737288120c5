"""Version emulation: what each Enswitch version accepts, ignores, or (with --strict) rejects.

The expectations below are written from the reference's change history by hand, not read from the
function table, so a wrong `added`/`Earlier` in the table fails here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from live import LiveServer

from mock_enswitch import Config, create_app
from mock_enswitch.api.table import INTEGER, Earlier, Function, Param, Record
from mock_enswitch.cli import main
from mock_enswitch.fixtures import DEFAULT_DIR, FixtureError
from mock_enswitch.versions import KNOWN_VERSIONS, format_version, parse_version

VERSIONS = ["3.13", "3.15", "4.2", "4.4"]
ALL_VERSIONS = [format_version(v) for v in KNOWN_VERSIONS]

ADDED = {"beep": "3.15", "message": "4.0", "transcribe": "4.2"}
"""Record-group parameters added after 3.13 (section 2.1, and "Our decisions" for message)."""
VALUES = {"beep": ("5", 5), "message": ("all", "all"), "transcribe": ("1", 1)}
"""What the tests send for each, and the value then stored."""
FRACTION_ZERO_FROM = "3.14"
TOKENS_FROM = "4.1"

PASSWORDS = {
    p["username"]: p["password"] for p in json.loads((DEFAULT_DIR / "users.json").read_text())
}


def v(text: str) -> tuple[int, int]:
    return parse_version(text)


def knows(version: str, name: str) -> bool:
    return v(version) >= v(ADDED[name])


class Mock:
    """A fresh in-memory app at one version, called through the Flask test client."""

    def __init__(self, version: str | None, strict: bool = False, **config) -> None:
        self.app = create_app(Config(enswitch_version=version, strict=strict, **config))
        self.client = self.app.test_client()
        self.service = self.app.extensions["mock_enswitch"]

    def __call__(self, function: str, user: str | None = "acme-admin", how="get", **params):
        if user is not None:
            params = {"auth_username": user, "auth_password": PASSWORDS[user], **params}
        params = {k: str(value) for k, value in params.items()}
        url = f"/api/json/{function}/"
        if how == "get":
            response = self.client.get(url + "?" + urlencode(params).replace("&", ";"))
        elif how == "form":
            response = self.client.post(url, data=params)
        else:
            response = self.client.post(url, json=params)
        assert response.status_code == 200
        return response.get_json()

    def stored(self, group_id: int) -> dict:
        return self.service.on_switch(
            lambda switch: switch.db.collection("record_groups").get(group_id)
        )

    def close(self) -> None:
        self.service.close()


@pytest.fixture
def mock():
    made: list[Mock] = []

    def make(version: str | None, strict: bool = False, **config) -> Mock:
        made.append(Mock(version, strict, **config))
        return made[-1]

    yield make
    for each in made:
        each.close()


def code(body: dict) -> str:
    return body["responses"][0]["code"]


def key(body: dict) -> str:
    return body["responses"][0]["key"]


# --- parameters added later: accepted, ignored, or rejected under --strict -------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", sorted(ADDED))
@pytest.mark.parametrize("how", ["get", "form", "json"])
def test_create_with_a_later_parameter_stores_it_only_once_the_version_has_it(
    mock, version, name, how
):
    api = mock(version)
    sent, stored = VALUES[name]
    body = api("recording/groups/create", how=how, name="New", **{name: sent})
    assert code(body) == "200"
    group = api.stored(body["data"]["id"])
    default = {"beep": 0, "message": "", "transcribe": 0}[name]
    assert group[name] == (stored if knows(version, name) else default)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", sorted(ADDED))
def test_update_ignores_a_parameter_the_version_does_not_have(mock, version, name):
    api = mock(version)
    before = api.stored(1)[name]
    body = api("recording/groups/update", id=1, **{name: VALUES[name][0]})
    assert code(body) == "204"
    expected = VALUES[name][1] if knows(version, name) else before
    assert api.stored(1)[name] == expected


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", sorted(ADDED))
@pytest.mark.parametrize("function", ["recording/groups/create", "recording/groups/update"])
def test_strict_rejects_a_parameter_the_version_does_not_have(mock, version, name, function):
    api = mock(version, strict=True)
    before = api.stored(1)
    params = {"name": "Strict"} if function.endswith("create") else {"id": 1}
    body = api(function, **params, **{name: VALUES[name][0]})
    if knows(version, name):
        assert code(body) in ("200", "204")
    else:
        assert code(body) == "400"
        assert key(body) == name
        message = body["responses"][0]["message"]
        assert f"Enswitch {version}" in message and f"added in {ADDED[name]}" in message
        assert api.stored(1) == before
        groups = api.service.on_switch(lambda switch: switch.db.collection("record_groups").all())
        assert len(groups) == 2


@pytest.mark.parametrize("version", VERSIONS)
def test_strict_rejects_a_parameter_no_version_has(mock, version):
    api = mock(version, strict=True)
    body = api("recording/groups/get", id=1, colour="blue")
    assert (code(body), key(body)) == ("400", "colour")


@pytest.mark.parametrize("version", VERSIONS)
def test_without_strict_a_parameter_no_version_has_is_ignored(mock, version):
    api = mock(version)
    body = api("recording/groups/update", id=1, colour="blue", name="Renamed")
    assert code(body) == "204"
    assert "colour" not in api.stored(1) and api.stored(1)["name"] == "Renamed"


@pytest.mark.parametrize("version", VERSIONS)
def test_message_value_rules_apply_only_where_message_exists(mock, version):
    """Before 4.0 even a value 4.0 would refuse is ignored: the parameter does not exist."""
    api = mock(version)
    body = api("recording/groups/update", id=1, message="sometimes")
    if knows(version, "message"):
        assert (code(body), key(body)) == ("400", "message")
    else:
        assert code(body) == "204"
        assert api.stored(1)["message"] == ""


# --- fraction=0: refused before 3.14 ---------------------------------------------------------


@pytest.mark.parametrize("version", ALL_VERSIONS)
@pytest.mark.parametrize("function", ["recording/groups/create", "recording/groups/update"])
def test_fraction_zero_is_refused_before_3_14_and_accepted_from_it(mock, version, function):
    api = mock(version)
    params = {"name": "Zero"} if function.endswith("create") else {"id": 1}
    body = api(function, fraction=0, **params)
    if v(version) < v(FRACTION_ZERO_FROM):
        assert (code(body), key(body)) == ("400", "fraction")
        assert "at least 1" in body["responses"][0]["message"]
        assert api.stored(1)["fraction"] == 100
    else:
        assert code(body) in ("200", "204")
        group_id = body["data"]["id"] if "data" in body else 1
        assert api.stored(group_id)["fraction"] == 0


@pytest.mark.parametrize("version", VERSIONS)
def test_fraction_one_and_hundred_are_valid_in_every_version(mock, version):
    api = mock(version)
    for value in (1, 100):
        assert code(api("recording/groups/update", id=1, fraction=value)) == "204"
    too_many = api("recording/groups/update", id=1, fraction=101)
    assert (code(too_many), key(too_many)) == ("400", "fraction")


# --- update's "default 0" parameters reset only where they exist ----------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_update_without_beep_resets_it_only_from_3_15(mock, version):
    api = mock(version)
    assert api.stored(2)["beep"] == 15  # seeded for Beta support
    assert code(api("recording/groups/update", user="beta-admin", id=2, name="Beta")) == "204"
    assert api.stored(2)["beep"] == (0 if knows(version, "beep") else 15)


@pytest.mark.parametrize("version", VERSIONS)
def test_update_without_transcribe_resets_it_only_from_4_2(mock, version):
    api = mock(version)
    api.service.on_switch(  # as a 4.2 switch upgraded from may have it
        lambda switch: switch.db.collection("record_groups").update(1, {"transcribe": 1})
    )
    assert code(api("recording/groups/update", id=1, name="Kept")) == "204"
    assert api.stored(1)["transcribe"] == (0 if knows(version, "transcribe") else 1)


# --- what get and list return ----------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_get_and_list_show_the_columns_the_version_has(mock, version):
    api = mock(version)
    group = api("recording/groups/get", id=2, user="beta-admin")["data"]
    rows = api("recording/groups/list", user="beta-admin")["data"]
    assert rows == [group]
    for name in ADDED:
        assert (name in group) == knows(version, name)
    assert {"id", "customer", "name", "fraction", "expires", "owner"} <= set(group)


# --- auth_token and token: from 4.1 ----------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_login_token_and_auth_token_exist_from_4_1(mock, version):
    api = mock(version)
    person = api("user/login", token=1)["data"]
    if v(version) < v(TOKENS_FROM):
        assert "auth_token" not in person
        assert code(api("recording/groups/get", user=None, id=1, auth_token="anything")) == "401"
    else:
        token = person["auth_token"]
        body = api("recording/groups/get", user=None, id=1, auth_token=token)
        assert code(body) == "200" and body["data"]["id"] == 1
    assert "password" not in person


@pytest.mark.parametrize("version", VERSIONS)
def test_auth_token_beside_a_password_is_ignored_before_4_1_and_used_from_it(mock, version):
    body = mock(version)("recording/groups/get", id=1, auth_token="not-a-token")
    assert code(body) == ("200" if v(version) < v(TOKENS_FROM) else "401")


@pytest.mark.parametrize("version", VERSIONS)
def test_strict_names_auth_token_and_token_before_4_1(mock, version):
    api = mock(version, strict=True)
    with_token = api("recording/groups/get", id=1, auth_token="x")
    login = api("user/login", token=1)
    if v(version) < v(TOKENS_FROM):
        assert (code(with_token), key(with_token)) == ("400", "auth_token")
        assert (code(login), key(login)) == ("400", "token")
    else:
        assert code(with_token) == "401"
        assert code(login) == "200"


# --- the version itself: resolution and reporting ---------------------------------------------


def fixtures_with(tmp_path: Path, settings) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_DIR, target)
    (target / "settings.json").write_text(
        settings if isinstance(settings, str) else json.dumps(settings)
    )
    return target


def test_newest_version_when_none_is_given(mock):
    api = mock(None)
    assert api.client.get("/_mock/health").get_json()["enswitch_version"] == "4.4"


def test_fixture_directory_settings_choose_the_version(mock, tmp_path):
    api = mock(None, fixtures_dir=fixtures_with(tmp_path, {"enswitch_version": "3.15"}))
    assert api.client.get("/_mock/health").get_json()["enswitch_version"] == "3.15"
    body = api("recording/groups/create", name="S", beep=3, transcribe=1)
    group = api.stored(body["data"]["id"])
    assert (group["beep"], group["transcribe"]) == (3, 0)


def test_an_explicit_version_wins_over_the_fixture_directory(mock, tmp_path):
    api = mock("4.2", fixtures_dir=fixtures_with(tmp_path, {"enswitch_version": "3.13"}))
    assert api.client.get("/_mock/health").get_json()["enswitch_version"] == "4.2"


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"enswitch_version": "5.0"}, ["enswitch_version", "unknown Enswitch version"]),
        ({"enswitch_version": "four"}, ["enswitch_version", "not an Enswitch version"]),
        ({"version": "4.2"}, ["unknown setting 'version'"]),
        ("[1]", ["expected a JSON object"]),
        ("{", ["not valid JSON"]),
    ],
)
def test_bad_fixture_settings_stop_start_naming_file_and_field(tmp_path, settings, words):
    directory = fixtures_with(tmp_path, settings)
    with pytest.raises(FixtureError) as caught:
        create_app(Config(fixtures_dir=directory))
    assert "settings.json" in str(caught.value)
    for word in words:
        assert word in str(caught.value)


def test_an_unknown_version_in_config_is_refused():
    with pytest.raises(ValueError, match="known: 3.13"):
        create_app(Config(enswitch_version="4.3"))


def test_serve_refuses_an_unknown_version():
    result = CliRunner().invoke(main, ["serve", "--memory", "--enswitch-version", "4.3"])
    assert result.exit_code == 2
    assert "4.3" in result.output


# --- the table's version machinery, unit by unit ----------------------------------------------


def test_param_at_applies_every_earlier_rule_still_in_force():
    param = Param(
        "level",
        INTEGER,
        "A level.",
        minimum=0,
        maximum=10,
        added=(3, 14),
        earlier=(
            Earlier((4, 0), {"maximum": 5}, "level may go up to 10."),
            Earlier((3, 15), {"minimum": 1}, "level may be 0."),
        ),
    )
    assert param.at((3, 13)) is None
    assert (param.at((3, 14)).minimum, param.at((3, 14)).maximum) == (1, 5)
    assert (param.at((3, 15)).minimum, param.at((3, 15)).maximum) == (0, 5)
    assert (param.at((4, 4)).minimum, param.at((4, 4)).maximum) == (0, 10)
    assert param.at((4, 4)).earlier == ()


def test_function_at_hides_later_functions_params_and_returned_fields():
    function = Function(
        path="things/get",
        summary="A thing.",
        operation=lambda call, values: [{"id": 1, "shiny": 1, "extra": 2}],
        success="200",
        codes={"200": "Success."},
        params=(Param("shiny", INTEGER, "Shiny.", added=(4, 0)),),
        added=(3, 14),
        data=Record(
            fields=(Param("id", INTEGER, "ID."), Param("shiny", INTEGER, "Shiny.", added=(4, 0))),
            many=True,
        ),
    )
    assert function.at((3, 13)) is None
    old = function.at((3, 15))
    assert old.params == () and old.later == {"shiny": (4, 0)} and old.version == (3, 15)
    assert old.operation(None, {}) == [{"id": 1, "extra": 2}]
    assert function.at((4, 0)).operation(None, {}) == [{"id": 1, "shiny": 1, "extra": 2}]
    assert function.history() == [
        ((3, 14), "Function added."),
        ((4, 0), "shiny input parameter added."),
    ]


def test_group_functions_history_matches_the_guides():
    from mock_enswitch.api.functions import BY_PATH

    history = dict(BY_PATH["recording/groups/create"].history())
    assert history[(3, 13)] == "Function added."
    assert "fraction" in history[(3, 14)] and "0" in history[(3, 14)]
    assert history[(3, 15)].startswith("beep")
    assert history[(4, 0)].startswith("message") and "our decision" in history[(4, 0)]
    assert history[(4, 2)].startswith("transcribe")


# --- a real server --------------------------------------------------------------------------

ADMIN = {"auth_username": "acme-admin", "auth_password": "acme-admin-pass"}


@pytest.fixture
def live():
    servers: list[LiveServer] = []

    def start(*args: str, env: dict[str, str] | None = None) -> LiveServer:
        servers.append(LiveServer("--memory", *args, env=env))
        return servers[-1]

    yield start
    for server in servers:
        server.__exit__()


def test_serve_at_3_15_strict_over_http(live):
    server = live("--enswitch-version", "3.15", "--strict")
    assert server.get("/_mock/health")["enswitch_version"] == "3.15"
    created = server.call("recording/groups/create", **ADMIN, name="Live", beep=4)
    assert code(created) == "200"
    group = server.call("recording/groups/get", **ADMIN, id=created["data"]["id"])["data"]
    assert group["beep"] == 4 and "transcribe" not in group and "message" not in group
    refused = server.call("recording/groups/update", **ADMIN, id=1, transcribe=1)
    assert (code(refused), key(refused)) == ("400", "transcribe")
    zero = server.call("recording/groups/update", **ADMIN, id=1, fraction=0)
    assert code(zero) == "204"
    document = server.get("/_mock/openapi.json")
    assert document["info"]["version"] == "3.15"
    assert "mock-enswitch 3.15 serving" in server.stop()


def test_serve_takes_the_version_from_env_over_the_fixture_directory(live, tmp_path):
    directory = fixtures_with(tmp_path, {"enswitch_version": "4.2"})
    from_dir = live("--fixtures", str(directory))
    assert from_dir.get("/_mock/health")["enswitch_version"] == "4.2"
    from_env = live("--fixtures", str(directory), env={"MOCK_ENSWITCH_ENSWITCH_VERSION": "3.13"})
    assert from_env.get("/_mock/health")["enswitch_version"] == "3.13"
    refused = from_env.call("recording/groups/update", **ADMIN, id=1, fraction=0)
    assert (code(refused), key(refused)) == ("400", "fraction")
