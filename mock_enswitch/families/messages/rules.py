"""messages/text/send: a text message from a line or number of the customer, kept as received.

Sources: ../shared/clients.md section 4 [DOC 3.13, 4.2, 4.4]: the "send messages" role
privilege; the customer must own the sending number or line; 204 "submitted" (the sending is
asynchronous); 403 from the rate plan; `filenameX`/`fileX` (base64) attachments from 4.2. Our
decisions where the guide is silent [INFER]:

- `stype=phone`: `snumber` is a telephone line of the customer; else a number the customer owns
  (numbers.json, numbers/purchase). Anything else is a 400 naming `snumber`.
- `cnumber` is any telephone number (digits, a leading + taken); else a 400 naming it.
- The rate plan must have the feature "text messages" (403 otherwise): the shipped Full plan
  has it, Basic does not.
- Attachments: filename1/file1 up to filename5/file5; a file that is not base64 is a 400 naming
  it; a file without its filename is named "attachmentN".
- Every message is kept as received, nothing decoded again (a client that encodes twice sees
  its `%20` kept: `GET /_mock/messages`), with the time on the mock clock; a reset clears them.
  Each also makes a `class=message` event (`event=sent`) for the customer's events URL and
  the websocket (calls.md, Events).
"""

from __future__ import annotations

import base64
import binascii

from ...domain.access import RequestContext
from ...domain.calls import is_number
from ...domain.errors import BadRequest
from ..numbers import rules as numbers
from ..phones import rules as phones

ATTACHMENTS = 5
FEATURE = "text messages"


def send(request: RequestContext, values: dict) -> None:
    customer = request.target
    db = request.switch.db
    snumber, cnumber = values["snumber"], values["cnumber"]
    if values["stype"] == "phone":
        line = phones.by_name(db, snumber)
        if line is None or line["customer"] != customer:
            raise BadRequest(
                "snumber", f"{snumber} is not a telephone line of customer {customer}."
            )
    else:
        number = numbers.by_number(db, snumber)
        if number is None or number["customer"] != customer:
            raise BadRequest("snumber", f"{snumber} is not a number of customer {customer}.")
    if not is_number(cnumber):
        raise BadRequest("cnumber", "cnumber must be a telephone number (digits, up to 40).")
    attachments = []
    for index in range(1, ATTACHMENTS + 1):
        data = values.get(f"file{index}", "")
        if not data:
            continue
        try:
            size = len(base64.b64decode(data, validate=True))
        except (binascii.Error, ValueError):
            raise BadRequest(f"file{index}", f"file{index} must be base64.") from None
        name = values.get(f"filename{index}") or f"attachment{index}"
        attachments.append({"filename": name, "size": size})
    message = {
        "time": request.switch.now(),
        "customer": customer,
        "user": request.caller.person["username"],
        "stype": values["stype"],
        "snumber": snumber,
        "cnumber": cnumber,
        "message": values["message"],
        "attachments": attachments,
    }
    request.switch.texts.send(message)
    request.switch.events.emit_fields(
        "message",
        "sent",
        request.switch.clock.now(),
        {k: v for k, v in message.items() if k not in ("time", "user", "attachments")}
        | {"attachments": len(attachments)},
    )
