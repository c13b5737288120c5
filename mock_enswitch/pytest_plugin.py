"""The pytest plugin, found by pytest through the `pytest11` entry point: installing the package
is all the set-up.

    def test_create(enswitch):
        body = enswitch.call("recording/groups/create", name="Sales")
        assert body["responses"][0]["code"] == "200"

One live server per test session (per xdist worker: each worker is its own session, so ports and
state are never shared), started only when a test first asks for `enswitch`; before each test the
fixture resets data, rules and journal. `@pytest.mark.enswitch_fixtures("dir")` gives a module or
test a server seeded from another fixture directory (one server per directory per session).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import pytest

from .testing import Enswitch, EventReceiver, MockServer, fixture_passwords
from .testing.connections import KEPT

DEFAULT_USER = "acme-admin"
MARKER = "enswitch_fixtures"
STRICT = "enswitch_strict"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mock-enswitch")
    group.addoption(
        "--enswitch-fixtures",
        metavar="DIR",
        default=None,
        help="Fixture directory for the mock-enswitch test server.",
    )
    parser.addini(
        "enswitch_fixtures",
        "Fixture directory for the mock-enswitch test server (relative to the ini file).",
        default=None,
    )
    group.addoption(
        "--enswitch-url",
        metavar="URL",
        default=None,
        help="Use this running mock-enswitch server (e.g. a compose service) instead of starting "
        "one: each test gets a namespace of its own. Env: MOCK_ENSWITCH_URL.",
    )
    parser.addini("enswitch_url", "A running mock-enswitch server to use (see --enswitch-url).")
    group.addoption(
        "--enswitch-token",
        metavar="TOKEN",
        default=None,
        help="The control token of the running server (--control-token). "
        "Env: MOCK_ENSWITCH_CONTROL_TOKEN.",
    )
    group.addoption(
        "--enswitch-numeric-codes",
        action="store_true",
        default=None,
        help="The `enswitch` fixture asks for envelope codes as JSON numbers.",
    )
    parser.addini(
        "enswitch_strict",
        "Fail a test whose client called a function the mock does not serve or that does not "
        "exist (per test: @pytest.mark.enswitch_strict, or enswitch.strict()).",
        type="bool",
        default=False,
    )
    parser.addini(
        "enswitch_numeric_codes",
        "The `enswitch` fixture asks for envelope codes as JSON numbers.",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{STRICT}: fail the test if its client called a function the mock does not serve or "
        "that does not exist.",
    )
    config.addinivalue_line(
        "markers",
        f"{MARKER}(directory): seed the mock-enswitch server of these tests from another fixture "
        "directory (relative to the test file).",
    )


class Servers:
    """The session's servers, one per fixture directory, started on first use."""

    def __init__(self) -> None:
        self._servers: dict[Path, MockServer] = {}

    def get(self, fixtures_dir: Path | None) -> MockServer:
        key = fixtures_dir.resolve() if fixtures_dir else None
        if key not in self._servers:
            self._servers[key] = MockServer(key)
        return self._servers[key]

    def stop(self) -> None:
        """Stop the servers, and close the control calls' kept connections."""
        for server in self._servers.values():
            server.stop()
        self._servers.clear()
        KEPT.close()


