"""What the server takes from uvicorn beyond its public API, checked against the installed
uvicorn: if a release renames or drops one of these, this test says which, instead of `serve`
failing at the first connection. pyproject.toml bounds uvicorn to the releases tested."""

from __future__ import annotations

import inspect
from importlib.metadata import version

from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

PROTOCOL_METHODS = (
    "_unset_keepalive_if_required",
    "timeout_keep_alive_handler",
    "send_400_response",
    "on_message_begin",
    "on_url",
    "on_header",
    "on_headers_complete",
    "on_message_complete",
    "on_response_complete",
    "data_received",
    "eof_received",
    "connection_made",
    "connection_lost",
    "pause_writing",
    "resume_writing",
)
PROTOCOL_ATTRIBUTES = (
    "timeout_keep_alive_task",
    "timeout_keep_alive",
    "connections",
    "cycle",
    "pipeline",
    "server_state",
    "parser",
    "loop",
    "transport",
    "headers",
    "url",
    "scope",
)
CYCLE_ATTRIBUTES = ("response_complete", "more_body", "disconnected", "scope", "body")


def source(cls) -> str:
    return "".join(inspect.getsource(klass) for klass in cls.__mro__ if klass is not object)


def test_the_uvicorn_parts_the_server_relies_on_are_there():
    installed = version("uvicorn")
    missing = [
        name for name in PROTOCOL_METHODS if not callable(getattr(HttpToolsProtocol, name, None))
    ]
    protocol_source = source(HttpToolsProtocol)
    missing += [name for name in PROTOCOL_ATTRIBUTES if f"self.{name}" not in protocol_source]
    cycle_source = source(RequestResponseCycle)
    missing += [f"cycle.{name}" for name in CYCLE_ATTRIBUTES if f"self.{name}" not in cycle_source]
    assert callable(getattr(FlowControl, "resume_reading", None))
    assert not missing, (
        f"uvicorn {installed} lacks what mock_enswitch/server.py uses: {', '.join(missing)}; "
        "pin uvicorn to a tested release or adapt MockProtocol"
    )


def test_pyproject_bounds_uvicorn_to_the_releases_tested():
    from pathlib import Path

    text = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    [line] = [line.strip() for line in text.splitlines() if line.strip().startswith('"uvicorn')]
    assert "<" in line, f"uvicorn is unbounded in pyproject.toml: {line}"
