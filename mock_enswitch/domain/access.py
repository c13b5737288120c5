"""Authentication (401), role privileges (402), and what a call concerns: reach and rate plan.

A function's table entry names what it concerns (`Concerns`: the caller's customer, a `customer`
parameter, a record group, a recording, a live call). Dispatch resolves it once, before the
operation runs: out of reach is a 404 (or a 400 naming `customer`), then the customer's rate plan
(403). An operation receives the resolved object in `request.target` and never repeats the checks,
so a new operation cannot skip them.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from . import directory
from .errors import BadRequest, NotAuthenticated, PlanDenied, RoleDenied
from .switch import Switch

if TYPE_CHECKING:
    from itsdangerous import URLSafeTimedSerializer


class Caller(NamedTuple):
    """Who calls: made on every call, so a named tuple (immutable, as the frozen dataclass it
    was, and ~0.25 us cheaper to make; make bench P1)."""

    person: dict
    privileges: frozenset[str]
    reach: frozenset[int]

    @property
    def customer(self) -> int:
        return self.person["customer"]


def token_serializer(switch: Switch) -> URLSafeTimedSerializer:
    """Tokens are dated by the mock's clock: a test that advances it sees them expire.
    (itsdangerous is imported when a token is first made or read, not at start-up.)"""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    class ClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return switch.now()

    return URLSafeTimedSerializer(
        switch.token_secret, salt="mock-enswitch auth_token", signer=ClockSigner
    )


def authenticate(
    switch: Switch, username: str | None, password: str | None, token: str | None = None
) -> Caller:
    """The caller behind these credentials; an `auth_token` (4.1+) is used when given."""
    db = switch.db
    if token is not None:
        person = _person_from_token(switch, token)
        privileges = directory.role_privileges(db, person["role"])
        return Caller(person, privileges, directory.reach(db, person["customer"], privileges))
    found = directory.login(db, username) if username else None
    if found is None or not hmac.compare_digest(found.password, (password or "").encode()):
        raise NotAuthenticated()
    return Caller(dict(found.person), found.privileges, found.reach)


def _person_from_token(switch: Switch, token: str) -> dict:
    from itsdangerous import BadSignature

    max_age = switch.token_expiry or None
    try:
        person_id = token_serializer(switch).loads(token, max_age=max_age)["person"]
    except (BadSignature, KeyError, TypeError):
        raise NotAuthenticated() from None
    person = switch.db.record("people", person_id)
    if person is None:
        raise NotAuthenticated()
    return person


def require_privilege(caller: Caller, privileges: tuple[str, ...]) -> None:
    """402 unless the caller's role has one of `privileges` ("X or Y" admits either)."""
    if privileges and caller.privileges.isdisjoint(privileges):
        raise RoleDenied()


@dataclass
class RequestContext:
    """What an operation receives for one API request: the switch, who calls, whether it only
    validates, and the resolved object the function concerns (`target`). Named apart from the
    telephone calls the switch simulates (it was `Call`), and so is every operation's parameter:
    `request`."""

    switch: Switch
    caller: Caller
    validate_only: bool = False
    target: Any = None
    served: Any = None
    """The function as the emulated version serves it (its parameters' `meaning` where a
    version changed how a value is read)."""

    def reachable_customer(self, customer_id: int | None, key: str = "customer") -> int:
        """The customer a call names (default: the caller's), if in reach (else 400 on `key`)."""
        if customer_id is None:
            return self.caller.customer
        if customer_id not in self.caller.reach:
            raise BadRequest(key, f"Invalid customer: {customer_id}.")
        return customer_id

    def check_plan(self, customer_id: int, feature: str) -> None:
        if feature not in directory.plan_features(self.switch.db, customer_id):
            raise PlanDenied()


class Concerns(Protocol):
    """What a function acts on: `resolve` pops its parameters from `values`, checks reach, and
    returns (the customer whose rate plan applies, the object the operation gets as `target`)."""

    def resolve(self, request: RequestContext, values: dict) -> tuple[int, Any]: ...


class TheCaller:
    """Functions about the caller alone (user/login): their own customer, nothing to reach."""

    def resolve(self, request: RequestContext, values: dict) -> tuple[int, Any]:
        return request.caller.customer, request.caller.customer


@dataclass(frozen=True)
class CustomerParam:
    """A `customer` parameter (default: the caller's); out of reach is a 400 naming it."""

    param: str = "customer"

    def resolve(self, request: RequestContext, values: dict) -> tuple[int, Any]:
        customer = request.reachable_customer(values.pop(self.param, None), self.param)
        return customer, customer


CALLER = TheCaller()
CUSTOMER = CustomerParam()
