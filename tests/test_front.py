"""The front doors: `/` and `/_mock` say what the mock is and where its ways in are."""

from __future__ import annotations

import urllib.request

import pytest
from live import LiveServer

from mock_enswitch import Config, create_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("path", ["/", "/_mock", "/_mock/"])
def test_a_client_gets_json_with_the_version_and_the_links(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 200 and response.mimetype == "application/json"
    about = response.get_json()
    assert about["name"] == "mock-enswitch" and about["enswitch_version"] == "4.4"
    assert about["links"] == {
        "api": "/api/json/",
        "dashboard": "/_mock/ui",
        "functions": "/_mock/functions",
        "openapi": "/_mock/openapi.json",
        "health": "/_mock/health",
    }
    for link in about["links"].values():  # each leads somewhere real
        with app.test_client().get(link) as linked:
            assert linked.status_code == 200, link


def test_a_browser_gets_a_page_and_the_prefix_is_in_the_api_link():
    app = create_app(Config(path_prefix="/local"))
    response = app.test_client().get("/", headers={"Accept": BROWSER})
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for href in ("/local/api/json/", "/_mock/ui", "/_mock/openapi.json", "/_mock/health"):
        assert f'href="{href}"' in page


def test_through_serve_the_root_is_the_front_door_not_a_404():
    with LiveServer("--memory") as server:
        assert server.get("/")["links"]["dashboard"] == "/_mock/ui"
        request = urllib.request.Request(f"{server.url}/_mock", headers={"Accept": BROWSER})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert b"<h1>mock-enswitch" in response.read()


@pytest.mark.parametrize("path", ["/api/json//recording//groups/list//", "/api//json/phones/list"])
def test_repeated_slashes_in_the_path_are_taken_as_one(app, path):
    """(A leading `//` is tested through serve: Werkzeug's test client reads it as a host.)"""
    query = "?auth_username=acme-admin;auth_password=acme-admin-pass"
    body = app.test_client().get(path + query).get_json()
    assert body["responses"][0]["code"] == "200" and body["data"]


def test_through_serve_a_double_slash_reaches_the_api():
    with LiveServer("--memory") as server:
        query = "?auth_username=acme-admin;auth_password=acme-admin-pass"
        url = f"{server.url}//api/json/recording/groups/list/{query}"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert b'"code": "200"' in response.read()
