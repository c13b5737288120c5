"""Where each surface lives: the Enswitch API and the control API, each with its error format.

A reply the app or the server makes outside a view (a routing error, a body too large, a crash)
answers in the format of the surface asked: the Enswitch envelope under the API, the control
API's {"error", "field"} under /_mock/.
"""

from __future__ import annotations

import re

from .api.envelope import envelope

API_ROOT = "/api/json"
CONTROL_ROOT = "/_mock"
STORAGE_FAILED = "The mock could not store the change: {error}."
"""The database file refused a write (disk full...): the storage has put memory back as the file
holds it, so the client is told plainly that nothing was stored (HTTP 500)."""
INTERNAL_ERROR = "Internal error in mock-enswitch; see its log."
"""A bug of ours: the client still gets its surface's format (HTTP 500); the traceback goes to
the log."""


SLASHES = re.compile("/{2,}")


def merged_slashes(path: str) -> str:
    """Repeated slashes taken as one: a client whose base URL ends in `/` asks for
    `//api/json/...`, which a real switch's web server answers (Apache merges slashes)."""
    return SLASHES.sub("/", path) if "//" in path else path


def is_control(path: str) -> bool:
    return path == CONTROL_ROOT or path.startswith(CONTROL_ROOT + "/")


def control_error(message: str, field: str = "") -> dict[str, str]:
    """The control API's error format."""
    return {"error": message, "field": field}


def error_body(path: str, status: int, message: str) -> dict:
    """An error of `status` in the format of the surface `path` belongs to: the control API's
    under /_mock/, the Enswitch envelope (the status as its code) anywhere else."""
    if is_control(path):
        return control_error(message)
    return envelope(str(status), "", message)
