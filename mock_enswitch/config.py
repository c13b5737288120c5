"""One configuration object, built by the CLI, the pytest plugin or a test, passed to create_app.

No module reads the environment on its own: the CLI maps each option to an environment variable
(MOCK_ENSWITCH_<OPTION>), and everything else receives a `Config`.
"""

from __future__ import annotations

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
    fsync: bool = False
    """Force every acknowledged write to disk (survives power loss, not only a process crash)."""
    enswitch_version: str | None = None
    """The Enswitch version to emulate, e.g. "4.2". None (not given): the fixture directory's
    settings.json, else the newest version the reference knows (`versions.NEWEST`)."""
    strict: bool = False
    """Answer 400 on parameters the emulated version does not know, instead of ignoring them."""
    path_prefix: str = ""
    """Put the API under a prefix, as some deployments do (e.g. "/local")."""
    token_expiry: int = 3600
    token_secret: str | None = None
    faults_file: Path | None = None
    fail: tuple[str, ...] = ()
    """Shorthand fault rules, "function=code", e.g. "recording/groups/create=402"."""
    control_token: str | None = None
    control_open: bool = False
    control_enabled: bool = True
    """Set by the server from the bind address and the two options above."""
    journal_size: int = 1000
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 8
    extra: dict = field(default_factory=dict)
