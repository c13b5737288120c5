"""The database's lock: `<db>.lock`, held (flock) for as long as a process uses the database.

It is taken before anything else touches the database's files, on every path that opens one, and
the lock file itself is never written, truncated or removed. So a second process (a second
`serve`, a `--reset` from another shell) is refused having touched nothing but this empty file:
not the log the running server writes through its memory map, not the snapshot, not a temp file.
Earlier, the lock lived on the log itself and a refused start trimmed that log on its way out.
"""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

from .errors import DatabaseLocked, DatabaseUnusable

try:
    import fcntl
except ImportError:  # Windows: no advisory lock; one server per file is up to the user
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("mock_enswitch.store")


class DatabaseLock:
    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        folder = db_path.parent
        _make_folder(folder, db_path)
        try:
            # Open for writing though it is never written: on NFS, flock is emulated by fcntl
            # locks, and an exclusive one needs a file open for writing.
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise _unusable(db_path, folder, error) from None
        try:
            self._take(db_path)
        except BaseException:
            os.close(self._fd)
            raise

    def _take(self, db_path: Path) -> None:
        if fcntl is None:
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseLocked(
                f"{db_path}: in use by another mock-enswitch process: stop it, or give this one "
                "another --db (or --memory)"
            ) from None
        except OSError as error:  # a file system without locks (some NFS): serve unguarded
            log.warning("cannot lock %s (%s): nothing stops a second server", self.path, error)

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = -1


def check_writable(folder: Path, db_path: Path) -> None:
    """Fail now, at start, if the folder refuses new files (read-only, immutable, a volume
    owned by another user): a compaction, a reset and a clean stop all need one. Called under
    the lock: the probe is the compaction's own temp file name."""
    probe = db_path.with_name(db_path.name + ".tmp")
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))
        os.unlink(probe)
    except OSError as error:
        raise _unusable(db_path, folder, error) from None


def _make_folder(folder: Path, db_path: Path) -> None:
    for parent in (folder, *folder.parents):
        if parent.exists() and not parent.is_dir():
            raise DatabaseUnusable(
                f"cannot use the database {db_path}: {parent} is a file, not a directory: "
                "give --db a path inside a directory"
            )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _unusable(db_path, folder, error) from None


def _unusable(db_path: Path, folder: Path, error: OSError) -> DatabaseUnusable:
    why = error.strerror or str(error)
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        advice = "make it writable by this user, or give another --db (or --memory)"
    elif error.errno == errno.ENOSPC:
        advice = "free some space, or give another --db (or --memory)"
    else:
        advice = "give another --db (or --memory)"
    where = error.filename or folder
    return DatabaseUnusable(f"cannot use the database {db_path}: {where}: {why}: {advice}")
