"""The `mock-enswitch` command. Every option of `serve` is also read from MOCK_ENSWITCH_<OPTION>."""

from __future__ import annotations

import contextlib
import errno
import gc
import json
import re
import signal
import socket
import sys
import threading
from pathlib import Path

import click
from click.core import ParameterSource

from .config import DEFAULT_DB, Config, is_loopback
from .faults import RuleError
from .fixtures import FixtureError
from .store.errors import DatabaseUnusable, StorageFailed
from .versions import KNOWN_VERSIONS, NEWEST, format_version


def env(name: str) -> str:
    return "MOCK_ENSWITCH_" + name.upper()


PREFIX = re.compile(r"(/[A-Za-z0-9._~-]+)*/?")


def checked_prefix(value: str) -> str:
    """A path prefix as the API's mount needs it: empty, or `/` and path segments (`/local`);
    a prefix without its leading slash never matched a request, and the server started anyway."""
    if not PREFIX.fullmatch(value or ""):
        raise click.BadParameter(
            f"{value!r} is not a path prefix: give one like /local (a leading /, then letters, "
            "digits, '.', '_', '~' or '-' between slashes)"
        )
    return (value or "").rstrip("/")


def checked_root(value: str) -> str:
    """Another API root: a path like /pbx_api, not the control API's or the standard one."""
    root = checked_prefix(value)
    if value and not root:
        raise click.BadParameter("give a root like /pbx_api (not / alone)")
    if root in ("/api/json", "/_mock", "/ns") or root.startswith(("/_mock/", "/ns/")):
        raise click.BadParameter(f"{root} is taken: give another root, e.g. /pbx_api")
    return root


@click.group(context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 100})
@click.version_option(package_name="mock-enswitch")
def main() -> None:
    """A local mock of the Enswitch JSON API, with state and faults on demand."""


