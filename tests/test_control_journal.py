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


def test_an_entry_keeps_the_reply_with_its_secrets_masked(client):
    client.get(f"/api/json/user/login/?{AUTH};token=1")
    client.get(f"/api/json/phones/get/?{AUTH};name=1001;password=1")
    login, line = client.get("/_mock/requests").get_json()["requests"]
    assert login["reply"]["status"] == 200 and login["reply"]["ms"] >= 0
    assert '"auth_token": "***"' in login["reply"]["body"]
    assert login["reply"]["headers"]["Content-Type"] == "application/json"
    assert '"password": "***"' in line["reply"]["body"] and "acme" not in line["reply"]["body"]


def test_a_long_reply_is_cut_and_a_file_is_not_kept(client):
    for n in range(40):
        client.get(f"/api/json/recording/groups/create/?{AUTH};name=Group+number+{n}")
    client.get(f"/api/json/recording/groups/list/?{AUTH}")
    listed = client.get("/_mock/requests?since=40").get_json()["requests"][0]
    assert "[cut:" in listed["reply"]["body"]
    shipped = "1770217174.110066"
    client.get(f"/api/json/recording/recordings/get/?{AUTH};recordgroup=1;uniqueid={shipped};"
               "recordid=1;wrap=none")  # fmt: skip
    got = client.get("/_mock/requests").get_json()["requests"][-1]
    assert got["reply"]["body"] == "(a file, not kept)" and got["reply"]["status"] == 200


def test_an_unread_journal_keeps_no_more_of_each_reply_than_it_shows():
    """Until it is read, the journal keeps a small reply as it came; a long one is cut at once:
    1,000 replies of 60 kB held ~59 MB when each was kept whole until read."""
    import tracemalloc

    from mock_enswitch.journal import Journal

    journal = Journal(1000, secrets=("auth_password",))
    filler = b"x" * 60_000
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for number in range(1000):
        entry = {"time": 0.0, "function": "f", "method": "GET", "params": None, "user": "u"}
        body = b'{"responses": [{"code": "200"}], "data": "%d%s"}\n' % (number, filler)
        journal.record_call(entry, {"auth_password": "p", "n": str(number)}, (200, [], body, 1.0))
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert held < 8_000_000, held
    [last] = journal.entries()[-1:]
    assert last["params"] == {"auth_password": "***", "n": "999"}
    assert last["reply"]["body"].endswith("characters]")
