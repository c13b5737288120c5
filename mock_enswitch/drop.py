"""Dropping a connection with no reply: how the app asks the server for it.

A fault rule with the `close` effect must look, to the client, like a switch that hung up: no
status line, no headers. WSGI has no way to say that, so the app raises `DropConnection` from its
response body before any byte is written, and the server's bridge (bridge.py), seeing it, writes
nothing and closes the connection. Under other servers (Flask's test client) the app falls back
to an empty reply with `Connection: close`; `can_drop(environ)` tells which.
"""

from __future__ import annotations

DROP_KEY = "mock_enswitch.can_drop"


class DropConnection(Exception):
    """Raised from a response body: close the connection, write nothing."""


def can_drop(environ: dict) -> bool:
    return bool(environ.get(DROP_KEY))
