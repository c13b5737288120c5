"""The click-to-call family's functions: calls/make and calls/hangup.

Sources: ../shared/clients.md 1.1 (calls/make, the 4.1 guide; its code table and change history
are cut off in every copy [GAP]) and 1.5 (calls/hangup, complete). Our decisions are in
rules.py's docstring and the README.
"""

from __future__ import annotations

from ...api.common import AUTH, FLAG, codes, customer_param
from ...api.table import INTEGER, MAX_INTEGER, MAX_STRING, STRING, Function, Param, Record
from ...domain.access import CUSTOMER
from . import rules

ONE_DAY = 86400

NUMBER_TYPE = ("", "phone")


def number(name: str, description: str) -> Param:
    return Param(
        name,
        STRING,
        description,
        required=True,
        min_length=1,
        max_length=MAX_STRING,
        examples=("1001", "0298765432"),
    )


def leg_flag(name: str, description: str, default: int = 0) -> Param:
    return Param(name, **FLAG, description=description, default=default)


FUNCTIONS = (
    Function(
        path="calls/make",
        summary="Makes a call to a telephone line or number; when it answers, makes a second "
        "call to a number, bridging both together.",
        operation=rules.make,
        concerns=CUSTOMER,
        success="204",
        codes=codes("200", "204", "400", "401", "402", "404", not_found=rules.phones.NOT_FOUND),
        privileges=("actions", "panel"),
        returns='Nothing (204); with wait, {"callid", "server"} (200).',
        data=Record(
            fields=(
                Param("callid", STRING, "The call's ID (its first leg's uniqueid).", True),
                Param("server", STRING, 'The server handling the call ("mock-enswitch").', True),
            )
        ),
        params=(
            *AUTH,
            Param(
                "stype",
                STRING,
                '"phone": snumber is a telephone line; "": a number.',
                default="",
                choices=NUMBER_TYPE,
            ),
            number("snumber", "The telephone line or number called first."),
            Param(
                "ctype",
                STRING,
                '"phone": cnumber is a telephone line; "": a number.',
                default="",
                choices=NUMBER_TYPE,
            ),
            number("cnumber", "The number called once the first call answers."),
            Param(
                "cdialplan",
                STRING,
                '"auto": convert cnumber to the dialplan of snumber.',
                default="",
                choices=("", "auto"),
                added=(4, 1),
                note="the 4.1 guide has it, the older 015 copy does not",
            ),
            Param("card", STRING, "Card to bill the call to.", default="", max_length=MAX_STRING),
            customer_param("Customer to make the call as."),
            leg_flag("answer1", "1 to ask the first call to answer automatically."),
            leg_flag("answer2", "1 to ask the second call to answer automatically."),
            Param("callerid1", STRING, "Caller ID on the first call.", default="", max_length=40),
            Param("callerid2", STRING, "Caller ID on the second call.", default="", max_length=40),
            Param(
                "recordgroup",
                INTEGER,
                "Record group that records the call; 0 for none.",
                default=0,
                minimum=0,
                maximum=MAX_INTEGER,
            ),
            leg_flag("screen1", "1 to screen the first call."),
            leg_flag("screen2", "1 to screen the second call."),
            leg_flag("warn1", "1 to play a cut-off warning on the first call.", default=1),
            leg_flag("warn2", "1 to play a cut-off warning on the second call.", default=1),
            Param(
                "delay",
                INTEGER,
                "Seconds to wait before making the call.",
                default=0,
                minimum=0,
                maximum=ONE_DAY,
            ),
            Param(
                "wait",
                INTEGER,
                "Seconds to wait, then return the server and callid; 0 not "
                "to (the mock never waits: it answers at once).",
                default=0,
                minimum=0,
                maximum=ONE_DAY,
            ),
        ),
    ),
    Function(
        path="calls/hangup",
        summary="Hangs up a call, by callid (the whole call) or uniqueid (one leg).",
        operation=rules.hangup,
        success="204",
        codes=codes("204", "400", "401", "402", "404", not_found=rules.CALL_NOT_FOUND),
        privileges=("actions", "panel"),
        returns="Nothing.",
        params=(
            *AUTH,
            Param(
                "callid",
                STRING,
                "The call to hang up (every leg).",
                default="",
                max_length=MAX_STRING,
                note="3.13 and 3.14 asked for administrator; 3.15 on, actions or panel: the "
                "mock asks for actions or panel at every version",
            ),
            Param("uniqueid", STRING, "The leg to hang up.", default="", max_length=MAX_STRING),
        ),
    ),
)
