"""The running mock: its configuration, database and switch, the one lock, and `reset()`.

Reset means "construct again": first start and every reset go through the same `seed()` path,
reading and checking the fixture files before the database is touched. Every entry point (the
API views, the control API, the CLI) goes through a method here that takes the lock, so no one
else takes it.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .api.functions import FUNCTIONS, SECRET_PARAMS
from .api.table import Function
from .catalogue import real_at
from .config import Config
from .domain.calls import caught_up, unsettled
from .domain.switch import Switch
from .families.index import CALL_ENDED, FINDS, on_delete
from .faults import FaultEngine, Rule, RuleError, check_served, parse_rules, shorthand_rule
from .fixtures import DEFAULT_DIR, Seed, read_settings
from .journal import Journal
from .logs import CallLog
from .seeding import SeedCache
from .store.database import Database
from .versions import NEWEST, format_version, parse_version

T = TypeVar("T")
log = logging.getLogger("mock_enswitch")


class Service:
    def __init__(self, config: Config, seeds: SeedCache | None = None) -> None:
        """`seeds`: a fixture directory's seed already read (a namespace shares its server's:
        namespaces.py), else read here."""
        self.version = resolve_version(config)
        self.config = config = dataclasses.replace(
            config, enswitch_version=format_version(self.version)
        )
        self.functions = functions_at(self.version)
        self.fixtures_dir = config.fixtures_dir or DEFAULT_DIR
        self._seeds = seeds or SeedCache(self.fixtures_dir)
        first = self._seeds.seed()  # checked before the database is opened or touched
        self.served = parameters_of(self.version)
        """Each function this version serves, with its parameters: what a fault rule may name."""
        self.served_names = frozenset(self.served)
        self.faults = FaultEngine(self.checked(start_up_rules(config)))
        self.journal = Journal(config.journal_size, SECRET_PARAMS)
        self.push_state: Callable[[], dict] = dict
        """What the server's pushing says of itself (deliveries pending and dropped, websockets
        open), for `/_mock/events`; nothing is pushed without the server (a test's app)."""
        self.call_log: CallLog | None = None
        """Where `serve` prints a line per call; None: the app logs them through `logging`."""
        self._db = Database(config.db_path, fsync=config.fsync)
        self._lock = self._db.lock
        with self._lock:  # the database is used under its lock from its first read
            try:  # a start that fails from here lets the database (and its lock) go
                self.switch = Switch(
                    self._db,
                    token_expiry=config.token_expiry,
                    finds=FINDS,
                    call_ended=CALL_ENDED,
                    on_delete=on_delete,
                )
                if config.token_secret:
                    self.switch.token_secret = config.token_secret
                if first.borrowed:
                    log.warning(
                        "fixtures: %s has no %s: taken from the shipped fixtures",
                        self.fixtures_dir,
                        ", ".join(first.borrowed),
                    )
                self._seed_if_needed(first)
            except BaseException:
                self._db.close()
                raise

    def _seed_if_needed(self, first: Seed) -> None:
        """Seed an empty database (or any, with --reset). A database seeded from other fixture
        files than these keeps its data, and says so (or is seeded again, --reset-if-changed)."""
        meta = self._db.meta()
        stored = meta.get("fixtures")
        changed = stored is not None and stored != first.digest
        if self.config.reset or self._db.is_empty() or (changed and self.config.reset_if_changed):
            if changed:
                log.warning("fixtures changed (%s): seeded again", self._what_changed(meta, first))
            self._db.replace_all(first.directory, first.families, self._seed_meta(first))
        elif changed:
            log.warning(
                "fixtures changed since %s was seeded (%s); it keeps its data. Start with "
                "--reset to seed it again (what was stored since is lost), or with "
                "--reset-if-changed to do that whenever they change.",
                self.config.db_path,
                self._what_changed(meta, first),
            )

    def _seed_meta(self, seed: Seed) -> dict:
        return {"fixtures": seed.digest, "files": seed.digests, "dir": str(self.fixtures_dir)}

    def _what_changed(self, meta: dict, now: Seed) -> str:
        """Which fixture files differ, and the directory if it is another one."""
        if meta.get("dir") and meta["dir"] != str(self.fixtures_dir):
            return f"seeded from {meta['dir']}, now given {self.fixtures_dir}"
        before = meta.get("files", {})
        names = sorted(name for name, digest in now.digests.items() if before.get(name) != digest)
        return f"{', '.join(names) or 'the files'} in {self.fixtures_dir}"

    def on_switch(self, query: Callable[[Switch], T]) -> T:
        """`query(switch)` on the switch caught up with its clock, under its lock (`caught_up`):
        how the control API looks at or changes the switch's state. API calls take the same
        context in api/views.py, without the Service."""
        with caught_up(self.switch) as switch:
            return query(switch)

    def add_fault(self, rule: Rule) -> int:
        """Add a rule, unless it could never fire here (RuleError, with close names)."""
        self.checked([rule])
        return self.faults.add(rule)

    def checked(self, rules: list[Rule]) -> list[Rule]:
        """`rules`, each refused if it names a function or parameter this version lacks."""
        for index, rule in enumerate(rules):
            try:
                check_served(
                    rule, self.served, self.config.enswitch_version or "", real_at(self.version)
                )
            except RuleError as error:
                where = rule.origin or (f"[{index}]" if len(rules) > 1 else "")
                joint = "." if where.endswith("]") else ": "
                field = f"{where}{joint}{error.field}" if where else error.field
                raise RuleError(field, error.detail) from None
        return rules

    def reset(self) -> None:
        """Back to how the mock started: data from the fixtures (read again from their files when
        they have changed, see `SeedCache`) with
        IDs restarting, the fault rules of --faults/--fail only, an empty journal and outbox,
        and the clock at real time."""
        fresh = self._seeds.seed()
        with self._lock:
            self._db.replace_all(fresh.directory, fresh.families, self._seed_meta(fresh))
            self.switch.clock.reset()
            self.switch.outbox.clear()
            self.switch.texts.clear()
            self.switch.events.clear()
            self.switch.far_ends.clear()
            unsettled(self.switch)
        self.faults.reset()
        self.journal.clear()

    def close(self) -> None:
        with self._lock:
            self._db.close()


@functools.cache
def functions_at(version: tuple[int, int]) -> dict[str, Function]:
    """The functions as `version` serves them: made once per version and shared, read-only, by
    the server and its namespaces (making them is ~14 ms and ~120 KB, most of a namespace)."""
    return {
        function.path: served
        for function in FUNCTIONS
        if (served := function.at(version)) is not None
    }


@functools.cache
def parameters_of(version: tuple[int, int]) -> dict[str, frozenset[str]]:
    return {
        path: frozenset(param.name for param in function.params)
        for path, function in functions_at(version).items()
    }


def start_up_rules(config: Config) -> list[Rule]:
    """The rules of `--faults FILE` (JSON, or YAML by its suffix) then of each `--fail`; each
    knows where it came from, for the message that refuses it."""
    rules: list[Rule] = []
    if config.faults_file is not None:
        for index, rule in enumerate(read_faults_file(config.faults_file)):
            rules.append(dataclasses.replace(rule, origin=f"{config.faults_file}: [{index}]"))
    for text in config.fail:
        rules.append(dataclasses.replace(shorthand_rule(text), origin=f"--fail {text}"))
    return rules


def read_faults_file(path: Path) -> list[Rule]:
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = read_yaml(text) if Path(path).suffix in (".yaml", ".yml") else json.loads(text)
    except (OSError, ValueError) as error:
        raise RuleError(str(path), f"cannot read the faults file: {error}") from None
    try:
        return parse_rules(data)
    except RuleError as error:
        raise RuleError(f"{path}: {error.field}", error.detail) from None


def read_yaml(text: str):
    """YAML, read by PyYAML, imported only for a YAML faults file (~10 ms of start-up)."""
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(str(error)) from None


def resolve_version(config: Config) -> tuple[int, int]:
    """An explicit version (CLI or environment) wins over the fixture directory's settings.json,
    which wins over the newest. Read once at start: a reset does not change the version."""
    settings = read_settings(config.fixtures_dir or DEFAULT_DIR)
    return parse_version(
        config.enswitch_version or settings.get("enswitch_version") or format_version(NEWEST)
    )
