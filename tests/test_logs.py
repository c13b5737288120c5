"""The server's call log: batched writes, every line kept, in order, nothing lost at close."""

from __future__ import annotations

import io
import logging
import threading
import time

from mock_enswitch.logs import BatchingHandler


def logger_with(handler: logging.Handler, name: str) -> logging.Logger:
    log = logging.getLogger(f"test_logs.{name}")
    log.propagate = False
    log.setLevel(logging.INFO)
    log.addHandler(handler)
    return log


def test_lines_from_many_threads_are_all_written_in_each_threads_order():
    stream = io.StringIO()
    handler = BatchingHandler(stream, interval=0.05)
    log = logger_with(handler, "threads")

    def calls(thread: int) -> None:
        for number in range(200):
            log.info("thread=%d call=%d", thread, number)

    threads = [threading.Thread(target=calls, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 8 * 200
    for thread in range(8):
        mine = [line for line in lines if line.startswith(f"thread={thread} ")]
        assert mine == [f"thread={thread} call={n}" for n in range(200)]


def test_a_line_is_written_within_the_interval_without_any_flush_or_close():
    stream = io.StringIO()
    handler = BatchingHandler(stream, interval=0.05)
    log = logger_with(handler, "interval")
    log.info("first")
    deadline = time.monotonic() + 5
    while stream.getvalue() != "first\n" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stream.getvalue() == "first\n"
    handler.close()


def test_the_calling_thread_only_queues_the_line_and_close_writes_it():
    stream = io.StringIO()
    handler = BatchingHandler(stream, interval=3600)
    log = logger_with(handler, "queued")
    log.info("queued")
    assert stream.getvalue() == ""
    handler.close()
    assert stream.getvalue() == "queued\n"
