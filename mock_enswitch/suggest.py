"""Close names for a misspelt one: "did you mean ...?" in every message that refuses a name."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """ "; did you mean a or b?" with up to three close choices, or "" when none is close."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=3, cutoff=cutoff)
    return f"; did you mean {' or '.join(close)}?" if close else ""
