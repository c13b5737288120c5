"""messages/text/send [DOC 3.13, 4.2, 4.4; ../shared/clients.md section 4]."""

from __future__ import annotations

from ...api.common import AUTH, codes, customer_param
from ...api.table import STRING, Function, Param
from ...domain.access import CUSTOMER
from . import rules

ATTACHMENT_PARAMS = tuple(
    param
    for index in range(1, rules.ATTACHMENTS + 1)
    for param in (
        Param(f"filename{index}", STRING, f"File name of attachment {index}.", default="",
              max_length=255, added=(4, 2)),
        Param(f"file{index}", STRING, f"Attachment {index}, base64 encoded.", default="",
              max_length=8 * 1024 * 1024, added=(4, 2)),
    )
)  # fmt: skip

FUNCTIONS = (
    Function(
        path="messages/text/send",
        summary="Sends a text message (asynchronously).",
        operation=rules.send,
        concerns=CUSTOMER,
        feature=rules.FEATURE,
        success="204",
        codes=codes("204", "400", "401", "402", "403"),
        privileges=("send messages",),
        returns="No data.",
        params=(
            *AUTH,
            Param("cnumber", STRING, "Number to send the message to.", required=True,
                  min_length=1, max_length=40, examples=("0412345678",)),
            Param("message", STRING, "The message.", required=True, max_length=4096,
                  examples=("Hello",)),
            Param("stype", STRING, '"phone" to send from a telephone line; empty for a number.',
                  default="", choices=("", "phone")),
            Param("snumber", STRING, "Line or number to send from.", required=True,
                  min_length=1, max_length=64, examples=("2125550100",)),
            customer_param("ID of customer sending."),
            *ATTACHMENT_PARAMS,
        ),
    ),
)  # fmt: skip
