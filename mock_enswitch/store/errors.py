"""What can go wrong with a database file, as values the CLI turns into one line each."""

from __future__ import annotations


class DatabaseUnusable(Exception):
    """The database cannot be opened; the message names the file, why, and what to do. Nothing
    was written: a start refused with this leaves every file as it found it."""


class CorruptDatabase(DatabaseUnusable):
    """The database file or its log cannot be read; the message names the file and why."""


class DatabaseLocked(DatabaseUnusable):
    """Another mock-enswitch process holds the database."""


class StorageFailed(Exception):
    """A write could not be made durable; the data is as it was before the write."""
