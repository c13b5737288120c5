"""The call-record family: cdrs/list and cdrs/get.

Sources: ../shared/cdrs-phones.md sections 2-4. cdrs/list's page is cut after `cmatch`: `dtype`,
`dmatch`, `dnumber`, `recorded`, `sort` and `descending` come from client references [CLIENT]
and are served from 3.13 like the rest; `detail` from 4.4 (the first page that lists it). The
rows' fields are declared from the C# client model (domain/cdrs.py).
"""

from __future__ import annotations

from ...api.common import (
    AUTH,
    CALLID,
    DIRECTION,
    FLAG,
    PAGING,
    SOURCE_LINE,
    codes,
    customer_param,
    party_filters,
)
from ...api.table import INTEGER, MAX_INTEGER, MAX_STRING, STRING, Default, Function, Param, Record
from ...domain.access import CUSTOMER as CUSTOMER_PARAM
from . import rules as cdrs

UNIX_TIME = {"type": INTEGER, "minimum": 0, "maximum": MAX_INTEGER}
PRIVILEGES = ("callshop", "cdrs")

CDR_RECORD = Record(
    fields=tuple(
        Param(
            name,
            "number"
            if name in ("cost", "cost_including_tax")
            else INTEGER
            if name in cdrs.NUMBER_COLUMNS
            else "null"
            if name in cdrs.NULL_COLUMNS
            else STRING,
            f"The call record's {name}.",
            required=True,
        )
        for name in cdrs.COLUMNS
    )  # fmt: skip
)

CUSTOMER = customer_param("ID of customer whose calls to list.")

FUNCTIONS = (
    Function(
        path="cdrs/list",
        summary="Gets the fields of completed calls.",
        operation=cdrs.list_,
        concerns=CUSTOMER_PARAM,
        success="200",
        codes=codes("200", "400", "401", "402", "403"),
        privileges=PRIVILEGES,
        returns="An array of call records (a row per leg), sorted by `sort`.",
        data=Record(fields=CDR_RECORD.fields, many=True),
        params=(
            *AUTH,
            Param("start", **UNIX_TIME, description="Start Unix timestamp.", default=0),
            Param("end", **UNIX_TIME, description="End Unix timestamp.", default=Default.NOW),
            Param("archive", **FLAG, description="1 to include archived calls.", default=0),
            CALLID,
            Param(
                "cost_customer",
                STRING,
                'Whose costs to show: "scustomer", "card", or a customer ID.',
                default="",
                max_length=MAX_STRING,
            ),
            CUSTOMER,
            Param(
                "detail",
                STRING,
                "call for a list of calls, leg for a list of call legs.",
                default="leg",
                choices=("call", "leg"),
                added=(4, 4),
                note="our decision: the first guide that lists it",
            ),
            DIRECTION,
            Param(
                "invoice",
                INTEGER,
                "Invoice ID; 0 for any.",
                default=0,
                minimum=0,
                maximum=MAX_INTEGER,
            ),
            *PAGING,
            Param(
                "peer", INTEGER, "Peer ID; 0 for any.", default=0, minimum=0, maximum=MAX_INTEGER
            ),
            SOURCE_LINE,
            Param("recurse", **FLAG, description="1 to include sub-customers.", default=0),
            Param(
                "recorded",
                STRING,
                "yes for recorded calls only, no for unrecorded ones, empty for all.",
                default="",
                choices=("", "yes", "no"),
            ),
            Param("sort", STRING, "Field to sort by.", default="start", choices=cdrs.SORT_KEYS),
            Param(
                "status",
                STRING,
                "Call status (answer, cancel); empty for any.",
                default="",
                max_length=MAX_STRING,
            ),
            Param(
                "talktime_maximum",
                INTEGER,
                "Maximum talk time in seconds; -1 for no limit.",
                default=-1,
                minimum=-1,
                maximum=MAX_INTEGER,
            ),
            Param(
                "talktime_minimum",
                INTEGER,
                "Minimum talk time in seconds.",
                default=0,
                minimum=0,
                maximum=MAX_INTEGER,
            ),
            *party_filters(),
        ),  # fmt: skip
    ),
    Function(
        path="cdrs/get",
        summary="Gets fields of a completed call.",
        operation=cdrs.get,
        concerns=cdrs.CDR,
        success="200",
        codes=codes("200", "400", "401", "402", "403", "404", not_found=cdrs.NOT_FOUND),
        privileges=PRIVILEGES,
        returns="The call record's fields (costs in the authentication user's currency).",
        data=CDR_RECORD,
        params=(
            *AUTH,
            Param(
                "uniqueid",
                STRING,
                "Unique ID of the call.",
                required=True,
                min_length=1,
                max_length=MAX_STRING,
                examples=("1770217174.110066",),
            ),
            customer_param("Customer to get costs for."),
            Param(
                "voipmonitor_url",
                **FLAG,
                description="1 to also return the VoIPmonitor URL, if configured (it is not).",
                default=0,
                added=(4, 0),
            ),
        ),
    ),
)
