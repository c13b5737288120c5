"""The parties of a simulated call's leg, as every view of it names them, and number matching.

One call feeds a recording row, an active-call row and a call record; each names the source (s),
called (c) and destination (d) party with a type and a number, and these must agree, so all three
take them from `sides()`. Our decisions [INFER] (the guides list the columns, not their values):
a telephone line's side has type "phone" and the line's name as its number; the outside world's
side has type "" (an external number); the customer is the line's (or the group's) on the
switch's side and 0 on the outside one; a call is one leg, its `callid` its own `uniqueid`.
"""

from __future__ import annotations

DIRECTIONS = {"inbound": "in", "outbound": "out", "internal": "internal"}
"""The simulated call's direction -> the word the API's `direction` filters and rows use."""

DIRECTION_FILTERS = {
    "": ("in", "out", "internal"),
    "in": ("in",),
    "out": ("out",),
    "internal": ("internal",),
    "in_out": ("in", "out"),
}
"""The `direction` filter of cdrs/list and calls/active/list [DOC calls/active/list]."""

MATCH_MODES = ("contains", "begins", "ends", "exact")
"""Match modes of the number filters [INFER]: the guides' table of them is cut in every copy."""


def sides(direction: str, customer: int, caller: str, called: str) -> dict:
    inbound, outbound = direction == "inbound", direction == "outbound"
    return {
        "scustomer": 0 if inbound else customer,
        "dcustomer": 0 if outbound else customer,
        "stype": "" if inbound else "phone",
        "dtype": "" if outbound else "phone",
        "ctype": "" if outbound else "phone",
        "snumber": caller,
        "dnumber": called,
        "cnumber": called,
    }


def matches(mode: str, wanted: str, number: str) -> bool:
    """`number` matches `wanted` in `mode`; an empty `wanted` matches any number."""
    if not wanted:
        return True
    if mode == "begins":
        return number.startswith(wanted)
    if mode == "ends":
        return number.endswith(wanted)
    if mode == "exact":
        return number == wanted
    return wanted in number


def party_filters(values: dict, row: dict) -> bool:
    """The s/c/d type-and-number filters and the caller-name filter, where given."""
    for party in "scd":
        kind = values.get(f"{party}type", "")
        if kind and row[f"{party}type"] != kind:
            return False
        number = values.get(f"{party}number", "")
        if not matches(values.get(f"{party}match", "contains"), number, row[f"{party}number"]):
            return False
    name = values.get("callername_number", "")
    return matches(values.get("callername_match", "contains"), name, row["callername_internal"])


def callid_of(call: dict) -> str:
    """The call a leg belongs to: its `callid` where it shares one with others (a click-to-call),
    else its own uniqueid (stored only where it differs)."""
    return call.get("callid", call["uniqueid"])
