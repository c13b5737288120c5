"""No refused, failed or interrupted start and no reset costs data, through `mock-enswitch serve`.

Each test drives real server processes on one --db: a second start refused while the first runs
(it used to trim the running server's log to nothing), a start interrupted while it replays the
log, a start refused for a damaged line, and a reset or a clean stop on a full disk (a small
tmpfs, where this machine lets the tests mount one).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from live import SERVE, LiveServer, one_clear_line, serve

from mock_enswitch.testing import Enswitch

ADMIN = {"auth_username": "acme-admin", "auth_password": "acme-admin-pass"}
SEEDED = ["Acme sales"]  # the shipped fixtures' groups that acme-admin sees


def create(server: LiveServer, name: str) -> int:
    reply = server.call("recording/groups/create", "POST", **ADMIN, name=name)
    assert reply["responses"][0]["code"] == "200", reply
    return reply["data"]["id"]


def names(server: LiveServer) -> list[str]:
    return [group["name"] for group in server.call("recording/groups/list", **ADMIN)["data"]]


def files_of(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file()}


@pytest.mark.parametrize("second", [["--port", "0"], ["--port", "0", "--reset"]])
def test_a_refused_second_start_costs_the_running_server_nothing(tmp_path, second):
    db = tmp_path / "db.json"
    with LiveServer("--db", str(db)) as first:
        before_id = create(first, "before")
        files = files_of(tmp_path)
        line = one_clear_line(serve("--db", str(db), *second))
        assert "in use by another mock-enswitch process" in line
        assert files_of(tmp_path) == files  # the running server's log was emptied here
        assert create(first, "after") == before_id + 1
        first.stop(signal.SIGKILL)  # only the log holds them
    with LiveServer("--db", str(db)) as again:
        assert names(again) == [*SEEDED, "before", "after"]
        assert create(again, "next") == before_id + 2


def many_creates_then_kill(db: Path, count: int) -> None:
    """`count` acknowledged creates that only the log holds (the server is killed)."""
    with LiveServer("--db", str(db)) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        for number in range(count):
            body = urlencode({**ADMIN, "name": f"g{number}"})
            connection.request(
                "POST",
                "/api/json/recording/groups/create/",
                body,
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            reply = json.loads(connection.getresponse().read())
            assert reply["responses"][0]["code"] == "200"
        connection.close()
        server.stop(signal.SIGKILL)


def test_starts_interrupted_at_any_moment_lose_nothing(tmp_path):
    db = tmp_path / "db.json"
    many_creates_then_kill(db, 1500)
    for delay in (0.15, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.8):
        files = files_of(tmp_path)
        process = subprocess.Popen(
            [*SERVE, "--db", str(db), "--port", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=30)
        if "ready on port" not in errors:  # stopped before serving: every file as it was...
            compacted = "db.json" in files_of(tmp_path) and not files_of(tmp_path)["db.json.log"]
            assert files_of(tmp_path) == files or compacted, errors  # ...or folded, whole
    with LiveServer("--db", str(db)) as server:
        stored = names(server)
    assert stored == [*SEEDED, *(f"g{number}" for number in range(1500))]


def test_a_start_refused_for_a_damaged_line_leaves_every_file_to_repair(tmp_path):
    db = tmp_path / "db.json"
    many_creates_then_kill(db, 5)
    log = tmp_path / "db.json.log"
    lines = log.read_bytes().split(b"\0", 1)[0].split(b"\n")
    lines[2] = b"#" + lines[2][1:]
    log.write_bytes(b"\n".join(lines))
    files = files_of(tmp_path)
    line = one_clear_line(serve("--db", str(db), "--port", "0"))
    assert "db.json.log: line 3 is not a log entry: repair or remove that line" in line
    assert files_of(tmp_path) == files


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB tmpfs: a full disk on demand (root only; skipped elsewhere, saying so)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    return filler


def test_a_reset_on_a_full_disk_changes_nothing_and_the_data_stays_whole(small_disk):
    db = small_disk / "db.json"
    with LiveServer("--db", str(db)) as server:
        client = Enswitch(server.url, {})
        first = create(server, "before the reset")
        filler = fill(small_disk)
        with pytest.raises(ValueError, match=r"500 .*could not store the change.*No space left"):
            client.control("POST", "reset")
        assert names(server) == [*SEEDED, "before the reset"]  # memory as the file holds it
        filler.unlink()
        assert create(server, "after the reset") == first + 1
        server.stop(signal.SIGKILL)
    with LiveServer("--db", str(db)) as again:
        assert names(again) == [*SEEDED, "before the reset", "after the reset"]
        assert create(again, "next") == first + 2  # was: "Document with ID 4 already exists"


def test_a_clean_stop_on_a_full_disk_exits_0_says_why_and_loses_nothing(small_disk):
    db = small_disk / "db.json"
    server = LiveServer("--db", str(db))
    create(server, "kept")
    filler = fill(small_disk)
    output = server.stop(signal.SIGTERM)
    assert server.process.returncode == 0, output
    assert "Traceback" not in output
    assert "could not fold db.json.log into" in output and "nothing is lost" in output
    assert "recording/groups/create" in output  # the last call lines are printed still
    assert output.rstrip().endswith("mock-enswitch stopped")
    filler.unlink()
    with LiveServer("--db", str(db)) as again:
        assert names(again) == [*SEEDED, "kept"]


@pytest.fixture
def unwritable(tmp_path):
    """A folder this process cannot create files in, whoever it runs as."""
    folder = tmp_path / "locked"
    folder.mkdir()

    def lock():
        if os.geteuid() == 0:
            if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
                pytest.skip("root, and chattr +i is not allowed here")
        else:
            folder.chmod(0o555)

    yield folder, lock
    subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


def test_an_unwritable_database_folder_is_one_line_at_start(unwritable):
    folder, lock = unwritable
    with LiveServer("--db", str(folder / "db.json")) as server:
        create(server, "kept")
    lock()  # the database exists, its folder takes no new file: a compaction would fail
    line = one_clear_line(serve("--db", str(folder / "db.json"), "--port", "0"))
    assert f"cannot use the database {folder / 'db.json'}" in line
    assert "give another --db (or --memory)" in line
    empty = folder / "new"
    line = one_clear_line(serve("--db", str(empty / "db.json"), "--port", "0"))
    assert "cannot use the database" in line
