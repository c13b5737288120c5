"""Memory handed back after a large request body, where the C library can be asked to.

A body near the 4 MiB limit passes through several buffers (the socket's reads, uvicorn's
growing body, the joined body, the parsed form). Python frees them all, but glibc's malloc
keeps the freed pages for reuse, and in pieces it cannot reuse for the next large body: the
outside probe saw the server's RSS go from 40 to 367 MiB after 300 such bodies, and
`make bench`-style runs here ~0.8 MiB more per body, without end (tracemalloc: no Python object
kept). `malloc_trim(0)` returns those pages; it costs ~1 ms, so it is called only after a body of
`LARGE_BODY` or more, where it is small beside the body's own cost. Elsewhere (musl, macOS,
Windows) nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

LARGE_BODY = 256 * 1024


M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024
"""glibc's own default, held fixed: by default glibc raises it to the size of any mapped block
freed (a 4 MiB body), after which every large buffer comes from the heap, where it fragments."""


def _libc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    except (OSError, AttributeError):  # not glibc
        return None
    return libc


_LIBC = _libc()
_TRIM = _LIBC.malloc_trim if _LIBC is not None else None


def hold_large_buffers_apart() -> None:
    """Every buffer past 128 KiB its own mapping, given back when freed (called by `serve`)."""
    if _LIBC is not None:
        _LIBC.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def give_back_after(body_size: int) -> None:
    """Return freed heap pages to the system after a body of `body_size` bytes, if large."""
    if _TRIM is not None and body_size >= LARGE_BODY:
        _TRIM(0)
