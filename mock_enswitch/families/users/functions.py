"""user/login: the caller's fields, and from 4.1 an authentication token; people/list."""

from __future__ import annotations

from ...api.common import AUTH, COUNT, FLAG, PAGES, PAGING, codes, customer_param
from ...api.table import INTEGER, STRING, Function, Param, Record
from ...domain.access import CUSTOMER
from . import rules as login

PERSON_RECORD = Record(
    fields=(
        Param("id", INTEGER, "ID of user.", required=True),
        Param("username", STRING, "Username.", required=True),
        Param("customer", INTEGER, "ID of the user's customer.", required=True),
        Param("role", INTEGER, "ID of the user's role.", required=True),
        Param("auth_token", STRING, "Authentication token (with token=1).", added=(4, 1)),
        Param(
            "auth_token_expiry", INTEGER, "Seconds the token has left (with token=1).", added=(4, 1)
        ),
        Param(
            "auth_token_expires",
            INTEGER,
            "Unix time the token expires; omitted when tokens never expire (with token=1).",
            added=(4, 1),
        ),
    ),
    complete=False,
)
"""The caller's fields as user/login returns them: never the password; fixtures may add columns."""


FUNCTIONS: tuple[Function, ...] = (
    Function(
        path="user/login",
        summary="Checks the credentials and returns the user's fields; with token=1, a token.",
        operation=login.login,
        success="200",
        codes=codes("200", "400", "401", "402"),
        privileges=("user",),
        returns="The user's fields (never the password); with token=1 also auth_token, "
        "auth_token_expiry (seconds left) and auth_token_expires (Unix time).",
        data=PERSON_RECORD,
        params=(
            *AUTH,
            Param(
                "token",
                **FLAG,
                description="1 to return an authentication token.",
                default=0,
                added=(4, 1),
            ),
        ),
    ),
    Function(
        path="people/list",
        summary="Gets the fields of all people in a given customer.",
        operation=login.list_people,
        concerns=CUSTOMER,
        success="200",
        codes=codes("200", "400", "401", "402"),
        privileges=("user",),
        returns='The people\'s rows, never a password; with count=1, {"count": N}.',
        data=Record(
            fields=tuple(
                Param(name, INTEGER if name in login.PEOPLE_NUMBERS else STRING,
                      f"The person's {name}.", required=True)
                for name in login.PEOPLE_FIELDS
            ),
            many=True,
            countable=True,
        ),
        params=(
            *AUTH,
            COUNT,
            customer_param("ID of customer whose people to list."),
            *PAGING,
            PAGES,
            Param("sort", STRING, "Field to sort by.", default="username",
                  choices=login.PEOPLE_SORTS),
            Param("zohocrm", **FLAG, description="1 to list only people with Zoho CRM.",
                  default=0, added=(4, 4)),
        ),
    ),
)  # fmt: skip
