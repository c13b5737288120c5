"""The telephone-line family: phones/get and phones/list.

Sources: ../shared/cdrs-phones.md section 7 (both documented from 3.13; `password` from 3.14).
phones/get documents no 400, but a missing or malformed parameter still names itself in one (our
rule for bad input); `name` is typed Integer by the guide but is a SIP username, so a string.
"""

from __future__ import annotations

from ...api.common import AUTH, COUNT, FLAG, PAGES, PAGING, codes, customer_param
from ...api.table import INTEGER, MAX_INTEGER, STRING, Function, Param, Record
from ...domain.access import CUSTOMER
from . import rules as phones

PASSWORD = Param(
    "password",
    **FLAG,
    description="1 to include the SIP password (administrators, or the line's owner).",
    default=0,
    added=(3, 14),
    note="our decision: as phones/get, whose history dates it",
)

LINE_RECORD = Record(
    fields=(
        *(
            Param(
                name,
                INTEGER if name in phones.NUMBERS else STRING,
                f"The line's {name}.",
                required=True,
            )
            for name in phones.SHOWN
        ),
        Param("display", STRING, "Name of the telephone line for display purposes.", True),
        Param("password", STRING, "SIP password (with password=1, where allowed)."),
    )
)

FUNCTIONS = (
    Function(
        path="phones/get",
        summary="Gets the fields of a telephone line.",
        operation=phones.get,
        concerns=phones.LINE,
        success="200",
        codes=codes("200", "400", "401", "402", "404", not_found=phones.NOT_FOUND),
        privileges=("residential", "user", "wholesale"),
        returns="The line's fields and `display`.",
        data=LINE_RECORD,
        params=(
            *AUTH,
            Param(
                "name",
                STRING,
                "Telephone line to get.",
                required=True,
                min_length=1,
                max_length=phones.NAME_LENGTH,
                examples=("1001", "2001"),
            ),
            PASSWORD,
        ),
    ),
    Function(
        path="phones/list",
        summary="Gets the fields of all telephone lines visible to the user in the given customer.",
        operation=phones.list_,
        concerns=CUSTOMER,
        success="200",
        codes=codes("200", "400", "401", "402"),
        privileges=("residential", "user"),
        returns='The lines\' rows, sorted; with count=1, {"count": N}.',
        data=Record(fields=LINE_RECORD.fields, many=True, countable=True),
        params=(
            *AUTH,
            COUNT,
            customer_param("ID of customer whose lines to list."),
            *PAGING,
            Param(
                "owner",
                INTEGER,
                "0 for all lines if administrator, else your own; -1 for all; a user's ID for "
                "that user's lines.",
                default=0,
                minimum=-1,
                maximum=MAX_INTEGER,
            ),
            PAGES,
            PASSWORD,
            Param(
                "sort", STRING, "Field to sort by.", default="name", choices=("description", "name")
            ),
        ),
    ),
    Function(
        path="phones/list/panel",
        summary="A lightweight list of the telephone lines in the given customer.",
        operation=phones.list_panel,
        concerns=CUSTOMER,
        success="200",
        codes=codes("200", "400", "401", "402"),
        privileges=("panel",),
        returns="The lines' light rows, sorted by name.",
        data=Record(
            fields=tuple(
                Param(name, INTEGER if name in phones.PANEL_NUMBERS else STRING,
                      f"The line's {name}.", required=True)
                for name in phones.PANEL_FIELDS
            ),
            many=True,
        ),
        params=(*AUTH, customer_param("ID of customer whose lines to list.")),
    ),
)  # fmt: skip
