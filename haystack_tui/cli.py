"""The ``haystack-tui`` command: parse, dispatch, map failures to exit codes.

0 success, 1 failure at run time (or validation failed), 2 bad usage,
configuration or input. Every failure is one line on stderr, never a
traceback. The console and the service are imported lazily so that one-shot
commands never load Textual or aiohttp.
"""

from __future__ import annotations

import argparse
import importlib
import json
import signal
import sys
import time
from typing import Any, Sequence

from haystack_tui import __version__
from haystack_tui.config import Settings, load_settings
from haystack_tui.errors import ConfigError, HaystackError

PROG = "haystack-tui"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ConfigError(f"{message} (see '{self.prog} --help')")


def _common(sub: bool) -> argparse.ArgumentParser:
    """The settings flags; in subcommands they default to 'absent' so a flag
    given before the subcommand is not overwritten by the subcommand's default."""
    p = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS if sub else None)
    g = p.add_argument_group("settings (override the environment)")
    g.add_argument("--database-url", metavar="URL", help="PostgreSQL URL (env DATABASE_URL); default: embedded")
    g.add_argument("--org", help="org key naming the values table (env HAYSTACK_ORG, default demo)")
    g.add_argument("--building", metavar="FILE", help="building file, TOML or YAML (env HAYSTACK_BUILDING)")
    g.add_argument("--seed", type=int, help="random seed (env HAYSTACK_SEED, default 42)")
    g.add_argument("--data-dir", metavar="DIR", help="embedded database home (env HAYSTACK_DATA_DIR)")
    g.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR (env LOG_LEVEL)")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Project Haystack building-data simulator.", parents=[_common(False)])
    common = _common(True)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    c = sub.add_parser("console", parents=[common], help="the operator console (default command)")
    c.add_argument("--attach", metavar="URL", help="attach to a running headless service instead of running the engine")
    c.add_argument("--token", help="control token for --attach (env HAYSTACK_API_TOKEN)")
    c.add_argument("--speed", type=float, help="simulation speed (env HAYSTACK_SPEED, default 1)")

    s = sub.add_parser("serve", parents=[common], help="the headless service (same as python -m headless)")
    s.add_argument("--port", type=int, help="HTTP port (env PORT, default 8080)")
    s.add_argument("--speed", type=float, help="simulation speed (env HAYSTACK_SPEED, default 1)")

    sub.add_parser("init", parents=[common], help="create the schema and the building's entities")

    b = sub.add_parser("backfill", parents=[common], help="fill every missing interval of a range")
    b.add_argument("--days", type=int, help="the last N days (default HAYSTACK_HISTORY_DAYS)")
    b.add_argument("--start", help="ISO 8601 start (inclusive; naive means UTC)")
    b.add_argument("--end", help="ISO 8601 end (exclusive; default now)")

    v = sub.add_parser("validate", parents=[common], help="check completeness, regularity and coherence")
    v.add_argument("--window", help="how far back from the newest interval, e.g. 7d (default 7d, never before the oldest stored interval unless --start is given)")
    v.add_argument("--start", help="ISO 8601 start")
    v.add_argument("--end", help="ISO 8601 end")
    v.add_argument("--json", action="store_true", help="JSON instead of a table")

    st = sub.add_parser("status", parents=[common], help="what the database holds")
    st.add_argument("--json", action="store_true", help="JSON instead of text")

    e = sub.add_parser("export", parents=[common], help="generate a range as CSV, without a database")
    e.add_argument("--start", required=True, help="ISO 8601 start (inclusive)")
    e.add_argument("--end", required=True, help="ISO 8601 end (exclusive)")
    e.add_argument("--format", default="csv", choices=["csv"], help="output format (csv)")
    e.add_argument("--out", metavar="FILE", help="output file (default standard output)")

    d = sub.add_parser("db-url", parents=[common], help="print the URL of the database in use")
    d.add_argument("--show-password", action="store_true", help="print the password instead of ***")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    from pathlib import Path

    return load_settings(
        database_url=args.database_url, org=args.org,
        building=Path(args.building).expanduser() if args.building else None,
        seed=args.seed, data_dir=Path(args.data_dir).expanduser() if args.data_dir else None,
        log_level=args.log_level, speed=getattr(args, "speed", None), port=getattr(args, "port", None),
        api_token=getattr(args, "token", None),
    )


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        command = args.command or "console"
        if command == "console" and args.command is None:
            args.attach = args.token = args.speed = None
        settings = settings_from(args)
        _configure_logging(settings, command)
        return COMMANDS[command](args, settings)
    except HaystackError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 1


