"""A real `mock-enswitch serve` process on a free loopback port, for tests through the CLI door."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from mock_enswitch.testing import ServerProcess

SERVE = [sys.executable, "-m", "mock_enswitch", "serve"]


class LiveServer(ServerProcess):
    """`mock-enswitch serve ARGS --port 0`, started and stopped by `ServerProcess`; `get` and
    `call` return the parsed JSON of a control or API call (asserting HTTP 200)."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        super().__init__([*SERVE, *args, "--port", "0"], env=env)

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:
            assert response.status == 200
            return json.loads(response.read())

    def call(self, function: str, method: str = "GET", **params) -> dict:
        data = urlencode({k: str(v) for k, v in params.items()})
        url = f"{self.url}/api/json/{function}/"
        if method == "GET":
            request = urllib.request.Request(f"{url}?{data.replace('&', ';')}")
        else:
            request = urllib.request.Request(url, data=data.encode(), method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            return json.loads(response.read())


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mock_enswitch", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`mock-enswitch serve ARGS` run to its end (a start expected to fail), output captured."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_ENSWITCH_")}
    return subprocess.run(
        [*SERVE, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**environment, **(env or {})},
    )


def one_clear_line(result: subprocess.CompletedProcess) -> str:
    """The one "Error:" line of a failed start (asserting no traceback came with it)."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    return line


def free_port(host: str = "127.0.0.1") -> int:
    """A port free right now (for a server started by another program, compose)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
