"""Hypothesis over every function's parameters (from the function table): whatever arrives, the
reply is the envelope with a documented code, never a 5xx, and a rejected call changes nothing."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_enswitch import Config, create_app
from mock_enswitch.api.envelope import encode_json
from mock_enswitch.api.functions import FUNCTIONS
from mock_enswitch.api.params import _decoded_pairs, _plain
from mock_enswitch.domain.errors import BadRequest

CREDENTIALS = [
    {"auth_username": "owner", "auth_password": "owner-pass"},
    {"auth_username": "acme-admin", "auth_password": "acme-admin-pass"},
    {"auth_username": "acme-recorder", "auth_password": "acme-recorder-pass"},
    {"auth_username": "acme-admin", "auth_password": "wrong"},
    {},
]

values = st.one_of(
    st.text(max_size=300),
    st.integers().map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "-1",
            "100",
            "101",
            "2147483648",
            " 5 ",
            "+3",
            "1e3",
            "0x10",
            "null",
            "true",
            "3;4",
            "a&b=c",
            "%",
            "%ff",
            "\x00",
            "é",
            "💥",
            "\ud800x",
        ]
    ),
)


def params_for(function):
    names = [param.name for param in function.params if not param.auth]
    return st.dictionaries(
        st.one_of(st.sampled_from(names), st.text(min_size=1, max_size=12)), values, max_size=8
    )


@pytest.fixture(scope="module")
def client():
    app = create_app(Config())
    yield app.test_client()
    app.extensions["mock_enswitch"].close()


def stored(client) -> list:
    """Every stored group and recording, whoever owns them."""
    groups = client.get("/_mock/groups").get_json()["groups"]
    return groups + client.get("/_mock/recordings").get_json()["recordings"]


def query(pairs: list[tuple[str, str]], separators: list[str]) -> str:
    parts = [
        f"{quote(name, safe='')}={quote(value, safe='', errors='surrogatepass')}"
        for name, value in pairs
    ]
    out = ""
    for index, part in enumerate(parts):
        out += (separators[index % len(separators)] if index else "") + part
    return out


def check_reply(response, function, before, client) -> None:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert isinstance(body, dict) and set(body) <= {"responses", "data"}
    first = body["responses"][0]
    assert set(first) == {"code", "key", "message"}
    assert all(isinstance(first[k], str) for k in first)
    assert first["code"] in function.codes, body
    if first["code"] not in ("200", "204"):
        assert "data" not in body
        assert stored(client) == before, f"a rejected call ({first}) changed stored data"


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.path)
@settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_parameters_get_an_envelope_and_rejections_change_nothing(client, function, data):
    params = data.draw(params_for(function))
    auth = data.draw(st.sampled_from(CREDENTIALS))
    pairs = list({**auth, **params}.items())
    repeated = data.draw(st.lists(st.sampled_from(pairs), max_size=2)) if pairs else []
    pairs += [(name, data.draw(values)) for name, _ in repeated]
    separators = data.draw(st.lists(st.sampled_from([";", "&"]), min_size=1, max_size=3))
    how = data.draw(st.sampled_from(["get", "form", "json"]))
    before = stored(client)
    url = f"/api/json/{function.path}/"
    if how == "get":
        response = client.get(f"{url}?{query(pairs, separators)}")
    elif how == "form":
        response = client.post(
            url, data=query(pairs, separators), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = client.post(url, json=dict(pairs))
    check_reply(response, function, before, client)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    body=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)),
    content_type=st.sampled_from(
        [
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "text/plain",
            "",
        ]
    ),
)
def test_any_body_gets_an_envelope(client, body, content_type):
    function = FUNCTIONS[0]
    before = stored(client)
    response = client.post(f"/api/json/{function.path}/", data=body, content_type=content_type)
    check_reply(response, function, before, client)


pieces = st.lists(
    st.one_of(
        st.sampled_from([b"&", b";", b"=", b"a", b"name", b"\xc3\xa9", b"\xe2\x82\xac", b" "]),
        st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80"]),  # not UTF-8
        st.binary(max_size=4),
    ),
    max_size=30,
).map(b"".join)


@settings(max_examples=500, deadline=None, database=None, derandomize=True)
@given(pieces.filter(lambda data: not any(mark in data for mark in (b"%", b"+", b"\x00"))))
def test_a_plain_body_is_read_as_pair_by_pair(data):
    """The fast way (a body with no escape, `+` or NUL decoded whole) gives what the pair-by-pair
    way gives, and gives way to it (None) where that one names a parameter that is not UTF-8."""
    fast = _plain(data)
    try:
        slow = _decoded_pairs(data)
    except BadRequest:
        assert fast is None
    else:
        assert fast == slow


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(st.text() | st.integers(), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None, database=None, derandomize=True)
@given(json_values)
def test_the_reply_encoder_made_once_writes_what_json_writes(body):
    """envelope.encode_json (the C encoder made once) writes the bytes json.dumps writes with
    the same settings, whatever the body: text past ASCII, NaN, tuples, integer keys, nesting."""
    assert encode_json(body) == json.dumps(body, ensure_ascii=False)
