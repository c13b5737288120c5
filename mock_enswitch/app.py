"""The application factory: one app per `Config`: the Enswitch API (its own Werkzeug app, see
api/views.py) mounted beside the Flask app of the control API and the dashboard."""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from .api.envelope import failure
from .composition import Mock, compose
from .config import Config
from .control.dashboard import blueprint as dashboard_blueprint
from .control.directory import blueprint as directory_blueprint
from .control.front import blueprint as front_blueprint
from .control.namespaces import blueprint as namespaces_blueprint
from .control.simulation import blueprint as simulation_blueprint
from .control.views import blueprint as control_blueprint
from .control.views import problem
from .namespaces import namespaced
from .store.logstorage import StorageFailed
from .surfaces import CONTROL_ROOT, INTERNAL_ERROR, STORAGE_FAILED, is_control, merged_slashes

log = logging.getLogger("mock_enswitch")


def create_app(config: Config | None = None, mock: Mock | None = None) -> Flask:
    """The mock as one WSGI app; `mock`: the running mock the server already made, for the
    control API and the dashboard (the server answers the API itself, api/served.py)."""
    if mock is None:
        mock = compose(config or Config())
    config, service, namespaces = mock.config, mock.service, mock.namespaces
    app = Flask("mock_enswitch")
    app.json.sort_keys = False  # "responses" first and fields in their order, as Enswitch sends
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_size  # the server refuses first; tests too
    app.extensions["mock_enswitch"] = service
    app.register_blueprint(control_blueprint, url_prefix=CONTROL_ROOT)
    app.register_blueprint(simulation_blueprint, url_prefix=CONTROL_ROOT)
    app.register_blueprint(directory_blueprint, url_prefix=CONTROL_ROOT)
    app.register_blueprint(dashboard_blueprint, url_prefix=CONTROL_ROOT)
    app.register_blueprint(namespaces_blueprint, url_prefix=CONTROL_ROOT)
    app.register_blueprint(front_blueprint)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StorageFailed, _storage_failed)
    app.register_error_handler(Exception, _unexpected_error)
    app.extensions["mock_enswitch_namespaces"] = namespaces
    mounts = dict.fromkeys(mock.roots, mock.api)
    app.wsgi_app = slashes_merged(
        namespaced(DispatcherMiddleware(app.wsgi_app, mounts), namespaces)
    )
    return app


def slashes_merged(wsgi_app):
    """The app with repeated slashes in the path taken as one (`merged_slashes`): the API's
    mount would not match `//api/json/...`."""

    def app(environ, start_response):
        environ["PATH_INFO"] = merged_slashes(environ.get("PATH_INFO", ""))
        return wsgi_app(environ, start_response)

    return app


def _http_error(error: HTTPException) -> Response:
    """Routing errors (no such URL, PUT, a body too large...) in the surface's own format (the
    envelope outside the control API), never an HTML page; a 405 keeps its Allow header."""
    response = _problem(error.code or 500, error.description or error.name)
    response.headers.update(kept_headers(error))
    return response


def kept_headers(error: HTTPException) -> dict[str, str]:
    """An HTTP error's headers worth keeping in any surface's reply (Allow), not its type."""
    return {name: value for name, value in error.get_headers() if name.lower() != "content-type"}


def _storage_failed(error: StorageFailed) -> Response:
    log.error("%s", error)
    return _problem(500, STORAGE_FAILED.format(error=error))


def _unexpected_error(error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.path)
    return _problem(500, INTERNAL_ERROR)


def _problem(status: int, message: str) -> Response:
    if is_control(request.path):
        response, status = problem(status, message)
        response.status_code = status
        return response
    envelope = failure(status, message)
    return Response(envelope.body, status, headers=envelope.headers)
