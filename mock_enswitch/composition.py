"""The composition root of a running mock, without its web apps: the default namespace's
Service, the namespaces, and the Enswitch API over them. The server answers the API from these
alone; the Flask app of the control API and the dashboard (app.py) is made over the same, when
it is first needed, so Flask is not on the path to `ready` (make bench, P3)."""

from __future__ import annotations

from dataclasses import dataclass

from .api.views import EnswitchApi
from .config import Config
from .namespaces import Namespaces
from .service import Service
from .surfaces import API_ROOT


@dataclass
class Mock:
    config: Config
    service: Service
    namespaces: Namespaces
    api: EnswitchApi
    roots: list[str]
    """Where the API is served: --api-root's first (what the deployment's clients use), then
    /api/json, both under the path prefix."""


def compose(config: Config) -> Mock:
    service = Service(config)
    return Mock(
        config,
        service,
        Namespaces(service, config.max_namespaces),
        EnswitchApi(service),
        api_roots(config),
    )


def api_roots(config: Config) -> list[str]:
    prefix = config.path_prefix.rstrip("/")
    extra = [prefix + config.api_root.rstrip("/")] if config.api_root else []
    return [*extra, prefix + API_ROOT]
