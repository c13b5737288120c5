"""Where each surface lives: the Enswitch API and the control API, each with its error format.

A reply the app or the server makes outside a view (a routing error, a body too large, a crash)
answers in the format of the surface asked: the Enswitch envelope under the API, the control
API's {"error", "field"} under /_mock/.
"""

from __future__ import annotations

API_ROOT = "/api/json"
CONTROL_ROOT = "/_mock"


def is_control(path: str) -> bool:
    return path == CONTROL_ROOT or path.startswith(CONTROL_ROOT + "/")
