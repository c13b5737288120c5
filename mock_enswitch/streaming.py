"""A file sent as itself, made as the socket takes it: recordings/get with wrap=none and the
dashboard's player both send recordings this way."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response
from werkzeug.wsgi import wrap_file

FILE_BLOCK = 256 * 1024


def file_response(
    opened: Any, size: int, mimetype: str, environ: dict, response_class: type = Response
) -> Any:
    """`opened` (a seekable file-like object) through the server's file wrapper: the server
    sends it block by block as the socket takes them, so a long recording costs no memory; its
    length is known ahead, so the client sees Content-Length. Blocks of 256 KiB (Werkzeug's own
    8 KiB made a 1-hour recording ~7,000 sends)."""
    blocks = wrap_file(environ, opened, buffer_size=FILE_BLOCK)
    response = response_class(blocks, mimetype=mimetype, direct_passthrough=True)
    response.headers["Content-Length"] = str(size)
    return response
