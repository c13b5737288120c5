"""A name under /api/json/ that the mock does not serve: a real function it lacks, a function of
another Enswitch version, or no function at all. Each is answered in its own words (see
`catalogue.py` for why the difference matters to a client)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from ..catalogue import real_at, real_functions
from ..domain.access import authenticate
from ..domain.errors import NotFound, NotServed
from ..suggest import did_you_mean
from ..surfaces import API_ROOT
from ..versions import format_version

if TYPE_CHECKING:
    from ..domain.switch import Switch
    from ..versions import Version

TOKENS_FROM: Version = (4, 1)
NO_FUNCTION = (
    "No function named: call {root}/<category>/<action>/, e.g. "
    "{root}/recording/groups/list/; /_mock/functions lists what this mock serves."
)


def refuse(
    switch: Switch,
    version: Version,
    served: frozenset[str],
    path: str,
    raw: dict[str, str],
    prefix: str = "",
) -> NoReturn:
    """Raise the answer for `path`, which the mock does not serve at `version` (`prefix`: the
    one the API is served under, for the message that shows a whole URL)."""
    if not path:
        raise NotFound(NO_FUNCTION.format(root=prefix.rstrip("/") + API_ROOT))
    real = real_functions().get(path)
    emulated = format_version(version)
    if real is not None and real.exists_at(version):
        token = raw.get("auth_token") if version >= TOKENS_FROM else None
        authenticate(switch, raw.get("auth_username"), raw.get("auth_password"), token)
        raise NotServed(
            f"{path} is a function of Enswitch {emulated} that mock-enswitch does not serve "
            "yet. A fault rule can answer it (POST /_mock/faults); /_mock/functions lists "
            "what is served."
        )
    if real is not None:  # added after the emulated version
        raise NotFound(
            f"Unknown function: {path}. Enswitch {format_version(real.added)} added it; this "
            f"mock emulates {emulated} (--enswitch-version)."
        )
    close = did_you_mean(path, served | real_at(version), cutoff=0.75)
    raise NotFound(f"Unknown function: {path}{close or '.'}")
