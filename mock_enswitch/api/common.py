"""Declarations every family's table shares: the authentication parameters, `validation`, the
integer flags, and the documented meanings of each code."""

from __future__ import annotations

import re

from .table import INTEGER, STRING, Param

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

CODES = {
    "200": "Success.",
    "201": "Input passed validation. Only returned if validation=1.",
    "204": "Success.",
    "400": "Invalid input parameters specified. Check the key and message fields for more details.",
    "401": "The authentication details provided are invalid.",
    "402": "Your role does not allow this.",
    "403": "Your rate plan does not allow this.",
}


def codes(*wanted: str, not_found: str = "", action: str | None = None) -> dict[str, str]:
    """The meanings of `wanted` codes. A family says what its 404 means (`not_found`, its
    domain's message: "... permission to view it."); `action` words it as a function's guide
    does ("... permission to copy it.")."""
    if action is not None:
        not_found = re.sub(r"permission to \w+ it\.$", f"permission to {action} it.", not_found)
    meanings = {**CODES, "404": not_found}
    return {code: meanings[code] for code in wanted}
