"""Authentication (401), role privileges (402), and the per-call checks of reach and rate plan.

`Call` is what an operation receives: it resolves "the customer concerned" (a `customer` parameter
or a group's customer) through the caller's reach, then the rate plan, so every operation applies
the rules in the same order and no operation repeats them.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from . import directory
from .errors import BadRequest, NotAuthenticated, NotFound, PlanDenied, RoleDenied
from .switch import Switch


@dataclass(frozen=True)
class Caller:
    person: dict
    privileges: frozenset[str]
    reach: frozenset[int]

    @property
    def customer(self) -> int:
        return self.person["customer"]


def token_serializer(switch: Switch) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(switch.token_secret, salt="mock-enswitch auth_token")


def authenticate(
    switch: Switch, username: str | None, password: str | None, token: str | None = None
) -> Caller:
    """The caller behind these credentials; an `auth_token` (4.1+) is used when given."""
    db = switch.db
    if token is not None:
        person = _person_from_token(switch, token)
    else:
        person = directory.person_by_username(db, username) if username else None
        if person is None or not hmac.compare_digest(
            str(person.get("password", "")).encode(), (password or "").encode()
        ):
            raise NotAuthenticated()
    privileges = directory.role_privileges(db, person["role"])
    return Caller(person, privileges, directory.reach(db, person["customer"], privileges))


def _person_from_token(switch: Switch, token: str) -> dict:
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
class Call:
    switch: Switch
    caller: Caller
    feature: str | None
    validate_only: bool = False

    def customer(self, customer_id: int | None, key: str = "customer") -> int:
        """The customer a call names (default: the caller's), if in reach (else 400 on `key`)."""
        if customer_id is None:
            customer_id = self.caller.customer
        elif customer_id not in self.caller.reach:
            raise BadRequest(key, f"Invalid customer: {customer_id}.")
        self._check_plan(customer_id)
        return customer_id

    def group(self, group_id: int) -> dict:
        """A record group in reach; one outside it is answered exactly like a missing one (404)."""
        group = self.switch.db.group(group_id)
        if group is None or group["customer"] not in self.caller.reach:
            raise NotFound(
                "The record group does not exist, or you do not have permission to access it."
            )
        self._check_plan(group["customer"])
        return group

    def _check_plan(self, customer_id: int) -> None:
        if self.feature and self.feature not in directory.plan_features(
            self.switch.db, customer_id
        ):
            raise PlanDenied()
