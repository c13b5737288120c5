"""Who may use the control API: the rules that keep a web page in a developer's browser out.

A mock runs on a developer's laptop beside their browser, and any page can send it requests:
- a cross-origin form or `text/plain` POST needs no CORS preflight, so without a check any page
  could reset the mock. A state-changing call (anything but GET and HEAD) whose `Origin` is not
  the server's own is refused (403). Clients that are not browsers send no Origin, and pass;
- a DNS-rebinding page reaches the mock under its own name, and would then read replies as
  same-origin (and send a token it has guessed, such as compose's example one). So the control
  API answers only a `Host` that is a loopback name (localhost, *.localhost), an IP address (a
  browser sends the page's name, never the address it rebound to), or an `--allowed-host` name
  (e.g. a compose service name), on every bind, as Jupyter and Docker do (403); on a loopback
  bind, only loopback addresses;
- bound to a public address, the control API is off unless `--control-token` (then the token must
  come in the X-Mock-Enswitch-Token header, or the dashboard's cookie, set by opening
  /_mock/ui?token=...) or `--control-open`.
No reply carries CORS headers, so no page can read one. `/_mock/health` always answers (a
compose health check must see it on any address and name).
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import TYPE_CHECKING

from ..config import Config, is_loopback

if TYPE_CHECKING:
    from flask import Request

TOKEN_HEADER = "X-Mock-Enswitch-Token"
TOKEN_COOKIE = "mock_enswitch_token"
"""The dashboard's way to carry the token (a page cannot add a header to an <audio> request):
HttpOnly and SameSite=Strict, so another site's requests never carry it."""
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Refused(Exception):
    """The control API refuses this request: HTTP status, message, the field at fault."""

    def __init__(self, status: int, message: str, field: str = "") -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def check(
    config: Config, method: str, host: str, scheme: str, origin: str | None, token: str
) -> None:
    """Refused, unless a request of `method` to `host` (the Host header), from the page at
    `origin` (None: not a browser), presenting `token`, may use the control API. Asked with the
    request's parts, not a request: the control API's views and the reset served without Flask
    (served.py) ask the same questions."""
    if not config.control_enabled:
        raise Refused(
            404,
            "The control API is off: bound to a public address without "
            "--control-token or --control-open.",
        )
    if not host_allowed(host, config.allowed_hosts, loopback_only=is_loopback(config.host)):
        raise Refused(
            403,
            f"Host {host!r} is not a name of this mock: the control API answers loopback "
            "names, IP addresses and --allowed-host names only (a DNS-rebinding page is refused).",
            "Host",
        )
    if method not in SAFE_METHODS and origin is not None:
        own = f"{scheme}://{host}"
        if origin != own:
            raise Refused(
                403,
                f"Origin {origin!r} may not change the mock: only its own pages ({own}) and "
                "clients that send no Origin may.",
                "Origin",
            )
    if config.control_token and not token_matches(config.control_token, token):
        raise Refused(
            401,
            f"The control API needs the right {TOKEN_HEADER} header (missing or wrong).",
            TOKEN_HEADER,
        )


def check_request(config: Config, request: Request, query_token: bool = False) -> None:
    """`check` for a Flask request; `query_token`: the token may also come as ?token=."""
    presented = presented_token(request)
    if query_token and "token" in request.args:
        presented = request.args["token"]
    origin = request.headers.get("Origin")
    check(config, request.method, request.host, request.scheme, origin, presented)


def presented_token(request: Request) -> str:
    return request.headers.get(TOKEN_HEADER) or request.cookies.get(TOKEN_COOKIE) or ""


def token_matches(expected: str, presented: str) -> bool:
    return hmac.compare_digest(presented.encode(), expected.encode())


def host_allowed(host: str, allowed: tuple[str, ...], loopback_only: bool = True) -> bool:
    """`host` as the Host header has it (name or [address], maybe a port)."""
    if host.startswith("["):
        name = host[1 : host.find("]")] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.lower().rstrip(".")
    if is_loopback(name) or name in {a.lower().rstrip(".") for a in allowed}:
        return True
    return not loopback_only and is_address(name)


def is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def check_allowed_host(name: str) -> str:
    """An --allowed-host value: a plain host name (no port, scheme, path or wildcard), which is
    what it is compared with; anything else could never match, so it is refused at start."""
    if not name or any(c in name for c in ":/*@ ") or name != name.strip():
        raise ValueError(
            f"--allowed-host {name!r}: give a plain host name such as mock-enswitch "
            "(no port, scheme, path or wildcard)"
        )
    return name