def configured_dir(config: pytest.Config) -> Path | None:
    option = config.getoption("enswitch_fixtures")
    if option:
        return Path(option)
    ini = config.getini("enswitch_fixtures")
    if ini:
        base = config.inipath.parent if config.inipath else config.rootpath
        return base / ini
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failed test that used `enswitch` gets a "mock-enswitch" section in its report: the calls
    it made and the rules in force (its fixture's teardown has not run yet). Nothing on a pass."""
    outcome = yield
    report = outcome.get_result()
    client = getattr(item, "funcargs", {}).get("enswitch")
    if report.when != "call" or not isinstance(client, Enswitch):
        return
    if report.passed and client.strict_mode:
        fail_if_unserved(report, client)
    if not report.failed:
        return
    try:
        story = client.story()
    except Exception as error:  # the server is gone: say so rather than hide the test's failure
        story = f"(the mock could not be asked what happened: {error})"
    report.sections.append(("mock-enswitch: what this test did", story))


def fail_if_unserved(report: pytest.TestReport, client: Enswitch) -> None:
    """Strict mode: a test whose client called a function the mock does not serve, or no
    function at all, fails, naming each such call (respx's assert_all_mocked)."""
    try:
        calls = client.unserved_calls()
    except Exception as error:
        calls = [f"(the mock could not be asked: {error})"]
    if calls:
        report.outcome = "failed"
        report.longrepr = (
            "mock-enswitch strict mode: the client called what the mock does not serve:\n  "
            + "\n  ".join(calls)
        )


@pytest.fixture(scope="session")
def enswitch_servers():
    servers = Servers()
    yield servers
    servers.stop()


@pytest.fixture(scope="session")
def enswitch_server(enswitch_servers, pytestconfig) -> MockServer:
    """The session's default server (its `url`, `port`, `fixtures_dir`); no reset per test."""
    return enswitch_servers.get(configured_dir(pytestconfig))


def running_url(config: pytest.Config) -> str | None:
    """The running server to use, if any: --enswitch-url, the ini's, or MOCK_ENSWITCH_URL."""
    url = (
        config.getoption("enswitch_url")
        or config.getini("enswitch_url")
        or os.environ.get("MOCK_ENSWITCH_URL")
    )
    return url.rstrip("/") if url else None


def namespace_for(request: pytest.FixtureRequest) -> str:
    """A namespace name unique to this worker and test: `pytest-gw0-<digest of the test id>`
    (the server allows 1-64 of A-Z a-z 0-9 . _ -)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    digest = hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:16]
    return f"pytest-{worker}-{digest}-{os.getpid()}"


@pytest.fixture
def enswitch(request: pytest.FixtureRequest, enswitch_servers) -> Enswitch:
    """A clean mock for this test: data, fault rules and journal reset before it starts; with
    a running server (--enswitch-url), a namespace of its own, dropped after the test."""
    url = running_url(request.config)
    if url is not None:
        yield from in_a_namespace(request, url)
        return
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        directory = Path(marker.args[0])
        if not directory.is_absolute():
            directory = request.path.parent / directory
    else:
        directory = configured_dir(request.config)
    server = enswitch_servers.get(directory)
    client = Enswitch(
        server.url,
        fixture_passwords(server.fixtures_dir),
        DEFAULT_USER,
        numeric_codes(request.config),
    )
    client.reset()
    client.strict_mode = is_strict(request)
    yield client
    client.cleanup()


def is_strict(request: pytest.FixtureRequest) -> bool:
    return bool(request.node.get_closest_marker(STRICT) or request.config.getini("enswitch_strict"))


def in_a_namespace(request: pytest.FixtureRequest, url: str):
    """The `enswitch` client of a test on a running server: in a fresh namespace, its users read
    from the server (its fixtures may not be ours), dropped after the test."""
    token = request.config.getoption("enswitch_token") or os.environ.get(
        "MOCK_ENSWITCH_CONTROL_TOKEN"
    )
    name = namespace_for(request)
    root = Enswitch(url, {})
    root.token = token
    client = Enswitch(f"{url}/ns/{name}", {}, numeric_codes=numeric_codes(request.config))
    client.token = token
    client.reset()  # made on first use; a leftover of an interrupted run is emptied
    users = {u["username"]: u["password"] for u in client.control("GET", "users")["users"]}
    client.users, client._fixture_users = dict(users), dict(users)
    client.default_user = DEFAULT_USER if DEFAULT_USER in users else None
    client.strict_mode = is_strict(request)
    try:
        yield client
        client.cleanup()
    finally:
        with contextlib.suppress(ValueError):  # dropped already (the server's limit)
            root.control("DELETE", f"namespaces/{name}")


def numeric_codes(config: pytest.Config) -> bool:
    return bool(
        config.getoption("enswitch_numeric_codes") or config.getini("enswitch_numeric_codes")
    )


@pytest.fixture
def enswitch_receiver():
    """An HTTP receiver of events in the test's process (`url`, `events`, `wait_for(...)`):
    point a customer at it with `enswitch.send_events_to(customer, enswitch_receiver.url)`."""
    with EventReceiver() as receiver:
        yield receiver
