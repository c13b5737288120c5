"""transactions/list [DOC 4.4, ../shared/clients.md section 6]."""

from __future__ import annotations

from ...api.common import AUTH, DESCENDING, codes, customer_param
from ...api.table import INTEGER, MAX_INTEGER, STRING, Default, Earlier, Function, Param, Record
from ...domain.access import CUSTOMER
from . import rules

TRANSACTION_RECORD = Record(
    fields=(
        Param("id", INTEGER, "ID of the transaction.", required=True),
        Param("customer", INTEGER, "ID of its customer.", required=True),
        Param("time", INTEGER, "Unix time it was made.", required=True),
        Param("type", STRING, "credit or topup.", required=True),
        Param("amount", STRING, "The amount, a decimal as a string.", required=True),
        Param("currency", STRING, "Its currency.", required=True),
        Param("description", STRING, "Its description.", required=True),
        Param("person", INTEGER, "ID of the user who made it.", required=True),
        Param("reference", STRING, "A reference (empty here).", required=True),
        Param("invoice", INTEGER, "ID of its invoice; 0 if not invoiced.", required=True),
    ),
    many=True,
)

FUNCTIONS = (
    Function(
        path="transactions/list",
        summary="Gets a customer's transactions between two times.",
        operation=rules.list_,
        concerns=CUSTOMER,
        success="200",
        codes=codes("200", "400", "401", "402", "403"),
        privileges=("reports",),
        returns="The transactions' rows, `amount` a string.",
        data=TRANSACTION_RECORD,
        params=(
            *AUTH,
            Param("start", INTEGER, "Unix time to list from.", default=0, minimum=0,
                  maximum=MAX_INTEGER),
            Param("end", INTEGER, "Unix time to list until (exclusive: less than it).",
                  default=Default.NOW, minimum=0, maximum=MAX_INTEGER, meaning="exclusive",
                  earlier=(Earlier((3, 14), {"meaning": "inclusive", "description":
                           "Unix time to list until (inclusive)."}, "3.14: end became exclusive"),)),
            Param("archive", INTEGER, "1 to list archived transactions.", default=0,
                  choices=(0, 1), added=(4, 0)),
            customer_param("ID of customer whose transactions to list."),
            Param("invoice", INTEGER, "ID of invoice to list the transactions of; 0 for all.",
                  default=0, minimum=0, maximum=MAX_INTEGER),
            Param("sort", STRING, "Field to sort by.", default="time", choices=rules.SORTS),
            DESCENDING,
        ),
    ),
)  # fmt: skip
