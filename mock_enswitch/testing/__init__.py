"""Test helpers behind the pytest plugin, usable on their own: a mock server in a child process,
and a small client for the Enswitch API and the /_mock/ control API (stdlib only: no requests).

The process handle (`process.py`) and the client (`client.py`) are apart; this module keeps
the names tests and the pytest plugin import.
"""

from __future__ import annotations

from .client import Clock, Enswitch, fixture_passwords
from .process import READY, MockServer, ServerError, ServerProcess
from .receiver import EventReceiver

__all__ = [
    "READY",
    "Clock",
    "Enswitch",
    "EventReceiver",
    "MockServer",
    "ServerError",
    "ServerProcess",
    "fixture_passwords",
]
