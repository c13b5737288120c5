"""A mock server in a child process: started, waited for ("ready on port N"), stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

from ..fixtures import DEFAULT_DIR

READY = "ready on port "


class ServerError(RuntimeError):
    """The mock server did not start; the message carries what it printed."""


class ServerProcess:
    """A server command in a child process that prints "ready on port N" once it listens.

    `env` adds to the inherited environment, from which MOCK_ENSWITCH_* variables are dropped: a
    developer's own settings must not change a test's server. Usable as a context manager."""

    def __init__(
        self, command: list[str], timeout: float = 30, env: dict[str, str] | None = None
    ) -> None:
        # Output goes to a file: a pipe nobody reads would fill up and block the server. The
        # child writes through a descriptor of its own, in append mode, and we read through
        # another, so our reads never move the offset its writes go to: with one shared
        # descriptor, a seek(0) to read made the child overwrite what it had printed ("ready
        # on port" among it).
        handle, name = tempfile.mkstemp(prefix="mock-enswitch-", suffix=".out")
        os.close(handle)
        child_out = open(name, "ab")  # noqa: SIM115 (the child has its own copy once started)
        self._log = open(name, "rb")  # noqa: SIM115 (closed by stop())
        self._printed = b""
        with suppress(OSError):  # POSIX: gone with its last descriptor; else stop() removes it
            os.unlink(name)
        self._log_name = name
        environment = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_ENSWITCH_")}
        try:
            self.process = subprocess.Popen(
                command,
                stdout=child_out,
                stderr=subprocess.STDOUT,
                env={**environment, **(env or {})},
            )
        finally:
            child_out.close()
        self.port = self._wait_ready(timeout)
        self.url = f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        """Everything the server has printed so far (all of it, once stopped)."""
        return self._read().decode("utf-8", "replace")

    def _read(self) -> bytes:
        if not self._log.closed:
            self._printed += self._log.read()  # from where the last read stopped
        return self._printed

    def _wait_ready(self, timeout: float) -> int:
        """The port of the ready line, once the line is whole (a read can land in the middle
        of it). Looked for in the bytes, every millisecond: a test session waits for this, ~5 ms
        on average when it looked every 10 ms."""
        ready = READY.encode()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            printed = self._read()
            start = printed.find(ready)
            end = printed.find(b"\n", start) if start >= 0 else -1
            if end >= 0:
                return int(printed[start + len(ready) : end].split()[0])
            if self.process.poll() is not None:
                self.stop()
                raise ServerError(f"server exited at start:\n{self.output()}")
            time.sleep(0.001)
        self.stop()
        raise ServerError(f"server not ready after {timeout} s:\n{self.output()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> str:
        """Send `sig` (killing it if it has not exited after `timeout` s); return all it printed."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self._log.closed:
            self.output()
            self._log.close()
            with suppress(OSError):
                os.unlink(self._log_name)
        return self.output()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class MockServer(ServerProcess):
    """`mock-enswitch serve --memory --port 0` in a child process, on a free loopback port.

    A child process rather than a thread: the server's threads, signals and state never mix with
    the test process's, and stopping it is one signal. Start-up costs a fraction of a second once
    per test session (or per xdist worker). `*args` are more `serve` options (e.g. `--db FILE`
    with `memory=False`).
    """

    def __init__(
        self, fixtures_dir: Path | None = None, *args: str, memory: bool = True, timeout: float = 30
    ) -> None:
        self.fixtures_dir = Path(fixtures_dir) if fixtures_dir else DEFAULT_DIR
        command = [
            sys.executable,
            "-m",
            "mock_enswitch",
            "serve",
            "--port",
            "0",
            "--host",
            "127.0.0.1",
            "--fixtures",
            str(self.fixtures_dir),
            *args,
        ]
        if memory:
            command.append("--memory")
        super().__init__(command, timeout)
