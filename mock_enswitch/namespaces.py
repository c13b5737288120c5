"""Namespaces: one server, many isolated mocks, chosen by base URL (`/ns/<name>/api/json/...`,
`/ns/<name>/_mock/...`), for CI jobs and pytest workers that share a compose service.

Each namespace is a `Service` of its own, made on first use from the server's fixtures: its own
data and IDs, clock, journal, fault rules, calls and events. What it shares with the server is
read-only: the configuration (so the Host, Origin and token rules are the same), the seed read
from the fixture files (read and checked once), and the server's call log. Our decisions:

- Namespaces live in memory only, whatever --db says: they are for test runs, which reset them
  anyway, and a thousand databases under the --db folder would each need the lock and the crash
  promise. A restart forgets them; the default namespace (the bare root) keeps its --db.
- At most `--max-namespaces` (default 100) at once; making one more drops the least recently
  used, and the server log says so. `GET /_mock/namespaces` lists them, `DELETE
  /_mock/namespaces/<name>` drops one (both on the bare root's control API only).
- A name is 1 to 64 of A-Z a-z 0-9 . _ - ; anything else is a 400 in the surface's own format.
- Each namespace's data is its own copy of the seed (the database copies what it stores): the
  shipped fixtures cost about 0.1 MB a namespace (make bench, P7).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from .surfaces import error_body

if TYPE_CHECKING:
    from .service import Service

log = logging.getLogger("mock_enswitch")

PREFIX = "/ns/"
NAME = re.compile(r"(?!\.{1,2}$)[A-Za-z0-9._-]{1,64}")
"""1 to 64 of A-Z a-z 0-9 . _ -, but not "." or ".." (clients normalise those paths away)."""
ENVIRON_KEY = "mock_enswitch.service"
"""Where a request's namespace (its Service) is put in the WSGI environ, for the views."""
NAME_KEY = "mock_enswitch.namespace"


class Namespaces:
    """The namespaces of one server, least recently used first."""

    def __init__(self, root: Service, limit: int = 100) -> None:
        self.root = root
        self.limit = limit
        self._made: OrderedDict[str, Service] = OrderedDict()
        self._info: dict[str, dict] = {}
        self._lock = threading.Lock()
        self.on_create: list[Callable[[str, Service], None]] = []
        self.on_drop: list[Callable[[str, Service], None]] = []
        self.delaying: set = set()
        """The fault engines, the root's and the namespaces', with a delay rule in force."""
        root.faults.report_to(self.delaying)

    def get(self, name: str) -> Service:
        """The namespace `name`, made on first use (dropping the least recently used beyond
        the limit)."""
        with self._lock:
            service = self._made.get(name)
            if service is not None:
                self._made.move_to_end(name)
                self._info[name]["last_used"] = time.time()
                return service
            service = self._make()
            self._made[name] = service
            now = time.time()
            self._info[name] = {"name": name, "created": now, "last_used": now}
            dropped = []
            while len(self._made) > self.limit:
                old, gone = self._made.popitem(last=False)
                self._info.pop(old)
                dropped.append((old, gone))
        for old, gone in dropped:
            log.warning(
                "namespace %s dropped: the least recently used of %d (--max-namespaces)",
                old,
                self.limit + 1,
            )
            self._forget(old, gone)
        for hook in self.on_create:
            hook(name, service)
        return service

    def _make(self) -> Service:
        from .service import Service  # the namespace is a Service: imported when one is made

        root = self.root
        config = dataclasses.replace(root.config, db_path=None, reset=False)
        service = Service(config, seeds=root._seeds)
        service.call_log = root.call_log
        service.faults.report_to(self.delaying)
        return service

    def drop(self, name: str) -> bool:
        with self._lock:
            service = self._made.pop(name, None)
            self._info.pop(name, None)
        if service is None:
            return False
        self._forget(name, service)
        return True

    def _forget(self, name: str, service: Service) -> None:
        for hook in self.on_drop:
            hook(name, service)
        self.delaying.discard(service.faults)
        service.close()

    def services(self) -> list[Service]:
        with self._lock:
            return list(self._made.values())

    def listing(self) -> list[dict]:
        with self._lock:
            made = list(self._made.items())
            info = {name: dict(self._info[name]) for name, _ in made}
        return [{**info[name], "size": service.on_switch(stored_records)} for name, service in made]

    def may_delay(self) -> bool:
        """Whether a delay rule is in force here or in any namespace (calls then go to threads:
        read on every call, so a set kept by the engines, not a look at each)."""
        return bool(self.delaying)


def stored_records(switch) -> int:
    """A namespace's size: how many records it stores."""
    return sum(len(table) for name, table in switch.db.tables().items() if not name.startswith("_"))


def split(path: str) -> tuple[str, str] | None:
    """(the name, the rest of the path from its `/`) of `/ns/<name>/rest`; None outside any
    namespace. The name is not checked (`NAME`): a bad one is the caller's 400."""
    if not path.startswith(PREFIX):
        return None
    name, _, rest = path[len(PREFIX) :].partition("/")
    return name, "/" + rest


def namespaced(wsgi_app: Callable, namespaces: Namespaces) -> Callable:
    """`/ns/<name>/rest` served as `/rest` of namespace `name` (its Service in the environ);
    a bad name is a 400 in the format of the surface asked."""

    def app(environ: dict, start_response):
        inside = split(environ.get("PATH_INFO", ""))
        if inside is None:
            return wsgi_app(environ, start_response)
        name, rest = inside
        if not NAME.fullmatch(name):
            message = f"A namespace name is 1 to 64 of A-Z a-z 0-9 . _ -, not {name[:80]!r}."
            body = json.dumps(error_body(rest, 400, message)).encode() + b"\n"
            start_response(
                "400 Bad Request",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        environ[ENVIRON_KEY] = namespaces.get(name)
        environ[NAME_KEY] = name
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + PREFIX + name
        environ["PATH_INFO"] = rest
        return wsgi_app(environ, start_response)

    return app
