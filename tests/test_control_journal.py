"""The journal through the control API: `since` and `limit`, for a page that polls for news."""

from __future__ import annotations

import pytest

from mock_enswitch import Config, create_app

AUTH = "auth_username=acme-admin;auth_password=acme-admin-pass"


@pytest.fixture
def client():
    app = create_app(Config())
    yield app.test_client()
    app.extensions["mock_enswitch"].close()


def api(client, root: str, function: str) -> dict:
    return client.get(f"{root}/api/json/{function}/?{AUTH}").get_json()


def test_the_journal_answers_only_what_is_newer(client):
    for _ in range(5):
        api(client, "", "user/login")
    newer = client.get("/_mock/requests?since=2&limit=2").get_json()["requests"]
    assert [entry["seq"] for entry in newer] == [3, 4]
    assert client.get("/_mock/requests?since=5").get_json()["requests"] == []
    assert client.get("/_mock/requests?since=x").status_code == 400
