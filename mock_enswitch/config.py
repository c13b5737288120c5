"""One configuration object, built by the CLI, the pytest plugin or a test, passed to create_app.

No module reads the environment on its own: the CLI maps each option to an environment variable
(MOCK_ENSWITCH_<OPTION>), and everything else receives a `Config`.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB = Path("mock-enswitch.db.json")


@dataclass
class Config:
    db_path: Path | None = None
    """The database file (kept across restarts); None keeps everything in memory."""
    fixtures_dir: Path | None = None
    """Where the seed files are; None for the defaults shipped with the package."""
    reset: bool = False
    """Drop stored data at start and seed again from the fixtures."""
    reset_if_changed: bool = False
    """Seed again at start when the fixture files differ from those the data was seeded from."""
    fsync: bool = False
    """Force every acknowledged write to disk (survives power loss, not only a process crash)."""
    enswitch_version: str | None = None
    """The Enswitch version to emulate, e.g. "4.2". None (not given): the fixture directory's
    settings.json, else the newest version the reference knows (`versions.NEWEST`)."""
    strict: bool = False
    """Answer 400 on parameters the emulated version does not know, instead of ignoring them."""
    path_prefix: str = ""
    """Put the API under a prefix, as some deployments do (e.g. "/local")."""
    api_root: str = ""
    """Serve the API at this root as well as /api/json (e.g. "/pbx_api", as one operator
    does), under the path prefix; "" for none."""
    numeric_codes: bool = False
    """Every envelope's `code` as a JSON number instead of a string (some clients compare with
    numbers); a call's X-Mock-Enswitch-Codes header chooses for itself."""
    token_expiry: int = 3600
    token_secret: str | None = None
    faults_file: Path | None = None
    fail: tuple[str, ...] = ()
    """Shorthand fault rules, "function=code", e.g. "recording/groups/create=402"."""
    control_token: str | None = None
    control_open: bool = False
    control_enabled: bool = True
    """Set by the server from the bind address and the two options above."""
    allowed_hosts: tuple[str, ...] = ()
    """Host names the control API answers besides loopback ones, on a loopback bind (e.g. a
    compose service name); a DNS-rebinding page's name is refused."""
    events_authkey: str | None = None
    """The key of the events websocket (`/events/websocket/?authkey=KEY`); None: it is closed."""
    journal_size: int = 1000
    max_namespaces: int = 100
    """Namespaces (`/ns/<name>/...`) kept at once; one more drops the least recently used."""
    max_body_size: int = 4 * 1024 * 1024
    """Bytes a request body may have; larger ones are refused (413) before they are read."""
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 8
    connection_limit: int = 500
    """Connections the server holds open at once (idle ones included)."""
    idle_timeout: int = 30
    """Seconds a connection may sit idle, or half-sent, before the server closes it."""
    extra: dict = field(default_factory=dict)


@functools.lru_cache(maxsize=256)
def is_loopback(host: str) -> bool:
    """Whether `host` (an address or name) is this machine only: 127.0.0.0/8, ::1, localhost.
    Remembered: the control API asks it of every call's Host (parsing an address ~5 us)."""
    host = host.strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
