"""mock-enswitch: a local mock of the Enswitch JSON API, with state and faults on demand."""

from __future__ import annotations

from .app import create_app
from .config import Config

__version__ = "0.1.0"
__all__ = ["Config", "create_app", "__version__"]
