"""The table of Enswitch functions the mock serves: each declared once, from the vendor's guides.

Sources: ../shared/enswitch-api.md sections 1.4, 2.1, 2.2 (documented) and "Our decisions" / 2.4
(get, list and delete, which the guides leave open). Parsing, validation, version emulation and
the OpenAPI document all read this table; handlers receive clean typed values.
"""

from __future__ import annotations

import dataclasses

from ..domain import groups, login
from ..domain.groups import MESSAGE_CHOICES, NEW_GROUP
from .table import (
    INTEGER,
    MAX_INTEGER,
    MAX_STRING,
    STRING,
    Default,
    Earlier,
    Function,
    Param,
    Record,
)

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

GROUP_ID = Param(
    "id", INTEGER, "ID of record group.", required=True, minimum=1, maximum=MAX_INTEGER
)

FRACTION_ZERO = Earlier((3, 14), {"minimum": 1}, "fraction input parameter changed to allow 0.")


def group_fields(default_of) -> tuple[Param, ...]:
    """The record-group settings create and update share; `default_of(name)` is each default.

    Create's defaults are the new group's values; update's are "Current value." except where the
    guide documents otherwise (beep, and transcribe from 4.2, fall back to 0).
    """
    return (
        Param(
            "description",
            STRING,
            "Description.",
            default=default_of("description"),
            max_length=MAX_STRING,
        ),
        Param(
            "email",
            STRING,
            "Email address(es) to send recordings to, comma-separated.",
            default=default_of("email"),
            max_length=MAX_STRING,
        ),
        Param(
            "expires",
            INTEGER,
            "Expiry time in days. 0 not to save.",
            default=default_of("expires"),
            minimum=0,
            maximum=MAX_INTEGER,
        ),
        Param(
            "fraction",
            INTEGER,
            "Percentage of recordings to save. 0 for on demand only.",
            default=default_of("fraction"),
            minimum=0,
            maximum=100,
            earlier=(FRACTION_ZERO,),
        ),
        Param(
            "beep",
            INTEGER,
            "Interval in seconds to play beep while recording. 0 for no beep.",
            default=NEW_GROUP["beep"],
            minimum=0,
            maximum=MAX_INTEGER,
            added=(3, 15),
        ),
        Param(
            "message",
            STRING,
            "Whether to play message that call is being recorded, or empty string for none.",
            default=default_of("message"),
            choices=MESSAGE_CHOICES,
            added=(4, 0),
            note="our decision: listed by the 4.1/4.2 guides, in no change-history line",
        ),
        Param(
            "owner",
            INTEGER,
            "ID of owner (a user of the group's customer). 0 for none.",
            default=default_of("owner"),
            minimum=0,
            maximum=MAX_INTEGER,
        ),
        Param(
            "record_in",
            **FLAG,
            description="1 to record inbound calls, 0 not to.",
            default=default_of("record_in"),
        ),
        Param(
            "record_out",
            **FLAG,
            description="1 to record outbound calls, 0 not to.",
            default=default_of("record_out"),
        ),
        Param(
            "transcribe",
            **FLAG,
            description="1 to transcribe recordings, 0 not to.",
            default=NEW_GROUP["transcribe"],
            added=(4, 2),
        ),
    )


GROUP_RECORD = Record(
    fields=(
        Param("id", INTEGER, "ID of record group.", required=True),
        Param("customer", INTEGER, "ID of customer the record group belongs to.", required=True),
        Param("name", STRING, "Name.", required=True),
        *(
            dataclasses.replace(param, required=True, default=None)
            for param in group_fields(NEW_GROUP.__getitem__)
        ),
    )
)
"""A record group as get and list return it: the settings' columns, as the version had them."""

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

CODES = {
    "200": "Success.",
    "201": "Input passed validation. Only returned if validation=1.",
    "204": "Success.",
    "400": "Invalid input parameters specified. Check the key and message fields for more details.",
    "401": "The authentication details provided are invalid.",
    "402": "Your role does not allow this.",
    "403": "Your rate plan does not allow this.",
    "404": "The record group does not exist, or you do not have permission to access it.",
}


def codes(*wanted: str) -> dict[str, str]:
    return {code: CODES[code] for code in wanted}


FUNCTIONS: tuple[Function, ...] = (
    Function(
        path="recording/groups/create",
        summary="Creates a new record group.",
        operation=groups.create,
        success="200",
        codes=codes("200", "201", "400", "401", "402", "403"),
        privileges=("administrator",),
        feature="recording",
        returns='The ID of the created record group: {"id": 123}.',
        data=Record(fields=(Param("id", INTEGER, "ID of the new record group.", required=True),)),
        params=(
            *AUTH,
            Param("name", STRING, "Name.", required=True, min_length=1, max_length=MAX_STRING),
            Param(
                "customer",
                INTEGER,
                "ID of customer to create in.",
                default=Default.CALLER_CUSTOMER,
                minimum=1,
                maximum=MAX_INTEGER,
            ),
            *group_fields(NEW_GROUP.__getitem__),
            VALIDATION,
        ),
    ),
    Function(
        path="recording/groups/update",
        summary="Updates an existing record group.",
        operation=groups.update,
        success="204",
        codes=codes("201", "204", "400", "401", "402", "403", "404"),
        privileges=("record",),
        feature="recording",
        params=(
            *AUTH,
            GROUP_ID,
            Param(
                "name",
                STRING,
                "Name.",
                default=Default.CURRENT,
                min_length=1,
                max_length=MAX_STRING,
            ),
            *group_fields(lambda name: Default.CURRENT),
            VALIDATION,
        ),
    ),
    Function(
        path="recording/groups/get",
        summary="Returns a record group's fields.",
        operation=groups.get,
        success="200",
        codes=codes("200", "400", "401", "402", "403", "404"),
        privileges=("record",),
        feature="recording",
        documented=False,
        returns="An object of the record group's fields.",
        data=GROUP_RECORD,
        params=(*AUTH, GROUP_ID),
    ),
    Function(
        path="recording/groups/list",
        summary="Lists a customer's record groups, by ID.",
        operation=groups.list_,
        success="200",
        codes=codes("200", "400", "401", "402", "403"),
        privileges=("record",),
        feature="recording",
        documented=False,
        returns="An array of record-group objects.",
        data=dataclasses.replace(GROUP_RECORD, many=True),
        params=(
            *AUTH,
            Param(
                "customer",
                INTEGER,
                "ID of customer whose record groups to list.",
                default=Default.CALLER_CUSTOMER,
                minimum=1,
                maximum=MAX_INTEGER,
            ),
        ),
    ),
    Function(
        path="recording/groups/delete",
        summary="Deletes a record group.",
        operation=groups.delete,
        success="204",
        codes=codes("204", "400", "401", "402", "403", "404"),
        privileges=("administrator",),
        feature="recording",
        documented=False,
        params=(*AUTH, GROUP_ID),
    ),
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
)

BY_PATH = {function.path: function for function in FUNCTIONS}

SECRET_PARAMS = frozenset(
    param.name for function in FUNCTIONS for param in function.params if param.secret
)
"""Parameters whose values never reach a log, the journal or an error message."""
