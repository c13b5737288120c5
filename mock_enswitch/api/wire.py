"""A call of the Enswitch API as the mock reads and answers it, whichever server carried it: the
request's parts (method, path, query, headers, body) and the reply's (status, headers, and bytes,
or a file sent as itself).

The server answers the API straight from these on its event loop (api/served.py): building a
WSGI environ, Werkzeug's Request and Response and `start_response` for every call cost about
200 us of the ~280 us a served call took, for nothing the mock needed (make bench, P1). The
same API still answers as a WSGI app (`EnswitchApi`, for Flask's test client and the app used
as a library), through `from_environ` and `to_wsgi` here. Werkzeug is used where it does real
work: a multipart body's parser (api/params.py) and the WSGI file wrapper.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..streaming import FILE_BLOCK

if TYPE_CHECKING:
    from ..domain.outcome import FileReply

TOO_LARGE = "The data value transmitted exceeds the capacity limit."
"""The 413's message (Werkzeug's words, which the API used when Werkzeug refused the body)."""


class TransportError(Exception):
    """The request cannot be read (a body too large, a multipart form past its limits): the
    envelope with `status` as its code, and the same HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(slots=True)
class ApiRequest:
    method: str
    path: str
    """As asked, slashes merged, with the namespace's prefix and the API's root: for the journal
    and the log."""
    function: str
    """The path under the API's root, without its slashes: the function's name."""
    query: bytes
    headers: dict[str, str]
    """Lower-case names; a header sent twice has its values joined with commas."""
    body: bytes = b""
    too_large: bool = False
    """The body passed the limit and was not read: a call that needs it is a 413."""

    @property
    def mimetype(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def whole_body(self) -> bytes:
        if self.too_large:
            raise TransportError(413, TOO_LARGE)
        return self.body


class Reply:
    """A reply of the Enswitch API, and the code it carries (what the journal records). Its
    headers are complete (Content-Type and Content-Length included) when it is made."""

    __slots__ = ("status", "headers", "body", "code", "file", "drop", "unrecorded")

    def __init__(
        self,
        body: bytes,
        status: int = 200,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        code: str = "",
    ) -> None:
        self.status = status
        self.body = body
        self.code = code
        self.headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        self.headers.extend((headers or {}).items())
        self.file: FileReply | None = None
        self.drop = False
        """A `close` fault: the server drops the connection with nothing written. Where it
        cannot (a WSGI server), the empty reply with `Connection: close` goes instead."""
        self.unrecorded: tuple | None = None
        """The call's journal entry and log line, left to make once the reply is on its way
        (api/views.py, `record`)."""

    @classmethod
    def of_file(cls, file: FileReply) -> Reply:
        """A file as itself (recordings/get with wrap=none), made as the socket takes it, so a
        long recording costs no memory; its length is known ahead, so the client sees
        Content-Length."""
        reply = cls(b"", content_type=file.mimetype, code="200")
        reply.headers = [
            ("Content-Type", file.mimetype),
            ("Content-Length", str(file.size)),
            ("Content-Disposition", f'attachment; filename="{file.name}"'),
        ]
        reply.file = file
        return reply

    @property
    def content_type(self) -> str:
        return self.headers[0][1]


def from_environ(environ: dict, max_body: int) -> ApiRequest:
    """A WSGI call of the API (under the mount: SCRIPT_NAME holds the root) as an ApiRequest."""
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].lower().replace("_", "-")] = value
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers[key.lower().replace("_", "-")] = value
    length = headers.get("content-length", "")
    size = int(length) if length.isascii() and length.isdigit() else None
    too_large = size is not None and size > max_body
    body = b""
    stream = environ.get("wsgi.input")
    if stream is not None and not too_large and (size or "transfer-encoding" in headers):
        body = stream.read(size) if size is not None else stream.read()
        too_large = len(body) > max_body
    script = _text(environ.get("SCRIPT_NAME", ""))
    path_info = _text(environ.get("PATH_INFO", ""))
    return ApiRequest(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        path=script + "/" + path_info.lstrip("/"),
        function=path_info.strip("/"),
        query=environ.get("QUERY_STRING", "").encode("latin-1"),
        headers=headers,
        body=b"" if too_large else body,
        too_large=too_large,
    )


def _text(wsgi_string: str) -> str:
    """A WSGI path (bytes as latin-1) as the text a client meant (UTF-8), as Werkzeug reads it."""
    return wsgi_string.encode("latin-1").decode("utf-8", "replace")


def to_wsgi(reply: Reply, environ: dict, start_response) -> Iterable[bytes]:
    from werkzeug.http import HTTP_STATUS_CODES
    from werkzeug.wsgi import wrap_file

    start_response(
        f"{reply.status} {HTTP_STATUS_CODES.get(reply.status, 'UNKNOWN')}", reply.headers
    )
    if environ.get("REQUEST_METHOD") == "HEAD":
        return []
    if reply.file is not None:
        return wrap_file(environ, reply.file.open(), buffer_size=FILE_BLOCK)
    return [reply.body]
