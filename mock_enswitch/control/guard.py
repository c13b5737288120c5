"""Who may use the control API: the rules that keep a web page in a developer's browser out.

A mock runs on a developer's laptop beside their browser, and any page can send it requests:
- a cross-origin form or `text/plain` POST needs no CORS preflight, so without a check any page
  could reset the mock. A state-changing call (anything but GET and HEAD) whose `Origin` is not
  the server's own is refused (403). Clients that are not browsers send no Origin, and pass;
- a DNS-rebinding page reaches 127.0.0.1 under its own name, and would then read replies as
  same-origin. On a loopback bind only loopback `Host` names are answered (localhost,
  *.localhost, 127.x.x.x, [::1]) plus `--allowed-host` names, as Jupyter and Docker do (403);
- bound to a public address, the control API is off unless `--control-token` (then the token
  must come in the X-Mock-Enswitch-Token header) or `--control-open`.
No reply carries CORS headers, so no page can read one. `/_mock/health` always answers (a
compose health check must see it on any address and name).
"""

from __future__ import annotations

import hmac

from flask import Request

from ..config import Config, is_loopback

TOKEN_HEADER = "X-Mock-Enswitch-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Refused(Exception):
    """The control API refuses this request: HTTP status, message, the field at fault."""

    def __init__(self, status: int, message: str, field: str = "") -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def check(config: Config, request: Request) -> None:
    if not config.control_enabled:
        raise Refused(
            404,
            "The control API is off: bound to a public address without "
            "--control-token or --control-open.",
        )
    if is_loopback(config.host) and not host_allowed(request.host, config.allowed_hosts):
        raise Refused(
            403,
            f"Host {request.host!r} is not this machine: the control API answers loopback names "
            "and --allowed-host names only (a DNS-rebinding page is refused).",
            "Host",
        )
    origin = request.headers.get("Origin")
    if request.method not in SAFE_METHODS and origin is not None:
        own = f"{request.scheme}://{request.host}"
        if origin != own:
            raise Refused(
                403,
                f"Origin {origin!r} may not change the mock: only its own pages ({own}) and "
                "clients that send no Origin may.",
                "Origin",
            )
    if config.control_token and not hmac.compare_digest(
        request.headers.get(TOKEN_HEADER, "").encode(), config.control_token.encode()
    ):
        raise Refused(401, f"The control API needs the {TOKEN_HEADER} header.", TOKEN_HEADER)


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """`host` as the Host header has it (name or [address], maybe a port)."""
    if host.startswith("["):
        name = host[1 : host.find("]")] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.lower().rstrip(".")
    return is_loopback(name) or name in {a.lower() for a in allowed}
