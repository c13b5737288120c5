"""The record-group family: recording/groups/create, update, get, list, delete.

Sources: ../shared/enswitch-api.md sections 2.1, 2.2 (create, update: documented) and "Our
decisions" / 2.4 (get, list and delete, which the guides leave open).
"""

from __future__ import annotations

import dataclasses
import functools

from ...api.common import AUTH, FLAG, VALIDATION, codes, customer_param
from ...api.table import (
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
from ...domain.access import CUSTOMER
from . import rules as groups
from .rules import GROUP, MESSAGE_CHOICES, NEW_GROUP

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


group_codes = functools.partial(codes, not_found=groups.NOT_FOUND)
"""A group function's codes; `action=` words its 404 as the guide does ("...to update it.")."""


FUNCTIONS: tuple[Function, ...] = (
    Function(
        path="recording/groups/create",
        summary="Creates a new record group.",
        operation=groups.create,
        concerns=CUSTOMER,
        success="200",
        codes=group_codes("200", "201", "400", "401", "402", "403"),
        privileges=("administrator",),
        feature="recording",
        returns='The ID of the created record group: {"id": 123}.',
        data=Record(fields=(Param("id", INTEGER, "ID of the new record group.", required=True),)),
        params=(
            *AUTH,
            Param("name", STRING, "Name.", required=True, min_length=1, max_length=MAX_STRING),
            customer_param("ID of customer to create in."),
            *group_fields(NEW_GROUP.__getitem__),
            VALIDATION,
        ),
    ),
    Function(
        path="recording/groups/update",
        summary="Updates an existing record group.",
        operation=groups.update,
        concerns=GROUP,
        success="204",
        codes=group_codes("201", "204", "400", "401", "402", "403", "404", action="update"),
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
        concerns=GROUP,
        success="200",
        codes=group_codes("200", "400", "401", "402", "403", "404", action="view"),
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
        concerns=CUSTOMER,
        success="200",
        codes=group_codes("200", "400", "401", "402", "403"),
        privileges=("record",),
        feature="recording",
        documented=False,
        returns="An array of record-group objects.",
        data=dataclasses.replace(GROUP_RECORD, many=True),
        params=(
            *AUTH,
            customer_param("ID of customer whose record groups to list."),
        ),
    ),
    Function(
        path="recording/groups/delete",
        summary="Deletes a record group.",
        operation=groups.delete,
        concerns=GROUP,
        success="204",
        codes=group_codes("204", "400", "401", "402", "403", "404", action="delete"),
        privileges=("administrator",),
        feature="recording",
        documented=False,
        params=(*AUTH, GROUP_ID),
    ),
)
