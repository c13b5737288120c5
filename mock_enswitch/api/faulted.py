"""Replies for injected faults: an Enswitch envelope with any code, or a broken transport.

The envelope carries the documented message of the code (domain/errors.py), so a client that
shows or matches on messages sees what the real switch would send.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Mapping

from ..domain.errors import STANDARD_MESSAGES
from ..faults import Effect
from .envelope import envelope, reply
from .wire import Reply

PROXY_PAGE = (
    "<html>\r\n<head><title>{status}</title></head>\r\n<body>\r\n"
    "<center><h1>{status}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
PROXY_STATUS = {"502": "502 Bad Gateway", "503": "503 Service Temporarily Unavailable"}
GENERIC_MESSAGE = "Error."
TEXT = "text/plain; charset=utf-8"


def wait(effect: Effect) -> None:
    """The effect's delay, fixed or uniform between its bounds; call it outside every lock."""
    if effect.delay is not None:
        low, high = effect.delay
        time.sleep(low if low == high else random.uniform(low, high))


def faulted_reply(effect: Effect, documented: Mapping[str, str]) -> Reply | None:
    """The reply that replaces the call's own, or None when the effect is a delay alone.
    `documented`: the function's codes and their messages (a 404 is worded per function)."""
    if effect.code is not None:
        message = effect.message
        if message is None and effect.code == "404" and documented.get("404"):
            message = documented["404"]
        if message is None:
            message = STANDARD_MESSAGES.get(effect.code, GENERIC_MESSAGE)
        return reply(envelope(effect.code, effect.key, message))
    if effect.network is None:
        return None
    if effect.network == "close":  # dropped by the server; where it cannot, this empty reply
        response = Reply(b"", content_type=TEXT, headers={"Connection": "close"})
        response.drop = True
    elif effect.network == "truncate":
        whole = json.dumps(envelope("200", data={"id": 1}))
        response = Reply(whole[: len(whole) // 2].encode())
    else:
        status = PROXY_STATUS[effect.network]
        page = PROXY_PAGE.format(status=status).encode()
        response = Reply(page, int(effect.network), content_type="text/html; charset=utf-8")
    response.code = effect.network
    return response
