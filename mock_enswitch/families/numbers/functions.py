"""numbers/available/list, numbers/available/get, numbers/purchase, numbers/update,
numbers/delete, numbers/list and numbers/get.

Sources: ../shared/clients.md section 5 and the guide's pages [DOC 3.13-4.4]; numbers/delete's
page was not found [GAP]: its parameter and privilege follow numbers/purchase's.
"""

from __future__ import annotations

from dataclasses import replace

from ...api.common import AUTH, COUNT, PAGES, PAGING, codes, customer_param
from ...api.table import INTEGER, MAX_INTEGER, MAX_STRING, STRING, Default, Function, Param, Record
from ...domain.access import CUSTOMER
from . import rules

NUMBER_RECORD = Record(
    fields=tuple(
        Param(name, INTEGER if name in rules.NUMBERS else STRING, f"The number's {name}.",
              required=True)
        for name in rules.FIELDS
    )
)  # fmt: skip
NUMBER = Param("number", STRING, "The number.", required=True, min_length=1, max_length=20,
               examples=("2125550111", "2125550112", "3125550201"))  # fmt: skip
"""A number in the pool (the shipped ones, for the OpenAPI document's examples)."""
OWNED = replace(NUMBER, examples=("2125550100", "2125550101", "2125550103"))
"""A number a shipped customer owns."""
CURRENT = {"default": Default.CURRENT}


FUNCTIONS = (
    Function(
        path="numbers/available/list",
        summary="Gets a selection of numbers available to purchase.",
        operation=rules.available_list,
        concerns=rules.ANYONE,
        success="200",
        codes=codes("200", "400", "401"),
        open_when=rules.no_login,
        returns="An array of numbers (strings).",
        data=Record(fields=(Param("number", STRING, "An available number.", required=True),),
                    many=True, values=True),
        params=(
            *AUTH,
            Param("ingroup", INTEGER, "ID of inbound group to get available numbers for.",
                  required=True, minimum=1, maximum=MAX_INTEGER, examples=(1, 2)),
            Param("class", INTEGER, "ID of number class; 0 for any.", default=0, minimum=0,
                  maximum=MAX_INTEGER),
            Param("count", INTEGER, "How many numbers to return.", default=10, minimum=1,
                  maximum=1000),
            Param("customer", INTEGER, "Prefer numbers this customer had (with a login).",
                  default=Default.CALLER_CUSTOMER, minimum=1, maximum=MAX_INTEGER),
            Param("preferred", STRING, "Prefer this number if available; empty for none.",
                  default="", max_length=20),
        ),
    ),
    Function(
        path="numbers/available/get",
        summary="Checks whether a number is available to purchase.",
        operation=rules.available_get,
        concerns=rules.ANYONE,
        success="200",
        codes=codes("200", "400", "404",
                    not_found="The number does not exist, and cannot be created."),
        open_when=lambda raw: True,
        returns="The number's fields.",
        data=NUMBER_RECORD,
        params=(
            *AUTH,  # "does not require authentication": credentials given are not looked at
            NUMBER,
            Param("port", INTEGER, "1 if the number is being ported in.", default=0,
                  choices=(0, 1)),
        ),
    ),
    Function(
        path="numbers/purchase",
        summary="Purchases a number for a customer.",
        operation=rules.purchase,
        concerns=CUSTOMER,
        success="204",
        codes=codes("204", "400", "401", "402", "403"),
        privileges=("administrator", "wholesale"),
        returns="No data.",
        params=(
            *AUTH,
            NUMBER,
            Param("ingroup", INTEGER, "ID of inbound group to add a ported number to.",
                  default=0, minimum=0, maximum=MAX_INTEGER, added=(3, 14)),
            customer_param("ID of customer."),
        ),
    ),
    Function(
        path="numbers/update",
        summary="Updates the customer fields of a number the customer owns.",
        operation=rules.update,
        concerns=rules.OWNED_UPDATE,
        success="204",
        codes=codes("204", "400", "401", "402", "404", not_found=rules.NOT_YOURS),
        privileges=("administrator", "user", "wholesale"),
        returns="No data.",
        params=(
            *AUTH,
            OWNED,
            Param("description", STRING, "Description.", max_length=MAX_STRING, **CURRENT),
            Param("dtype", STRING, "Destination type.", max_length=MAX_STRING, **CURRENT),
            Param("dnumber", STRING, "Destination number.", max_length=MAX_STRING, **CURRENT),
            Param("owner", INTEGER, "ID of owner; 0 for none.", minimum=0, maximum=MAX_INTEGER,
                  **CURRENT),
        ),
    ),
    Function(
        path="numbers/delete",
        summary="Releases a number the customer owns back to the pool.",
        operation=rules.release,
        concerns=rules.OWNED_UPDATE,
        success="204",
        codes=codes("204", "400", "401", "402", "404", not_found=rules.NOT_YOURS),
        privileges=("administrator", "wholesale"),
        documented=False,
        returns="No data.",
        params=(*AUTH, OWNED),
    ),
    Function(
        path="numbers/list",
        summary="Gets the fields of all numbers of the given customer.",
        operation=rules.list_,
        concerns=CUSTOMER,
        success="200",
        codes=codes("200", "400", "401", "402"),
        privileges=("user", "wholesale"),
        returns='The numbers\' rows; with count=1, {"count": N}.',
        data=Record(fields=NUMBER_RECORD.fields, many=True, countable=True),
        params=(
            *AUTH,
            Param("callerid", INTEGER, "1 for numbers usable as caller ID.", default=0,
                  choices=(0, 1)),
            Param("callerid_location", INTEGER, "1 for numbers usable as location caller ID.",
                  default=0, choices=(0, 1)),
            customer_param("ID of customer to get numbers for."),
            COUNT,
            *PAGING,
            PAGES,
            Param("sort", STRING, "Field to sort by.", default="number", choices=rules.SORTS),
        ),
    ),
    Function(
        path="numbers/get",
        summary="Gets the fields of a number (without a login, only numbers in the pool).",
        operation=rules.get,
        concerns=rules.ANYONE,
        success="200",
        codes=codes("200", "400", "401", "402", "404", not_found=rules.NOT_FOUND),
        privileges=("user",),
        open_when=rules.no_login,
        returns="The number's fields.",
        data=NUMBER_RECORD,
        params=(*AUTH, OWNED),
    ),
)  # fmt: skip
