"""Active calls: calls/active/list.

Sources: ../shared/cdrs-phones.md section 6: the 3.13 page's parameters from 3.13; the longer
list of the 4.4 guide (recursive, count, caller name, phone, number filters) from 4.4, the first
page that shows them. Rows: the client model's fields (domain/active_calls.py).
"""

from __future__ import annotations

import dataclasses

from ...api.common import (
    AUTH,
    CALLID,
    COUNT,
    DESCENDING,
    DIRECTION,
    FLAG,
    SOURCE_LINE,
    codes,
    customer_param,
    party_filters,
)
from ...api.table import INTEGER, STRING, Function, Param, Record
from ...domain.access import CUSTOMER
from . import rules as active_calls

LATER = {"added": (4, 4), "note": "our decision: the first guide that lists it"}

ACTIVE_RECORD = Record(
    fields=tuple(
        Param(
            name,
            INTEGER if name in active_calls.ROW_NUMBERS else STRING,
            f"The leg's {name}.",
            required=True,
        )
        for name in active_calls.COLUMNS
    ),
    many=True,
    countable=True,
)

FUNCTIONS = (
    Function(
        path="calls/active/list",
        summary="Lists active calls.",
        operation=active_calls.list_,
        concerns=CUSTOMER,
        success="200",
        codes=codes("200", "400", "401", "402"),
        privileges=("callshop", "telephone line reports", "user"),
        returns='An array of call legs in progress, sorted; with count=1, {"count": N}.',
        data=ACTIVE_RECORD,
        params=(
            *AUTH,
            customer_param("ID of customer whose calls to list."),
            Param(
                "recursive", **FLAG, description="1 to include sub-customers.", default=0, **LATER
            ),
            dataclasses.replace(COUNT, **LATER),
            DIRECTION,
            Param(
                "sort", STRING, "Field to sort by.", default="start", choices=active_calls.SORT_KEYS
            ),
            DESCENDING,
            Param("names", **FLAG, description="1 to set number names.", default=0),
            CALLID,
            dataclasses.replace(SOURCE_LINE, **LATER),
            *party_filters(**LATER),
        ),  # fmt: skip
    ),
)
FUNCTIONS = (
    *FUNCTIONS,
    dataclasses.replace(
        FUNCTIONS[0],
        path="calls/active/list/panel",
        summary="Lists active calls, for an operator panel.",
        privileges=("panel",),
        returns="The rows of calls/active/list, under the panel privilege.",
    ),
)
"""calls/active/list/panel [DOC 4.0, 4.4; cdrs-phones.md 6, 10]: the same rows and parameters
as calls/active/list (our decision: the guides list the same columns), under `panel`."""
