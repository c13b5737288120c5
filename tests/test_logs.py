"""What `serve` prints per call: batched, every line kept in order, nothing lost at close."""

from __future__ import annotations

import io
import threading
import time

from mock_enswitch.logs import CallLog, call_line


def entry(user: str = "acme-admin", code: str = "200", fault=None, **extra) -> dict:
    return {
        "time": 1795000000.25,
        "function": "recording/groups/create",
        "method": "POST",
        "params": {"auth_username": user, "auth_password": "***", "name": "x"},
        "user": user,
        "fault": fault,
        "code": code,
        **extra,
    }


def test_a_line_shows_the_call_but_never_its_parameters():
    line = call_line(entry(fault=2, code="503"), "/api/json/recording/groups/create/")
    assert line == (
        "POST /api/json/recording/groups/create/ function=recording/groups/create "
        "user=acme-admin code=503 fault=2"
    )


def test_lines_from_many_threads_are_all_written_in_each_threads_order():
    stream = io.StringIO()
    log = CallLog(stream, interval=0.01)

    def calls(thread: int) -> None:
        for number in range(300):
            log.add(entry(user=f"t{thread}", code=str(number)), "/p")

    threads = [threading.Thread(target=calls, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 8 * 300
    for thread in range(8):
        codes = [line.rsplit("code=", 1)[1] for line in lines if f" user=t{thread} " in line]
        assert codes == [str(n) for n in range(300)]


def test_a_line_is_written_within_the_interval_without_any_flush_or_close():
    stream = io.StringIO()
    log = CallLog(stream, interval=0.05)
    log.add(entry(), "/p")
    deadline = time.monotonic() + 5
    while not stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stream.getvalue().endswith(
        "mock_enswitch.api POST /p function=recording/groups/create user=acme-admin code=200\n"
    )
    log.close()


def test_the_calling_thread_only_queues_the_line_and_close_writes_it():
    stream = io.StringIO()
    log = CallLog(stream, interval=3600)
    log.add(entry(), "/p")
    assert stream.getvalue() == ""
    log.close()
    assert stream.getvalue().count("\n") == 1
    assert ",250 mock_enswitch.api POST /p" in stream.getvalue()  # logging's asctime format