def _configure_logging(settings: Settings, command: str) -> None:
    from haystack_tui.logs import configure

    configure(settings.log_level, json_lines=None if command == "serve" else False,
              quiet=command not in ("serve",))


def cmd_init(args, settings: Settings) -> int:
    from haystack_tui.engine.commands import init_database

    db, prepared = init_database(settings)
    existing = len(prepared.entity_ids) - prepared.created
    print(f"initialised {db.masked} (org {settings.org}): {prepared.created} entities created, "
          f"{existing} already present, in {prepared.seconds * 1000:.0f} ms")
    return 0


def cmd_status(args, settings: Settings) -> int:
    from haystack_tui.engine.commands import database_status

    status = database_status(settings)
    if args.json:
        print(json.dumps(status, indent=2, default=str))
        return 0
    c = status["counts"]
    state = status["state"] or {}
    print(f"database     {status['database']['url']}{' (embedded)' if status['database']['embedded'] else ''}")
    print(f"org / site   {status['org']} / {status['site']}")
    print(f"entities     {c['sites']} sites, {c['equips']} equips, {c['points']} points")
    rows = status["rows_estimate"]
    print(f"newest data  {status['last_timestamp'] or '-'}  ({'~' + format(rows, ',') if rows is not None else 'unknown'}"
          " rows)")
    print(f"state        {state.get('status', '-')}{'  error: ' + state['error'] if state.get('error') else ''}")
    return 0


def cmd_db_url(args, settings: Settings) -> int:
    from haystack_tui.store.connect import resolve_database
    from haystack_tui.store.urls import mask_url

    db = resolve_database(settings)
    print(mask_url(db.url, show_password=args.show_password))
    return 0


def cmd_backfill(args, settings: Settings) -> int:
    from haystack_tui.engine.commands import backfill
    from haystack_tui.progress import ProgressLine
    from haystack_tui.timegrid import resolve_range

    lo, hi = resolve_range(time.time(), args.days, args.start, args.end, default_days=settings.history_days)
    line = ProgressLine(sys.stderr, unit="rows")
    stop = _GracefulStop()
    with stop:
        result = backfill(settings, lo, hi, should_stop=stop.requested,
                          progress=lambda p: line.update(p.rows_done, p.rows_total, p.rows_per_s, p.eta_s))
    line.close()
    from haystack_tui.timegrid import iso

    verb = "stopped after" if result.stopped else "backfilled"
    print(f"{verb} {result.intervals:,} of {result.missing:,} missing intervals in {iso(lo)}..{iso(hi)}: "
          f"{result.rows:,} rows in {result.seconds:.1f} s ({result.rows_per_s:,.0f} rows/s)")
    return 1 if result.stopped else 0


def cmd_export(args, settings: Settings) -> int:
    from haystack_tui.export import export

    return export(settings, args.start, args.end, args.out)


def cmd_validate(args, settings: Settings) -> int:
    from haystack_tui.validate.cli import run

    return run(settings, window=args.window, start=args.start, end=args.end, as_json=args.json)


def _front_end(target: str, *args: Any, **kwargs: Any) -> int:
    """Run a front end named ``module:function``.

    The CLI serves both front ends and depends on neither: ``python -m
    headless`` goes through this module, and must never load Textual (an
    import-linter contract), so front ends are looked up by name, as
    console-script entry points are, and imported only when chosen.
    """
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(module), function)(*args, **kwargs)


def cmd_console(args, settings: Settings) -> int:
    return _front_end("haystack_tui.tui.run:run_console", settings, attach=args.attach, token=args.token)


def cmd_serve(args, settings: Settings) -> int:
    return _front_end("headless.main:serve", settings)


COMMANDS: dict[str, Any] = {
    "init": cmd_init, "status": cmd_status, "db-url": cmd_db_url, "backfill": cmd_backfill,
    "export": cmd_export, "validate": cmd_validate, "console": cmd_console, "serve": cmd_serve,
}


class _GracefulStop:
    """First Ctrl-C: finish the chunk in flight and stop. Second: stop now."""

    def __init__(self) -> None:
        self._requested = False
        self._previous: Any = None

    def requested(self) -> bool:
        return self._requested

    def _handle(self, signum, frame) -> None:
        if self._requested:
            raise KeyboardInterrupt
        self._requested = True
        print(f"\n{PROG}: stopping after the current chunk (Ctrl-C again to abort)", file=sys.stderr)

    def __enter__(self):
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        signal.signal(signal.SIGINT, self._previous)
