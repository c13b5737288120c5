"""customers/get, customers/list and customers/balance/add.

Sources: ../shared/clients.md sections 2 and 6 (customers/get [DOC 4.1-4.4], transactions),
enswitch-api.md 1.3 (customers/list's toolkit) and 6.1, the guide's customers/balance/add page
[DOC 4.0-4.2]. Every one dates from 3.13.
"""

from __future__ import annotations

from dataclasses import replace

from ...api.common import AUTH, COUNT, FLAG, PAGES, PAGING, codes
from ...api.table import (
    DECIMAL,
    INTEGER,
    MAX_INTEGER,
    MAX_STRING,
    STRING,
    Function,
    Param,
    Record,
)
from ...domain.access import CALLER
from . import rules

CUSTOMER_FIELDS = (
    Param("id", INTEGER, "ID of the customer.", required=True),
    Param("name", STRING, "Its name.", required=True),
    Param("parent", INTEGER, "ID of its parent customer; 0 for the top.", required=True),
    Param("rate_plan", INTEGER, "ID of its rate plan.", required=True),
    Param("email", STRING, "Its e-mail address.", required=True),
    Param("balance", STRING, "Its balance, a decimal as a string.", required=True),
    Param("currency", STRING, "The currency of its balance.", required=True),
)
CUSTOMER_RECORD = Record(
    fields=(CUSTOMER_FIELDS[0], *(replace(f, required=False) for f in CUSTOMER_FIELDS[1:]))
)
"""customers/get's data: with check=1 (no login), only the `id` (our decision: the guide says
"only check existence", and a 200 carries data)."""

FUNCTIONS = (
    Function(
        path="customers/get",
        summary="Gets the fields of a customer.",
        operation=rules.get,
        concerns=rules.LOOKUP,
        success="200",
        codes=codes("200", "400", "401", "402", "404", not_found=rules.NOT_FOUND),
        privileges=("user",),
        open_when=rules.opens_without_login,
        returns="The customer's fields (with check=1, only its id).",
        data=CUSTOMER_RECORD,
        params=(
            *AUTH,
            Param("check", **FLAG, description="1 to only check that the customer exists "
                  "(no login needed).", default=0),
            Param("email", STRING, "E-mail address of the customer to get.", default="",
                  max_length=MAX_STRING, examples=("it@acme.example",)),
            Param("id", INTEGER, "ID of the customer to get.", default=0, minimum=0,
                  maximum=MAX_INTEGER, examples=(3, 4)),
            Param("name", STRING, "Name of the customer to get.", default="",
                  max_length=MAX_STRING, examples=("Acme Corp", "Beta Inc")),
            Param("payment", **FLAG, description="1 to get payment settings instead.",
                  default=0),
        ),
    ),
    Function(
        path="customers/list",
        summary="Gets the fields of the customers the user may see.",
        operation=rules.list_,
        concerns=CALLER,
        success="200",
        codes=codes("200", "400", "401", "402"),
        privileges=("callshop", "commerce"),
        returns='The customers\' rows; with count=1, {"count": N}.',
        data=Record(fields=CUSTOMER_FIELDS, many=True, countable=True),
        params=(
            *AUTH,
            COUNT,
            PAGES,
            *PAGING,
            Param("sort", STRING, "Field to sort by.", default="name", choices=rules.SORTS),
            Param("name", STRING, "Part of the name; empty for any.", default="",
                  max_length=MAX_STRING),
            Param("deleted", INTEGER, "1 for deleted customers, 0 for the others, -1 for all.",
                  default=0, choices=(-1, 0, 1)),
            Param("parent", INTEGER, "ID of the parent whose customers to list; 0 for any.",
                  default=0, minimum=0, maximum=MAX_INTEGER),
            Param("recursive", **FLAG, description="1 to list all below parent, not only its "
                  "children.", default=0),
        ),
    ),
    Function(
        path="customers/balance/add",
        summary="Increases a customer's balance (atomically).",
        operation=rules.add_balance,
        concerns=rules.BY_ID,
        success="204",
        codes=codes("204", "400", "401", "402", "404", not_found=rules.BALANCE_NOT_FOUND),
        privileges=("commerce",),
        returns="No data.",
        params=(
            *AUTH,
            Param("id", INTEGER, "ID of customer to update.", required=True, minimum=1,
                  maximum=MAX_INTEGER, examples=(3, 4)),
            Param("amount", DECIMAL, "The amount to add.", required=True,
                  examples=("100.00", "5", "-1.5")),
            Param("currency", STRING, "The currency the amount is in; the customer's if empty.",
                  default="", max_length=MAX_STRING, examples=("USD",)),
            Param("transaction", STRING, '"credit" or "topup" to record a transaction of that '
                  "type; empty for none.", default="", choices=("", *rules.transactions.TYPES)),
            Param("description", STRING, "The description of the transaction.", default="",
                  max_length=MAX_STRING),
        ),
    ),
)  # fmt: skip
