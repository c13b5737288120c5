"""Declarations every family's table shares: the authentication parameters, `validation`, the
integer flags, and the documented meanings of each code."""

from __future__ import annotations

import re

from ..domain.errors import MEANINGS
from ..domain.legs import DIRECTION_FILTERS, MATCH_MODES
from ..versions import Version
from .table import FIRST, INTEGER, MAX_INTEGER, MAX_STRING, STRING, Default, Param

AUTH = (
    Param("auth_username", STRING, "Authentication username.", auth=True),
    Param("auth_password", STRING, "Authentication password.", auth=True, secret=True),
    Param(
        "auth_token",
        STRING,
        "Authentication token from user/login with token=1, instead of username and password.",
        auth=True,
        secret=True,
        added=(4, 1),
        note="authentication tokens, section 1.4 of the reference",
    ),
)

VALIDATION = Param(
    "validation",
    INTEGER,
    "1 to validate input then return, 0 for full action.",
    default=0,
    choices=(0, 1),
)

FLAG = {"type": INTEGER, "choices": (0, 1)}
"""Integer parameters the guides describe as '1 to ..., 0 not to'."""

DESCENDING = Param("descending", **FLAG, description="1 to sort descending.", default=0)

PAGING = (
    Param(
        "limit",
        INTEGER,
        "Maximum number of rows; 0 for all.",
        default=0,
        minimum=0,
        maximum=MAX_INTEGER,
    ),
    Param(
        "offset",
        INTEGER,
        "Row to start at; 0 for the first.",
        default=0,
        minimum=0,
        maximum=MAX_INTEGER,
    ),
    DESCENDING,
)
"""The list toolkit's paging and order (customers/list's rows, enswitch-api.md 1.3)."""

COUNT = Param("count", **FLAG, description="1 to return a count instead of rows.", default=0)
PAGES = Param(
    "pages", **FLAG, description="1 to return reduced data for a page selector.", default=0
)


def codes(*wanted: str, not_found: str = "", action: str | None = None) -> dict[str, str]:
    """The meanings of `wanted` codes. A family says what its 404 means (`not_found`, its
    domain's message: "... permission to view it."); `action` words it as a function's guide
    does ("... permission to copy it.")."""
    if action is not None:
        not_found = re.sub(r"permission to \w+ it\.$", f"permission to {action} it.", not_found)
    meanings = {**MEANINGS, "404": not_found}
    return {code: meanings[code] for code in wanted}


def party_filters(added: Version = FIRST, note: str = "") -> tuple[Param, ...]:
    """The number filters of the call lists: caller name, then source, called and destination
    type, match mode and number ("" for any; match modes our decision, legs.MATCH_MODES)."""
    params = [
        Param("callername_match", STRING, "How to match callername_number.",
              default="contains", choices=MATCH_MODES, added=added, note=note),
        Param("callername_number", STRING, "Caller name; empty for any.", default="",
              max_length=MAX_STRING, added=added, note=note),
    ]  # fmt: skip
    for party, what in (("s", "source"), ("c", "called"), ("d", "destination")):
        params += [
            Param(f"{party}type", STRING, f"The {what} type (phone, ...); empty for any.",
                  default="", max_length=MAX_STRING, added=added, note=note),
            Param(f"{party}match", STRING, f"How to match {party}number.", default="contains",
                  choices=MATCH_MODES, added=added, note=note),
            Param(f"{party}number", STRING, f"The {what} number; empty for any.", default="",
                  max_length=MAX_STRING, added=added, note=note),
        ]  # fmt: skip
    return tuple(params)


DIRECTION = Param(
    "direction",
    STRING,
    "Empty for all calls, in, internal, in_out (in and out, not internal), or out.",
    default="",
    choices=tuple(DIRECTION_FILTERS),
)


def customer_param(description: str) -> Param:
    """A function's `customer`: an ID, the caller's customer by default (reach: access.CUSTOMER)."""
    return Param(
        "customer",
        INTEGER,
        description,
        default=Default.CALLER_CUSTOMER,
        minimum=1,
        maximum=MAX_INTEGER,
    )


SOURCE_LINE = Param(
    "phone", STRING, "Source telephone line; empty for any.", default="", max_length=MAX_STRING
)
CALLID = Param("callid", STRING, "The call ID of a call; empty for any.", default="",
               max_length=MAX_STRING)  # fmt: skip
"""The call lists' `phone` and `callid` filters (cdrs/list, calls/active/list)."""