class EnvironmentNamingCommand(click.Command):
    """A bad value read from the environment is named by its variable (MOCK_ENSWITCH_PORT), not
    by the option nobody typed (--port)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.BadParameter as error:
            param = error.param
            source = ctx.get_parameter_source(param.name) if param and param.name else None
            if source == ParameterSource.ENVIRONMENT and isinstance(param.envvar, str):
                error.param_hint = f"environment variable {param.envvar}"
            raise


@main.command(cls=EnvironmentNamingCommand)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar=env("host"),
    help="Address to listen on. 0.0.0.0 for every interface (then the control API "
    "needs --control-token or --control-open).",
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    envvar=env("port"),
    help="Port to listen on; 0 picks a free one (printed at start).",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    envvar=env("db"),
    help="Database file; kept across restarts.",
)
@click.option(
    "--memory",
    is_flag=True,
    envvar=env("memory"),
    help="Keep everything in memory instead of --db (for tests).",
)
@click.option(
    "--fixtures",
    "fixtures_dir",
    envvar=env("fixtures"),
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Directory of fixture files to seed from.  [default: the shipped fixtures]",
)
@click.option(
    "--reset",
    is_flag=True,
    envvar=env("reset"),
    help="Drop the stored data and seed again from the fixtures.",
)
@click.option(
    "--reset-if-changed",
    is_flag=True,
    envvar=env("reset_if_changed"),
    help="Seed again at start when the fixture files changed since the data was seeded.",
)
@click.option(
    "--fsync",
    is_flag=True,
    envvar=env("fsync"),
    help="Force each acknowledged write to disk: survives power loss, not only a crash.",
)
@click.option(
    "--enswitch-version",
    default=None,
    type=click.Choice([format_version(v) for v in KNOWN_VERSIONS]),
    envvar=env("enswitch_version"),
    help="Enswitch version to emulate.  [default: the fixture directory's settings.json, "
    f"else {format_version(NEWEST)}]",
)
@click.option(
    "--strict",
    is_flag=True,
    envvar=env("strict"),
    help="Answer 400 on parameters the emulated version does not know (default: ignore).",
)
@click.option(
    "--path-prefix",
    default="",
    envvar=env("path_prefix"),
    callback=lambda ctx, param, value: checked_prefix(value),
    help="Serve the API under a prefix, e.g. /local for /local/api/json/.",
)
@click.option(
    "--api-root",
    default="",
    envvar=env("api_root"),
    callback=lambda ctx, param, value: checked_root(value),
    metavar="PATH",
    help="Serve the API at this root as well as /api/json/, e.g. /pbx_api (under the prefix).",
)
@click.option(
    "--numeric-codes",
    is_flag=True,
    envvar=env("numeric_codes"),
    help="Every envelope's code as a JSON number, not a string (a call's "
    "X-Mock-Enswitch-Codes: numeric|string header chooses for itself).",
)
@click.option(
    "--token-expiry",
    default=3600,
    show_default=True,
    type=click.IntRange(0),
    envvar=env("token_expiry"),
    help="Seconds an auth_token lives; 0 never expires.",
)
@click.option(
    "--faults",
    "faults_file",
    envvar=env("faults"),
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="JSON or YAML file of fault rules to apply from the start (and after a reset).",
)
@click.option(
    "--fail",
    multiple=True,
    envvar=env("fail"),
    metavar="FUNCTION=CODE",
    help="Shorthand fault rule, repeatable: e.g. recording/groups/create=402, "
    "recording/=503 (a prefix), *=close. Env: space-separated.",
)
@click.option(
    "--control-token",
    envvar=env("control_token"),
    help="Require this token in the X-Mock-Enswitch-Token header on /_mock/ calls.",
)
@click.option(
    "--events-authkey",
    envvar=env("events_authkey"),
    help="Open the events websocket, /events/websocket/?authkey=KEY, to this key (closed "
    "without one).",
)
@click.option(
    "--control-open",
    is_flag=True,
    envvar=env("control_open"),
    help="Serve the /_mock/ control API without a token on a non-loopback address.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    envvar=env("allowed_host"),
    metavar="NAME",
    help="Host name the control API also answers on a loopback bind (e.g. a compose service "
    "name), repeatable; loopback names always. Env: space-separated.",
)
@click.option(
    "--max-body-size",
    default=4 * 1024 * 1024,
    show_default=True,
    type=click.IntRange(1),
    envvar=env("max_body_size"),
    help="Bytes a request body may have; a larger one is refused (413) unread.",
)
@click.option(
    "--connection-limit",
    default=500,
    show_default=True,
    type=click.IntRange(1),
    envvar=env("connection_limit"),
    help="Connections held open at once, idle ones included.",
)
@click.option(
    "--idle-timeout",
    default=30,
    show_default=True,
    type=click.IntRange(1),
    envvar=env("idle_timeout"),
    help="Seconds a connection may sit idle or half-sent before it is closed.",
)
@click.option(
    "--journal-size",
    default=1000,
    show_default=True,
    type=click.IntRange(1),
    envvar=env("journal_size"),
    help="Calls kept in the request journal (oldest dropped).",
)
@click.option(
    "--max-namespaces",
    default=100,
    show_default=True,
    type=click.IntRange(1),
    envvar=env("max_namespaces"),
    help="Namespaces (/ns/NAME/...) kept at once; one more drops the least recently used.",
)
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1),
    envvar=env("threads"),
    help="Threads for calls that may sleep (fault delays); the others run on the event loop.",
)
def serve(memory: bool, fail: tuple[str, ...], allowed_hosts: tuple[str, ...], **options) -> None:
    """Serve the mock API with the production server (uvicorn)."""
    from .control.guard import check_allowed_host

    try:
        hosts = tuple(check_allowed_host(name) for name in allowed_hosts)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    config = Config(fail=tuple(fail), allowed_hosts=hosts, **options)
    if memory:
        config.db_path = None
    run(config)


for _option in serve.params:  # `serve --help` names each option's environment variable
    if isinstance(_option, click.Option) and _option.envvar:
        _option.show_envvar = True


def not_ready(environ, start_response):
    """The app the server holds until the real one is made (it serves no call before that)."""
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting\n"]


def run(config: Config) -> None:
    with collector_paused():
        from .bridge import Lazy
        from .composition import compose
        from .logs import CallLog, configure_server_logging
        from .server import make_server

        configure_server_logging()
        config.control_enabled = (
            is_loopback(config.host) or config.control_open or bool(config.control_token)
        )
        try:  # the port first: a start that fails on it creates nothing
            server = make_server(not_ready, config)
        except OSError as error:
            raise click.ClickException(cannot_listen(config, error)) from None
        try:
            mock = compose(config)
        except (FixtureError, DatabaseUnusable, RuleError, StorageFailed) as error:
            server.close()
            raise click.ClickException(str(error)) from None
        except OSError as error:  # a --db directory missing its rights (a container volume...)
            server.close()
            where = error.filename or config.db_path
            raise click.ClickException(
                f"cannot use the database {config.db_path}: {where}: {error.strerror or error}: "
                "give another --db (or --memory)"
            ) from None
        except KeyboardInterrupt:  # Ctrl-C while the log replays: the files are as they were
            server.close()
            raise click.ClickException(
                "start interrupted; the database was left as it was"
            ) from None
        server.attach(mock, config.events_authkey)
        server.application = control = Lazy(lambda: control_app(mock))
        service = mock.service
        gc.freeze()  # what start-up loaded lives as long as the server: no collection rescans it
    service.call_log = CallLog(sys.stderr)
    host, port = server.effective_host, server.effective_port
    where = "memory" if config.db_path is None else config.db_path
    version = service.config.enswitch_version

    def stop(signum, frame):
        """Stop serving once the calls in progress are answered. A flag, not an exception:
        raised from a signal handler, KeyboardInterrupt lands in whatever runs, and an import
        lock's callback (the server imports as it starts) swallowed it: the server never
        stopped. uvicorn handles the signals itself once it runs."""
        server.stop_soon()

    signal.signal(signal.SIGTERM, stop)  # before `ready`: a stop right after it is a clean one
    signal.signal(signal.SIGINT, stop)
    try:
        click.echo(
            f"mock-enswitch {version} serving http://{host}:{port}{config.path_prefix}"
            f"{config.api_root or '/api/json'}/ "
            f"(data: {where})",
            err=True,
        )
        click.echo(f"ready on port {port}", err=True)
        warm_up(control)
        server.run()
    finally:
        try:
            server.close()
            service.close()  # a failed last compaction says so in one line, loses nothing
        finally:
            service.call_log.close()  # the call lines still batched, before the last word
            click.echo("mock-enswitch stopped", err=True)
    sys.exit(0)


@contextlib.contextmanager
def collector_paused():
    """No garbage collection while the server starts: its imports and the seeded data are
    objects that all live (~5% of the start, make bench P3). Back on once started, or failed
    (the CLI may run inside another program: a test's)."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def control_app(mock):
    """The Flask app of the control API and the dashboard over the running mock."""
    from .app import create_app

    return create_app(mock.config, mock)


def warm_up(control) -> None:
    """After `ready`, in a thread: what the API does not need, loaded before its first use, so
    that neither a first control call nor a first event waits ~100 ms for its imports: the
    control API's Flask app, and aiohttp (the events' client)."""

    def load() -> None:
        control.app()
        import aiohttp  # noqa: F401

        gc.freeze()  # what they loaded lives as long as the server, too

    threading.Thread(target=load, name="mock-warm-up", daemon=True).start()


def cannot_listen(config: Config, error: OSError) -> str:
    """One line: why the port cannot be had, and the ways to choose another."""
    why = error.strerror or str(error)
    where = f"cannot listen on {config.host}:{config.port}: {why}"
    if error.errno == errno.EADDRINUSE:
        return (
            f"{where}: another program holds that port: choose another with --port N "
            "(or MOCK_ENSWITCH_PORT=N), or --port 0 for any free one"
        )
    if error.errno == errno.EACCES:
        return f"{where}: ports below 1024 need privileges: choose --port 1024 or above"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{where}: no interface of this machine has that address: check --host"
    if isinstance(error, socket.gaierror):
        return (
            f"{where}: no such host: check --host (127.0.0.1, 0.0.0.0, or a name of this machine)"
        )
    return where


@main.command()
@click.option(
    "--enswitch-version",
    default=format_version(NEWEST),
    show_default=True,
    type=click.Choice([format_version(v) for v in KNOWN_VERSIONS]),
    envvar=env("enswitch_version"),
    help="Enswitch version the document describes.",
)
@click.option(
    "--path-prefix",
    default="",
    envvar=env("path_prefix"),
    callback=lambda ctx, param, value: checked_prefix(value),
    help="The prefix the API is served under, e.g. /local.",
)
def openapi(enswitch_version: str, path_prefix: str) -> None:
    """Print the OpenAPI 3.1 document of the API as a version serves it (JSON)."""
    from .openapi import document
    from .versions import parse_version

    click.echo(json.dumps(document(parse_version(enswitch_version), path_prefix), indent=2))
