"""The child-process helpers of mock_enswitch.testing: what reaches the child's environment, what
stop() hands back, and what a failed start says."""

from __future__ import annotations

import signal
import sys

import pytest
from live import SERVE

from mock_enswitch.testing import Enswitch, ServerError, ServerProcess


def test_inherited_mock_variables_are_dropped_and_explicit_env_wins(monkeypatch):
    monkeypatch.setenv("MOCK_ENSWITCH_ENSWITCH_VERSION", "3.13")
    monkeypatch.setenv("MOCK_ENSWITCH_FAIL", "recording/=403")
    command = [*SERVE, "--memory", "--port", "0"]
    with ServerProcess(command, env={"MOCK_ENSWITCH_ENSWITCH_VERSION": "4.2"}) as server:
        client = Enswitch(server.url, {})
        assert client.control("GET", "health")["enswitch_version"] == "4.2"
        assert client.faults() == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stop_returns_all_the_output_and_can_be_called_again(sig):
    server = ServerProcess([*SERVE, "--memory", "--port", "0"])
    output = server.stop(sig)
    assert server.process.returncode == 0
    assert f"ready on port {server.port}" in output and "mock-enswitch stopped" in output
    assert server.stop() == output == server.output()


def test_a_server_that_exits_at_start_raises_with_what_it_printed(tmp_path):
    with pytest.raises(ServerError, match="(?s)exited at start.*--faults"):
        ServerProcess([*SERVE, "--memory", "--port", "0", "--faults", str(tmp_path / "none")])


CHATTY_CHILD = """
import sys, time
for n in range(2000):
    sys.stdout.write("noise line %d %s\\n" % (n, "x" * 60)); sys.stdout.flush()
    if n == 300:
        sys.stdout.write("ready on port 4321\\n"); sys.stdout.flush()
time.sleep(30)
"""


def test_a_child_that_keeps_printing_never_overwrites_what_it_printed():
    """The parent reads while the child writes: with one shared file offset, the parent's
    seek(0) made the child write over its own output, "ready on port" included (3 starts in
    10 failed so)."""
    import sys

    for _ in range(10):
        server = ServerProcess([sys.executable, "-c", CHATTY_CHILD], timeout=20)
        try:
            assert server.port == 4321
        finally:
            output = server.stop(signal.SIGKILL)
        # Only whole lines: a SIGKILL between two pages of a write cuts the last line short
        # (the kernel checks for a fatal signal between pages), which is the kill, not us.
        lines = output.split("\n")[:-1]
        assert "ready on port 4321" in lines
        noise = [line for line in lines if line.startswith("noise line")]
        assert noise == [f"noise line {n} {'x' * 60}" for n in range(len(noise))]


def test_the_port_is_read_once_its_line_is_whole():
    """A ready line read while it is still being written ("ready on port 12", then "345") gives
    the whole port, not the part read so far."""
    child = (
        "import sys, time\n"
        "sys.stdout.write('ready on port 12'); sys.stdout.flush(); time.sleep(0.3)\n"
        "print('345', flush=True); time.sleep(30)\n"
    )
    server = ServerProcess([sys.executable, "-c", child])
    try:
        assert server.port == 12345
    finally:
        server.stop()
