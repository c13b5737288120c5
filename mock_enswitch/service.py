"""The running mock: its configuration, database and switch, and `reset()`.

Reset means "construct again": first start and every reset go through the same `seed()` path,
reading and checking the fixture files before the database is touched.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import yaml

from .api.functions import FUNCTIONS
from .api.table import Function
from .config import Config
from .domain.switch import Switch
from .faults import FaultEngine, Rule, RuleError, parse_rules, shorthand_rule
from .fixtures import DEFAULT_DIR, load, read_settings
from .journal import Journal
from .logs import CallLog
from .store.database import Database
from .versions import NEWEST, format_version, parse_version


class Service:
    def __init__(self, config: Config) -> None:
        self.version = resolve_version(config)
        self.config = config = dataclasses.replace(
            config, enswitch_version=format_version(self.version)
        )
        self.functions: dict[str, Function] = {
            function.path: served
            for function in FUNCTIONS
            if (served := function.at(self.version)) is not None
        }
        self.fixtures_dir = config.fixtures_dir or DEFAULT_DIR
        seed = load(self.fixtures_dir)  # checked before the database is opened or touched
        self.faults = FaultEngine(start_up_rules(config))
        self.journal = Journal(config.journal_size)
        self.call_log: CallLog | None = None
        """Where `serve` prints a line per call; None: the app logs them through `logging`."""
        self.db = Database(config.db_path, fsync=config.fsync)
        self.switch = Switch(self.db, token_expiry=config.token_expiry)
        if config.token_secret:
            self.switch.token_secret = config.token_secret
        if config.reset or self.db.is_empty():
            self.db.replace_all(seed.directory, seed.groups)

    @property
    def lock(self):
        return self.db.lock

    def reset(self) -> None:
        """Back to how the mock started: data from the fixtures (read again from their files) with
        IDs restarting, the fault rules of --faults/--fail only, and an empty journal."""
        seed = load(self.fixtures_dir)
        self.db.replace_all(seed.directory, seed.groups)
        self.faults.reset()
        self.journal.clear()

    def close(self) -> None:
        self.db.close()


def start_up_rules(config: Config) -> list[Rule]:
    """The rules of `--faults FILE` (JSON, or YAML by its suffix) then of each `--fail`."""
    rules: list[Rule] = []
    if config.faults_file is not None:
        rules.extend(read_faults_file(config.faults_file))
    rules.extend(shorthand_rule(text) for text in config.fail)
    return rules


def read_faults_file(path: Path) -> list[Rule]:
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text) if Path(path).suffix in (".yaml", ".yml") else json.loads(text)
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise RuleError(str(path), f"cannot read the faults file: {error}") from None
    try:
        return parse_rules(data)
    except RuleError as error:
        raise RuleError(f"{path}: {error.field}", error.detail) from None


def resolve_version(config: Config) -> tuple[int, int]:
    """An explicit version (CLI or environment) wins over the fixture directory's settings.json,
    which wins over the newest. Read once at start: a reset does not change the version."""
    settings = read_settings(config.fixtures_dir or DEFAULT_DIR)
    return parse_version(
        config.enswitch_version or settings.get("enswitch_version") or format_version(NEWEST)
    )
