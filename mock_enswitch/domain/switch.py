"""The switch's state as the domain sees it: the database, the clock, the outbox, and the
installation-wide token key."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..store.database import Database
from .clock import Clock
from .events import Events
from .far_ends import FarEnds
from .outbox import Outbox


@dataclass
class Switch:
    db: Database
    token_expiry: int = 3600
    """Seconds an auth_token lives ("Authentication token expiry"); 0 for tokens that never expire."""
    token_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    """Enswitch keeps its signing key in the database; ours lives as long as the process unless set."""
    clock: Clock = field(default_factory=Clock)
    outbox: Outbox = field(default_factory=Outbox)
    texts: Outbox = field(default_factory=Outbox)
    """The text messages sent (messages/text/send), as received: `/_mock/messages`."""
    events: Events = field(default_factory=Events)
    """What the switch's calls have pushed (events.py), and the answers still to come."""
    far_ends: FarEnds = field(default_factory=FarEnds)
    """How the far ends of the next calls behave, as a test steers them (far_ends.py)."""
    settle_after: float = float("-inf")
    """No call in progress ends before this time (see calls.settle); -inf: look."""
    finds: Mapping[str, Callable] = field(default_factory=dict)
    """How the switch finds what the families keep: "line" (by name) and "record_group" (by
    ID), given by the composition root from the families' declarations: the switch lies below
    the families and imports none of them."""
    call_ended: tuple[Callable, ...] = ()
    """What the families do when a call ends (the call-record family records it)."""
    on_delete: Callable[[str], tuple[Callable, ...]] = lambda kind: ()
    """What goes with a deleted record of a kind: the hooks the families declare (a group's
    recordings, its lines' setting), given by the composition root: the domain knows no list
    of families."""

    def line(self, name: str) -> dict | None:
        """The telephone line with this name, or None."""
        return self.finds["line"](self.db, name)

    def record_group(self, group_id: int) -> dict | None:
        return self.finds["record_group"](self.db, group_id)

    def now(self) -> int:
        return int(self.clock.now())
