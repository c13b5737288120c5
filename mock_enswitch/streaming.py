"""A file sent as itself, made as the socket takes it: recordings/get with wrap=none and the
dashboard's player both send recordings this way."""

from __future__ import annotations

from typing import Any

FILE_BLOCK = 256 * 1024
"""A file goes out in blocks of this size, as the socket takes them (Werkzeug's own 8 KiB made
a 1-hour recording ~7,000 sends)."""


def file_response(opened: Any, size: int, mimetype: str, environ: dict) -> Any:
    """`opened` (a seekable file-like object) through the server's file wrapper: the server
    sends it block by block as the socket takes them, so a long recording costs no memory; its
    length is known ahead, so the client sees Content-Length."""
    from werkzeug.wrappers import Response
    from werkzeug.wsgi import wrap_file

    blocks = wrap_file(environ, opened, buffer_size=FILE_BLOCK)
    response = Response(blocks, mimetype=mimetype, direct_passthrough=True)
    response.headers["Content-Length"] = str(size)
    return response
