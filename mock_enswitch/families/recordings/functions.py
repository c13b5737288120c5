"""The call-recording family: recording/recordings/list, get, update, delete, copy and start.

Sources: ../shared/recordings.md sections 3-8 (list, get, update, copy, start: documented; delete:
named by the copy page, its shape our decision after update and copy). Not stop, send/ftp or
send/sftp: no page documents them. Rate plan (403): documented for start only.
"""

from __future__ import annotations

import functools

from ...api.common import AUTH, FLAG, VALIDATION, codes, customer_param
from ...api.table import INTEGER, MAX_INTEGER, MAX_STRING, STRING, Default, Function, Param, Record
from ...domain import live_calls, recording_rows
from ...domain.audio import MIMETYPE
from . import rules as recordings
from .rules import GROUP_OR_CUSTOMER, RECORDING, SORT_KEYS

UNIX_TIME = {"type": INTEGER, "minimum": 0, "maximum": MAX_INTEGER}

TRIPLE = (
    Param(
        "recordgroup",
        INTEGER,
        "ID of record group.",
        required=True,
        minimum=1,
        maximum=MAX_INTEGER,
        examples=(1, 2),
    ),
    Param(
        "uniqueid",
        STRING,
        "Unique ID of call recording.",
        required=True,
        min_length=1,
        max_length=MAX_STRING,
        examples=("1770217174.110066", "1770224400.110090"),
    ),
    Param(
        "recordid",
        STRING,
        "Record ID of call recording.",
        required=True,
        min_length=1,
        max_length=MAX_STRING,
        examples=("1",),
    ),
)

ROW = Record(
    fields=tuple(
        Param(
            name,
            INTEGER if name in recording_rows.NUMBER_COLUMNS else STRING,
            f"The recordings table's {name} column.",
            required=True,
        )
        for name in recording_rows.COLUMNS
    )
)
"""A row of the recordings table, as list and get return it (no audio in list)."""

WITH_FILE = Record(
    fields=(
        *ROW.fields,
        Param("data", STRING, "The sound file, raw (a character per byte) or base64.", True),
        Param("sha1", STRING, "SHA1 of the file's bytes, lower-case hex (with sha1=1)."),
    )
)


recording_codes = functools.partial(codes, not_found=recordings.NOT_FOUND)
"""A recording function's codes; `action=` words its 404 as the guides do ("...to copy it.")."""


FUNCTIONS: tuple[Function, ...] = (
    Function(
        path="recording/recordings/list",
        summary="Gets the fields of call recordings.",
        operation=recordings.list_,
        concerns=GROUP_OR_CUSTOMER,
        success="200",
        codes=codes("200", "400", "401", "402"),
        privileges=("record",),
        returns="An array of recording rows (no sound files), sorted by `sort`.",
        data=Record(fields=ROW.fields, many=True),
        params=(
            *AUTH,
            customer_param("ID of customer whose recordings to list; not with recordgroup."),
            Param(
                "recordgroup",
                INTEGER,
                "ID of record group whose recordings to list; not with customer.",
                minimum=1,
                maximum=MAX_INTEGER,
            ),
            Param("start", **UNIX_TIME, description="Start Unix timestamp.", default=0),
            Param("end", **UNIX_TIME, description="End Unix timestamp.", default=Default.NOW),
            Param(
                "called",
                STRING,
                "Part of the called number; empty for all.",
                default="",
                max_length=MAX_STRING,
            ),
            Param(
                "caller",
                STRING,
                "Part of the caller ID; empty for all.",
                default="",
                max_length=MAX_STRING,
            ),
            Param(
                "complete",
                INTEGER,
                "1 for finished calls only, 0 for calls in progress only, -1 for all.",
                default=1,
                choices=(1, 0, -1),
            ),
            Param(
                "totaltime_minimum",
                INTEGER,
                "Minimum total time in seconds.",
                default=0,
                minimum=0,
                maximum=MAX_INTEGER,
            ),
            Param(
                "totaltime_maximum",
                INTEGER,
                "Maximum total time in seconds; -1 for no limit.",
                default=-1,
                minimum=-1,
                maximum=MAX_INTEGER,
            ),
            Param("sort", STRING, "Field to sort by.", default="start", choices=SORT_KEYS),
            Param("descending", **FLAG, description="1 to sort descending.", default=0),
        ),
    ),
    Function(
        path="recording/recordings/get",
        summary="Gets the fields of a call recording, including sound file.",
        operation=recordings.get,
        concerns=RECORDING,
        success="200",
        codes=recording_codes("200", "400", "401", "402", "404"),
        privileges=("record",),
        returns="The recording's row with the file in `data` (and `sha1` with sha1=1); with "
        "wrap=none, the file itself.",
        data=WITH_FILE,
        file={"param": "wrap", "value": "none", "mimetype": MIMETYPE},
        params=(
            *AUTH,
            *TRIPLE,
            Param(
                "encoding",
                STRING,
                "base64 to base64-encode the recording, raw for raw data.",
                default="raw",
                choices=("raw", "base64"),
            ),
            Param("sha1", **FLAG, description="1 to include an SHA1 hash of the data.", default=0),
            Param(
                "wrap",
                STRING,
                "json for the file inside a JSON object, none for the plain file.",
                default="json",
                choices=("json", "none"),
                added=(3, 15),
            ),
        ),
    ),
    Function(
        path="recording/recordings/update",
        summary="Updates an existing call recording.",
        operation=recordings.update,
        concerns=RECORDING,
        success="204",
        codes=recording_codes("201", "204", "400", "401", "402", "404", action="update"),
        privileges=("record",),
        params=(
            *AUTH,
            *TRIPLE,
            Param(
                "expires",
                **UNIX_TIME,
                description="Unix timestamp when the recording expires; 0 for never.",
                default=Default.CURRENT,
            ),
            VALIDATION,
        ),
    ),
    Function(
        path="recording/recordings/delete",
        summary="Deletes a call recording.",
        operation=recordings.delete,
        concerns=RECORDING,
        success="204",
        codes=recording_codes("201", "204", "400", "401", "402", "404", action="delete"),
        privileges=("record",),
        documented=False,
        params=(*AUTH, *TRIPLE, VALIDATION),
    ),
    Function(
        path="recording/recordings/copy",
        summary="Copies a call recording to a different record group.",
        operation=recordings.copy,
        concerns=RECORDING,
        success="204",
        codes=recording_codes("204", "400", "401", "402", "404", action="copy"),
        privileges=("record",),
        params=(
            *AUTH,
            *TRIPLE,
            Param(
                "destination",
                INTEGER,
                "ID of record group to copy to.",
                required=True,
                minimum=1,
                maximum=MAX_INTEGER,
            ),
        ),
    ),
    Function(
        path="recording/recordings/start",
        summary="Starts/unpauses a call recording.",
        operation=live_calls.start,
        concerns=live_calls.LIVE_CALL,
        success="204",
        codes=codes("204", "400", "401", "402", "403", "404", not_found=live_calls.LIVE_NOT_FOUND),
        privileges=("actions", "panel"),
        feature="recording",
        added=(4, 1),
        params=(
            *AUTH,
            Param(
                "uniqueid",
                STRING,
                "Unique ID of the call in progress.",
                required=True,
                min_length=1,
                max_length=MAX_STRING,
            ),
            Param(
                "channel",
                INTEGER,
                "1 for the calling channel, 2 for the called channel.",
                default=1,
                choices=(1, 2),
            ),
        ),
    ),
)
