"""A small client of the Enswitch API and the /_mock/ control API (stdlib only: no requests):
what a test gets from the pytest plugin's `enswitch` fixture."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from ..fixtures import FILES
from ..logs import escaped
from .assertions import check_called, matches, unserved
from .connections import KEPT


def fixture_passwords(fixtures_dir: Path) -> dict[str, str]:
    people = json.loads((Path(fixtures_dir) / FILES["people"]).read_text(encoding="utf-8"))
    return {person["username"]: person["password"] for person in people}


class Enswitch:
    """What a test gets from the `enswitch` fixture: the mock's address, its users, and helpers.

    `call()` returns the parsed envelope; fault rules added through `add_fault()`/`fail()` are
    removed by `cleanup()` (the fixture does it at the end of each test).
    """

    def __init__(
        self,
        url: str,
        users: dict[str, str],
        default_user: str | None = None,
        numeric_codes: bool = False,
    ) -> None:
        self.url = url
        self.token: str | None = None
        """The control token of a server that wants one (`--control-token`)."""
        self.numeric_codes = numeric_codes
        """Ask for every envelope's `code` as a JSON number (X-Mock-Enswitch-Codes: numeric),
        as some deployments' clients expect; `call(..., codes="string")` for one call."""
        self.api_url = f"{url}/api/json/"
        self.users = dict(users)
        self._fixture_users = dict(users)
        self.default_user = default_user if default_user in self.users else None
        self._added: list[int] = []
        self.strict_mode = False

    # The Enswitch API.

    def call(
        self,
        function: str,
        user: str | None = "",
        method: str = "GET",
        codes: str | None = None,
        **params: Any,
    ):
        """Call `function` as `user` (default: the fixtures' acme-admin; None: no credentials);
        `codes="numeric"` for this call's codes as JSON numbers."""
        return json.loads(self.fetch(function, user, method, codes, **params))

    def recording_file(self, recordgroup: int, uniqueid: str, recordid: str = "1", user=""):
        """A recording's file, as recording/recordings/get with wrap=none sends it (bytes); a
        ValueError carrying the envelope when the switch answers one instead."""
        body = self.fetch(
            "recording/recordings/get",
            user,
            recordgroup=recordgroup,
            uniqueid=uniqueid,
            recordid=recordid,
            wrap="none",
        )
        if body.startswith(b"{"):
            raise ValueError(f"no file: {body.decode()}")
        return body

    def fetch(
        self,
        function: str,
        user: str | None = "",
        method: str = "GET",
        codes: str | None = None,
        **params: Any,
    ):
        """The raw reply body of `function` (see `call`); `codes` "numeric" or "string" for
        this call's envelope codes (default: as the client was made)."""
        user = self.default_user if user == "" else user
        codes = codes or ("numeric" if self.numeric_codes else "string")
        if user is not None:
            params = {"auth_username": user, "auth_password": self.users[user], **params}
        query = urlencode({name: str(value) for name, value in params.items()})
        url = self.api_url + function.strip("/") + "/"
        headers = {"X-Mock-Enswitch-Codes": codes}
        if method.upper() == "GET":
            request = urllib.request.Request(f"{url}?{query}", headers=headers)
        else:
            request = urllib.request.Request(
                url, data=query.encode(), method="POST", headers=headers
            )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    # The control API.

    def control(
        self, method: str, path: str, body: Any = None, idempotent: bool | None = None
    ) -> Any:
        """The control API's reply to `method` on /_mock/`path` (parsed JSON); a ValueError
        with the status and body when it refuses. On a kept-alive connection (connections.py);
        `idempotent` (default: by the method) lets it be sent again on a fresh one."""
        status, text = KEPT.request(
            f"{self.url}/_mock/{path}",
            method,
            None if body is None else json.dumps(body).encode(),
            {"Content-Type": "application/json", **self.token_header()},
            idempotent,
        )
        if status >= 400:
            raise ValueError(f"{method} /_mock/{path}: {status} {text!r}")
        return json.loads(text) if text else None

    def token_header(self) -> dict[str, str]:
        return {"X-Mock-Enswitch-Token": self.token} if self.token else {}

    def reset(self) -> None:
        """Data back to the fixtures, IDs restarted, no rules, empty journal."""
        self.control("POST", "reset", idempotent=True)  # a reset twice is one
        self._added.clear()
        self.users = dict(self._fixture_users)

    def add_fault(self, rule: dict) -> int:
        rule_id = self.control("POST", "faults", rule)["id"]
        self._added.append(rule_id)
        return rule_id

    def fail(self, function: str | None, code: str | int, **trigger: Any) -> int:
        """Shorthand: `function` (exact, a prefix ending in "/", or None for all) answers `code`
        (an Enswitch code, or "close"/"truncate"/"502"/"503"); `trigger` as in a rule."""
        text = str(code)
        effect = (
            {"network": text} if text in ("close", "truncate", "502", "503") else {"code": text}
        )
        rule: dict[str, Any] = {"effect": effect}
        if function:
            rule["match"] = {"function": function}
        if trigger:
            rule["trigger"] = trigger
        return self.add_fault(rule)

    def faults(self) -> list[dict]:
        return self.control("GET", "faults")["faults"]

    def remove_fault(self, rule_id: int) -> None:
        self.control("DELETE", f"faults/{rule_id}")

    def requests(self, function: str | None = None, user: str | None = None) -> list[dict]:
        """The journal of calls, oldest first, passwords shown as ***."""
        query = urlencode({k: v for k, v in (("function", function), ("user", user)) if v})
        return self.control("GET", "requests" + (f"?{query}" if query else ""))["requests"]

    # What the client called, asserted (the journal of this test).

    def calls(self, function: str, user: str | None = None, **params: Any) -> list[dict]:
        """The calls of `function` since the reset (by `user`, with each of `params` equal, as
        text), oldest first: journal entries (method, params masked, user, code, fault)."""
        return [e for e in self.requests() or [] if matches(e, function, user, params)]

    def assert_called(
        self, function: str, times: int | None = None, user: str | None = None, **params: Any
    ) -> list[dict]:
        """Fail unless `function` was called (`times` times exactly, if given) by `user` with
        `params`; the message shows the near misses. Returns the matching calls."""
        return check_called(self.requests() or [], function, times, user, params)

    def assert_not_called(self, function: str, **params: Any) -> None:
        self.assert_called(function, 0, **params)

    def strict(self) -> None:
        """Fail this test, at its end, if the client called a function the mock does not serve
        or that does not exist (the `enswitch_strict` marker and ini option do the same)."""
        self.strict_mode = True

    def unserved_calls(self) -> list[str]:
        served = {row["function"] for row in self.control("GET", "functions")["served"]}
        return unserved(self.requests() or [], served)

    def groups(self) -> list[dict]:
        """Every stored record group, whoever owns it."""
        return self.control("GET", "groups")["groups"]

    # The directory at run time: same shapes and checks as the fixture files; reset undoes it.

    def add_customer(self, **fields: Any) -> int:
        """e.g. add_customer(name="Gamma", parent=2, rate_plan=1) -> its id."""
        return self.control("POST", "customers", fields)["id"]

    def add_user(self, **fields: Any) -> int:
        """e.g. add_user(username="gamma-admin", password="pw", customer=8, role=3); `call()`
        can then use it as `user=`."""
        user_id = self.control("POST", "users", fields)["id"]
        self.users[fields["username"]] = fields["password"]
        return user_id

    def add_role(self, **fields: Any) -> int:
        return self.control("POST", "roles", fields)["id"]

    def add_rate_plan(self, **fields: Any) -> int:
        return self.control("POST", "rate_plans", fields)["id"]

    def add_line(self, **fields: Any) -> int:
        """A telephone line, e.g. add_line(name="1004", customer=3, owner=5, recordgroup=1,
        description="Desk") -> its id; `place_call(phone="1004")` then calls on it."""
        return self.control("POST", "phones", fields)["id"]

    def lines(self) -> list[dict]:
        """Every telephone line, whoever owns it (as stored: passwords included)."""
        return self.control("GET", "phones")["phones"]

    def remove(self, kind: str, record_id: int) -> None:
        """kind: customers, users, roles, rate_plans or phones."""
        self.control("DELETE", f"{kind}/{record_id}")

    # The switch around the API: calls, the clock, the outbox.

    def place_call(self, recordgroup: int | None = None, **call: Any) -> dict:
        """A call on a line (`phone="1001"`: its record group decides the recording) or through
        `recordgroup` (direction, caller, called, talktime, ringtime, start, active, answered: see
        the README); the reply says whether it was recorded and why. When it ends it is a call
        record (cdrs/list, cdrs/get); while it goes on, an active call (calls/active/list)."""
        given = {"recordgroup": recordgroup} if recordgroup is not None else {}
        return self.control("POST", "calls", {**given, **call})

    def hang_up(self, uniqueid: str) -> None:
        self.control("DELETE", f"calls/{uniqueid}")

    def make_call(self, snumber: str, cnumber: str, user: str | None = "", **params: Any) -> str:
        """calls/make as `user` (default: the fixtures' acme-admin), `stype=phone` when `snumber`
        is a line of the user's customer; returns the callid (a ValueError with the envelope if
        the call is refused)."""
        stype = "phone" if snumber in {line["name"] for line in self.lines()} else ""
        body = self.call(
            "calls/make",
            user,
            **{"stype": stype, "snumber": snumber, "cnumber": cnumber, "wait": 1, **params},
        )
        if str(body["responses"][0]["code"]) != "200":
            raise ValueError(f"calls/make refused: {body['responses'][0]}")
        return body["data"]["callid"]

    def hang_up_call(self, callid: str, user: str | None = "") -> dict:
        """calls/hangup of a whole call (every leg); returns the envelope."""
        return self.call("calls/hangup", user, callid=callid)

    def far_end(
        self,
        number: str,
        outcome: str = "answer",
        after: int | None = None,
        times: int | None = None,
    ) -> int:
        """How the far end at `number` takes the next calls: "answer" (after `after` seconds of
        ringing), "busy", "no answer" (rings `after` s, default 30) or "hang up" (after `after`
        s of talk); `times` calls, or every one. A reset clears the rules."""
        rule = {"number": number, "outcome": outcome}
        rule.update({k: v for k, v in (("after", after), ("times", times)) if v is not None})
        return self.control("POST", "far_ends", rule)["id"]

    def steer_call(self, callid: str, outcome: str, after: int | None = None) -> None:
        """The far end of a call already placed (by callid, or one leg's uniqueid): "answer"
        (now), "busy" or "no answer" (the ringing leg ends unanswered, and the call), "hang up"
        (`after` seconds from now: the call ends then)."""
        body = {"outcome": outcome, **({"after": after} if after is not None else {})}
        self.control("POST", f"calls/{callid}/far_end", body)

    def events(self, **filters: Any) -> list[dict]:
        """The events the switch's calls made since the last reset, oldest first, each with its
        `deliveries`; filtered by callid, uniqueid, event, customer or class."""
        query = f"?{urlencode(filters)}" if filters else ""
        return self.control("GET", "events" + query)["events"]

    def send_events_to(self, customer: int, url: str) -> None:
        """Set the customer's "Send events to URL" (`events_url`; "" for none): the events of
        its calls are POSTed there (an `EventReceiver`'s url, for instance)."""
        self.control("PATCH", f"customers/{customer}", {"events_url": url})

    @property
    def clock(self) -> Clock:
        """The mock clock: `clock.now()`, `clock.advance(seconds)`, `clock.set(unix_time)`."""
        return Clock(self)

    def emails(self, to: str | None = None) -> list[dict]:
        """What the switch has mailed since the last reset, oldest first."""
        return self.control("GET", "emails" + (f"?{urlencode({'to': to})}" if to else ""))["emails"]

    def messages(self, to: str | None = None) -> list[dict]:
        """The text messages sent since the last reset, as received, oldest first."""
        query = f"?{urlencode({'to': to})}" if to else ""
        return self.control("GET", "messages" + query)["messages"]

    def recordings(self) -> list[dict]:
        """Every stored recording (not expired), whoever owns it, as list rows."""
        return self.control("GET", "recordings")["recordings"]

    def story(self) -> str:
        """What the mock saw since the last reset, for a failed test's report: each call (method,
        function, user, code, the rule that fired and why the others did not) and the rules."""
        lines = ["calls, oldest first:"]
        for entry in self.requests() or []:
            fault = f" fault={entry['fault']}" if entry["fault"] is not None else ""
            lines.append(
                f"  {entry['method']} {escaped(entry['function'])} "
                f"user={escaped(entry['user']) or '-'} code={entry['code']}{fault}"
            )
            for why in entry.get("rules_not_fired", []):
                lines.append(f"      rule {why['id']} did not fire: {why['why']}")
        if len(lines) == 1:
            lines.append("  (none)")
        rules = self.faults()
        fired = {entry["fault"] for entry in self.requests() or []} - {None, "header"}
        gone = sorted(fired - {rule["id"] for rule in rules}, key=str)
        lines.append("fault rules in force:" if rules else "fault rules in force: none")
        for rule in rules:
            shown = {k: v for k, v in rule.items() if k not in ("id", "hits", "remaining")}
            left = f", {rule['remaining']} left" if "remaining" in rule else ""
            lines.append(f"  {rule['id']}: {json.dumps(shown)} (hits {rule['hits']}{left})")
        for rule_id in gone:
            lines.append(f"  {rule_id}: used up or removed since it fired")
        return "\n".join(lines)

    def cleanup(self) -> None:
        """Remove the rules this test added that are still there."""
        present = {rule["id"] for rule in self.faults()}
        for rule_id in self._added:
            if rule_id in present:
                self.remove_fault(rule_id)
        self._added.clear()


class Clock:
    """The mock clock of a running mock, through its control API."""

    def __init__(self, client: Enswitch) -> None:
        self._client = client

    def now(self) -> float:
        return self._client.control("GET", "clock")["now"]

    def advance(self, seconds: float) -> float:
        return self._client.control("POST", "clock", {"advance": seconds})["now"]

    def set(self, when: float) -> float:
        return self._client.control("POST", "clock", {"now": when})["now"]
