"""The OpenAPI document: valid for every version, true to the version, and true to the replies.

The schema-driven run generates requests from the document itself (hypothesis over its parameter
schemas, valid values mixed with wild ones) and checks every reply against the documented reply
schema: an envelope whose code is one the function lists, and never an HTTP 5xx.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from mock_enswitch import Config, create_app
from mock_enswitch.api.functions import FUNCTIONS as TABLE
from mock_enswitch.cli import main
from mock_enswitch.fixtures import DEFAULT_DIR
from mock_enswitch.openapi import document
from mock_enswitch.versions import KNOWN_VERSIONS, format_version, parse_version

ALL_VERSIONS = [format_version(v) for v in KNOWN_VERSIONS]
FUNCTIONS = [function.path for function in TABLE]
"""Every function of every family (a new family's are tested here with no edit)."""
SINCE = {function.path: function.added for function in TABLE}
"""The version each function arrived in."""
NEEDS_A_LIVE_CALL = {"recording/recordings/start", "calls/hangup"}
"""No fixture has a call in progress, so generated requests never reach its success."""


def functions_at(version: str) -> list[str]:
    return [f for f in FUNCTIONS if parse_version(version) >= SINCE.get(f, (3, 13))]


USERS = {p["username"]: p["password"] for p in json.loads((DEFAULT_DIR / "users.json").read_text())}


@pytest.fixture
def app_at():
    made = []

    def make(version: str, **config):
        made.append(create_app(Config(enswitch_version=version, **config)))
        return made[-1]

    yield make
    for app in made:
        app.extensions["mock_enswitch"].close()


def create_params(doc: dict, method: str = "get") -> dict[str, dict]:
    operation = doc["paths"]["/recording/groups/create/"][method]
    if method == "get":
        return {p["name"]: p for p in operation["parameters"]}
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return doc["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_document_validates_for_every_version(version):
    validate(document(parse_version(version)))
    validate(document(parse_version(version), "/local"))


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_every_function_is_a_get_and_a_post_with_form_and_json_bodies(version):
    doc = document(parse_version(version))
    assert sorted(path.strip("/") for path in doc["paths"]) == sorted(functions_at(version))
    for item in doc["paths"].values():
        assert set(item) == {"get", "post"}
        names = [p["name"] for p in item["get"]["parameters"]]
        assert {"auth_username", "auth_password"} <= set(names)
        assert all(p["in"] == "query" for p in item["get"]["parameters"])
        content = item["post"]["requestBody"]["content"]
        assert set(content) == {"application/x-www-form-urlencoded", "application/json"}


@pytest.mark.parametrize(
    ("version", "present", "absent"),
    [
        ("3.13", set(), {"beep", "message", "transcribe", "auth_token"}),
        ("3.15", {"beep"}, {"message", "transcribe", "auth_token"}),
        ("4.0", {"beep", "message"}, {"transcribe", "auth_token"}),
        ("4.2", {"beep", "message", "transcribe", "auth_token"}, set()),
        ("4.4", {"beep", "message", "transcribe", "auth_token"}, set()),
    ],
)
def test_parameters_are_those_of_the_version(version, present, absent):
    doc = document(parse_version(version))
    for method in ("get", "post"):
        names = set(create_params(doc, method))
        assert present <= names and not (absent & names)
    login = {p["name"] for p in doc["paths"]["/user/login/"]["get"]["parameters"]}
    assert ("token" in login) == (parse_version(version) >= (4, 1))
    assert ("auth_token" in doc["components"]["securitySchemes"]) == ("auth_token" in present)


@pytest.mark.parametrize(("version", "minimum"), [("3.13", 1), ("3.14", 0), ("4.4", 0)])
def test_fraction_bounds_follow_the_version(version, minimum):
    fraction = create_params(document(parse_version(version)))["fraction"]["schema"]
    assert fraction == {"type": "integer", "minimum": minimum, "maximum": 100, "default": 100}


def test_types_defaults_enums_and_lengths_come_from_the_table():
    doc = document((4, 4))
    params = create_params(doc)
    assert params["name"]["required"] is True
    assert params["name"]["schema"] == {"type": "string", "minLength": 1, "maxLength": 255}
    assert params["message"]["schema"]["enum"] == [
        "",
        "all",
        "inbound",
        "inbound_outbound",
        "internal",
        "outbound",
    ]
    assert params["record_in"]["schema"] == {"type": "integer", "enum": [0, 1], "default": 1}
    assert params["expires"]["schema"]["default"] == 365
    assert "Customer of authentication user." in params["customer"]["description"]
    update = {p["name"]: p for p in doc["paths"]["/recording/groups/update/"]["get"]["parameters"]}
    assert "default" not in update["name"]["schema"]
    assert "Current value." in update["name"]["description"]
    assert update["beep"]["schema"]["default"] == 0


@pytest.mark.parametrize(
    ("function", "codes"),
    [
        ("recording/groups/create", ["200", "201", "400", "401", "402", "403"]),
        ("recording/groups/update", ["201", "204", "400", "401", "402", "403", "404"]),
        ("user/login", ["200", "400", "401", "402"]),
    ],
)
def test_reply_schema_lists_the_function_codes(function, codes):
    doc = document((4, 4))
    name = "".join(part.capitalize() for part in function.replace("_", "/").split("/"))
    branches = doc["components"]["schemas"][name + "Reply"]["oneOf"]
    listed = []
    for branch in branches:
        first = branch["properties"]["responses"]["prefixItems"][0]["allOf"][1]
        listed += first["properties"]["code"]["enum"]
    assert sorted(listed) == codes
    description = doc["paths"][f"/{function}/"]["get"]["responses"]["200"]["description"]
    assert all(code in description for code in codes)


@pytest.mark.parametrize("version", ["3.13", "4.4"])
def test_data_schema_of_get_has_the_version_columns(version):
    doc = document(parse_version(version))
    success = doc["components"]["schemas"]["RecordingGroupsGetReply"]["oneOf"][0]
    fields = success["properties"]["data"]["properties"]
    assert ("transcribe" in fields) == (version == "4.4")
    assert success["properties"]["data"]["additionalProperties"] is False
    listing = doc["components"]["schemas"]["RecordingGroupsListReply"]["oneOf"][0]
    assert listing["properties"]["data"]["type"] == "array"


@pytest.mark.parametrize("version", ["3.15", "4.4"])
def test_control_api_serves_the_document_of_the_running_version(app_at, version):
    app = app_at(version, path_prefix="/local")
    response = app.test_client().get("/_mock/openapi.json")
    assert response.status_code == 200
    served = response.get_json()
    assert served == document(parse_version(version), "/local")
    assert served["servers"] == [{"url": "/local/api/json"}]


def test_openapi_command_prints_the_document():
    result = CliRunner().invoke(main, ["openapi", "--enswitch-version", "3.13"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed == document((3, 13))
    default = json.loads(CliRunner().invoke(main, ["openapi"]).output)
    assert default["info"]["version"] == "4.4"
    refused = CliRunner().invoke(main, ["openapi", "--enswitch-version", "9.9"])
    assert refused.exit_code == 2 and "9.9" in refused.output


# --- the schema-driven run ----------------------------------------------------------------------


def valid_value(schema: dict) -> st.SearchStrategy:
    """A value the schema allows, most often its default (so whole requests often succeed)."""
    if "enum" in schema:
        allowed = st.sampled_from(schema["enum"])
    elif schema["type"] == "integer":
        low, high = schema.get("minimum", -(2**31)), schema.get("maximum", 2**31 - 1)
        allowed = st.one_of(st.integers(low, min(high, low + 3)), st.integers(low, high))
    else:
        allowed = st.text(min_size=schema.get("minLength", 0), max_size=12)
    if "examples" in schema:
        allowed = st.one_of(st.sampled_from(schema["examples"]), allowed)
    if "default" in schema:
        return st.one_of(st.just(schema["default"]), allowed)
    return allowed


def wild_value(schema: dict) -> st.SearchStrategy:
    """Anything: often outside the schema."""
    return st.one_of(
        valid_value(schema),
        st.integers(-5, 10**20),
        st.text(max_size=20),
        st.just("x" * 256),
        st.just("a@b.example"),
    )


def request_strategy(doc: dict, function: str) -> st.SearchStrategy:
    """(how, parameters): either a well-formed call by the system owner, or anything at all."""
    operation = doc["paths"][f"/{function}/"]["get"]
    schemas = {p["name"]: p["schema"] for p in operation["parameters"]}
    schemas = {name: schema for name, schema in schemas.items() if not name.startswith("auth_")}
    required = {p["name"] for p in operation["parameters"] if p["required"]}
    owner = {"auth_username": "owner", "auth_password": USERS["owner"]}
    well_formed = st.fixed_dictionaries(
        {name: valid_value(schemas[name]) for name in required},
        optional={name: valid_value(schemas[name]) for name in schemas if name not in required},
    ).map(lambda params: {**owner, **params})
    credentials = st.one_of(
        st.sampled_from(sorted(USERS)).map(
            lambda user: {"auth_username": user, "auth_password": USERS[user]}
        ),
        st.just({"auth_username": "acme-admin", "auth_password": "wrong"}),
        st.just({}),
        st.text(max_size=10).map(lambda token: {"auth_token": token}),
    )
    extras = st.dictionaries(
        st.sampled_from(["beep", "message", "transcribe", "token", "colour"]),
        st.sampled_from(["0", "1", "all", ""]),
        max_size=2,
    )
    anything = st.tuples(
        credentials,
        st.fixed_dictionaries({}, optional={n: wild_value(s) for n, s in schemas.items()}),
        extras,
    ).map(lambda parts: {**parts[2], **parts[0], **parts[1]})
    return st.tuples(st.sampled_from(["get", "form", "json"]), st.one_of(well_formed, anything))


def send(client, function: str, how: str, params: dict):
    url = f"/api/json/{function}/"
    if how == "get":
        text = {k: str(v) for k, v in params.items()}
        return client.get(url + "?" + urlencode(text))
    if how == "form":
        return client.post(url, data={k: str(v) for k, v in params.items()})
    return client.post(url, json=params)


@pytest.mark.parametrize(
    ("version", "strict"), [("3.13", False), ("3.15", True), ("4.2", False), ("4.4", True)]
)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_generated_request_gets_a_documented_envelope(app_at, version, strict, function):
    if function not in functions_at(version):
        pytest.skip(f"{function} is not in {version}")
    app = app_at(version, strict=strict)
    client = app.test_client()
    doc = client.get("/_mock/openapi.json").get_json()
    name = "".join(part.capitalize() for part in function.replace("_", "/").split("/"))
    reply = jsonschema.Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}Reply", "components": doc["components"]}
    )
    seen: set[str] = set()

    @settings(
        max_examples=50,
        deadline=None,
        database=None,
        derandomize=True,  # the same examples each run: "reached success" cannot come and go
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(request_strategy(doc, function))
    def run(request):
        how, params = request
        response = send(client, function, how, params)
        assert response.status_code == 200, response.get_data(as_text=True)
        documented = doc["paths"][f"/{function}/"]["get"]["responses"]["200"]["content"]
        assert response.mimetype in documented
        if response.mimetype != "application/json":  # wrap=none: the file itself
            assert len(response.get_data()) == int(response.headers["Content-Length"])
            seen.add("200")
            return
        body = response.get_json()
        errors = sorted(reply.iter_errors(body), key=str)
        assert not errors, f"{body} does not match the documented reply: {errors[0].message}"
        seen.add(body["responses"][0]["code"])

    run()
    if function not in NEEDS_A_LIVE_CALL:
        assert {"200", "204"} & seen, seen  # reached success
    assert seen - {"200", "204"}, seen  # and failure


def test_get_documents_the_audio_reply_of_wrap_none_from_3_15():
    def get_operation(version: str) -> dict:
        return document(parse_version(version))["paths"]["/recording/recordings/get/"]["get"]

    now = get_operation("3.15")
    content = now["responses"]["200"]["content"]
    assert content["audio/x-wav"]["schema"] == {"type": "string", "contentMediaType": "audio/x-wav"}
    assert "wrap=none" in now["responses"]["200"]["description"]
    wrap = next(p for p in now["parameters"] if p["name"] == "wrap")
    assert wrap["schema"]["enum"] == ["json", "none"]
    before = get_operation("3.14")
    assert "wrap" not in [p["name"] for p in before["parameters"]]
    assert list(before["responses"]["200"]["content"]) == ["application/json"]
