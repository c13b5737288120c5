"""Shared helpers for the tests: a fresh in-memory mock per test, and a caller of its functions."""

from __future__ import annotations

import contextlib
import fcntl
import json
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from live import LiveServer

from mock_enswitch import Config, create_app
from mock_enswitch.composition import compose
from mock_enswitch.fixtures import DEFAULT_DIR
from mock_enswitch.server import make_server

PASSWORDS = {
    person["username"]: person["password"]
    for person in json.loads((DEFAULT_DIR / "users.json").read_text())
}


def credentials(user: str | None) -> dict[str, str]:
    """The default user's auth parameters (none for `user=None`)."""
    if user is None:
        return {}
    return {"auth_username": user, "auth_password": PASSWORDS.get(user, "wrong")}


class Api:
    """Calls Enswitch functions on a Flask test client and returns the parsed envelope."""

    def __init__(self, client) -> None:
        self.client = client

    def __call__(
        self,
        function: str,
        user: str | None = "acme-admin",
        how: str = "get",
        sep: str = ";",
        **params,
    ) -> dict:
        params = {**credentials(user), **{k: str(v) for k, v in params.items()}}
        url = f"/api/json/{function}/"
        if how == "get":
            query = urlencode(params).replace("&", sep)
            response = self.client.get(f"{url}?{query}")
        elif how == "form":
            response = self.client.post(url, data=params)
        elif how == "json":
            response = self.client.post(url, json=params)
        else:
            raise ValueError(how)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "application/json"
        return response.get_json()


def code(body: dict) -> str:
    return body["responses"][0]["code"]


def key(body: dict) -> str:
    return body["responses"][0]["key"]


@pytest.fixture
def app():
    app = create_app(Config())
    yield app
    app.extensions["mock_enswitch"].close()


@pytest.fixture
def api(app) -> Api:
    return Api(app.test_client())


HOST_NETWORK = Path(tempfile.gettempdir()) / "mock-enswitch-tests-host-network.lock"


@contextlib.contextmanager
def host_network_alone():
    """Held by the dashboard's browser and the container engine's test, so that they never run
    at once (a lock file: pytest-xdist's workers are processes). The engine's new interfaces make
    Chromium drop what it has in flight (net::ERR_NETWORK_CHANGED), and a view is not drawn.
    xdist's `xdist_group` mark did this until pytest 9.2: xdist 3.8 names a test's group in
    `item._nodeid`, which pytest 9.2 no longer reads, so the marked tests ran side by side."""
    with HOST_NETWORK.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def not_found(environ: dict, start_response) -> list[bytes]:
    """The WSGI app behind `served`: the paths that are not the API's."""
    start_response("404 Not Found", [("Content-Length", "0")])
    return [b""]


@pytest.fixture(scope="module")
def server():
    """A `mock-enswitch serve --memory` process shared by a module's tests (a module that needs
    other options defines its own `server`)."""
    with LiveServer("--memory") as live:
        yield live


@pytest.fixture
def served():
    """The server in this process (server.Server on a thread, the mock attached, no control
    API), for what a child process cannot show: its objects, and its parts patched."""
    config = Config(port=0, host="127.0.0.1")
    mock = compose(config)
    server = make_server(not_found, config)
    server.attach(mock, None)
    server.mock = mock
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.uvicorn.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield server
    server.stop_soon()
    thread.join(10)
    server.close()
    mock.service.close()


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    """A writable copy of the default fixtures, to break or extend in a test."""
    target = tmp_path / "fixtures"
    target.mkdir()
    for source in DEFAULT_DIR.glob("*.json"):
        (target / source.name).write_text(source.read_text())
    return target


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Each phase's report on the test item (`rep_call`...), for fixtures that keep evidence of
    a failure (the dashboard tests' screenshots)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
