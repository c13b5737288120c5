"""mock-enswitch: a local mock of the Enswitch JSON API, with state and faults on demand."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import Config

if TYPE_CHECKING:
    from .app import create_app


def __getattr__(name: str):
    """`create_app` imported when first asked for: `mock-enswitch serve` answers the API
    without Flask, which it loads only after `ready`."""
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__version__ = "0.1.0"
__all__ = ["Config", "create_app", "__version__"]
