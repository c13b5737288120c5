"""A real `mock-enswitch serve` process on a free loopback port, for tests through the CLI door."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from mock_enswitch.cli import free_port

SERVE = [sys.executable, "-m", "mock_enswitch", "serve"]


class LiveServer:
    """Starts `mock-enswitch serve ARGS --port <free>`; waits for "ready on port"; stops in `stop()`."""

    def __init__(self, *args: str, env: dict[str, str] | None = None, wait: bool = True) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # A file, not a pipe: a pipe nobody reads fills up and blocks the server's logging.
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            [*SERVE, *args, "--port", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **(env or {})},
        )
        if wait:
            self.wait_ready()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready on port" in self.output():
                return
            if self.process.poll() is not None:
                raise RuntimeError("server exited before ready:\n" + self.output())
            time.sleep(0.02)
        raise RuntimeError("server not ready in time:\n" + self.output())

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

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> str:
        """Sends `sig`, waits for the exit, and returns everything the server printed."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        output = self.output()
        self.log.close()
        return output

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *exc) -> None:
        if not self.log.closed:
            self.stop()


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mock_enswitch", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )
