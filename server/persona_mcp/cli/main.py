"""The command line: `persona-mcp` serves stdio; subcommands serve HTTP, show and validate personas.

This module parses arguments, calls the core, prints, and maps domain errors to one line on stderr and
a non-zero exit. Heavy imports (the MCP SDK) happen only in the commands that serve.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from persona_mcp import __version__
from persona_mcp.catalog.loader import Catalog, load_catalog, markdown_files, persona_files
from persona_mcp.catalog.render import persona_markdown
from persona_mcp.catalog.views import list_personas, persona_json, roster_table
from persona_mcp.cli.evidence import add_evidence_commands
from persona_mcp.cli.sre import add_sre_commands
from persona_mcp.errors import PersonaFileError, PersonaMCPError
from persona_mcp.logs import TerminalSafe, configure_logging

PROG = "persona-mcp"
ENV_DIRS = "PERSONA_MCP_PERSONAS_DIRS"
ENV_TOKEN = "PERSONA_MCP_TOKEN"  # noqa: S105 - the variable's name, not a secret
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

logger = logging.getLogger("persona_mcp")

Handler = Callable[[argparse.Namespace], int]


class CLIError(Exception):
    """A problem to report as one line on stderr, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def persona_dirs(args: argparse.Namespace) -> list[Path]:
    """User persona directories: the environment variable's first, then --personas-dir in order."""
    env = [Path(p) for p in os.environ.get(ENV_DIRS, "").split(os.pathsep) if p.strip()]
    return env + [Path(p) for p in getattr(args, "personas_dir", None) or []]


def catalog_from(args: argparse.Namespace) -> Catalog:
    skip = bool(getattr(args, "skip_invalid", False))

    def warn(line: str) -> None:
        print(f"{PROG}: warning: {line}", file=sys.stderr)

    return load_catalog(persona_dirs(args), skip_invalid=skip, warn=warn)


def allowed_dirs(args: argparse.Namespace) -> tuple[Path, ...]:
    """The directories `--allow-dir` lets the server read, each checked to exist.

    Raises:
        CLIError: If one is not a directory.
    """
    dirs = tuple(Path(d).expanduser() for d in getattr(args, "allow_dir", None) or ())
    for directory in dirs:
        if not directory.is_dir():
            raise CLIError(f"--allow-dir: {directory} is not a directory")
    return tuple(d.resolve() for d in dirs)


# --- commands -------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    catalog = catalog_from(args)
    from persona_mcp.server.app import build_server  # the SDK import is only paid by commands that serve

    app = build_server(catalog, allowed_dirs(args), args.tools or None, args.exclude_tools or ())
    for line in catalog.overrides:
        logger.info(line)
    if args.transport == "stdio":
        from persona_mcp.server.stdio import serve_stdio

        logger.info("serving %d personas on stdio", len(catalog))
        serve_stdio(lambda: app.run("stdio"))
        return EXIT_OK

    import anyio

    from persona_mcp.server import http  # the HTTP stack is only imported for HTTP

    settings = http.HttpSettings(
        host=args.host,
        port=args.port,
        token=read_token(args.token_file),
        allowed_hosts=tuple(args.allowed_host or ()),
        allowed_origins=tuple(args.allowed_origin or ()),
        max_body_bytes=args.max_body_bytes,
        max_concurrency=args.max_concurrency,
        drain_s=args.drain_seconds,
        header_timeout_s=args.header_timeout,
        body_timeout_s=args.body_timeout,
        idle_timeout_s=args.idle_timeout,
        max_connections=args.max_connections,
    )
    http.check_exposure(settings)
    # Said on stderr whatever the log level: a person started this by hand and needs the address.
    auth = "bearer token required" if settings.token else "no auth, loopback only"
    url = f"http://{args.host}:{args.port}/mcp"
    print(f"{PROG}: serving {len(catalog)} personas on {url} ({auth}; Ctrl-C to stop)", file=sys.stderr, flush=True)
    anyio.run(http.serve, app, settings, args.log_level)
    return EXIT_OK


def read_token(token_file: str | None) -> str | None:
    """The bearer token from --token-file, else $PERSONA_MCP_TOKEN; never logged.

    Raises:
        CLIError: If the file cannot be read or holds no token.
    """
    if token_file:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CLIError(f"--token-file: cannot read {token_file}: {exc.strerror or exc}") from exc
        if not token:
            raise CLIError(f"--token-file: {token_file} is empty")
        return token
    return os.environ.get(ENV_TOKEN, "").strip() or None


def cmd_personas(args: argparse.Namespace) -> int:
    catalog = catalog_from(args)
    if args.format == "json" or args.category or args.query or args.limit:
        listing = list_personas(catalog, args.category, args.query, args.limit)
        if args.format == "json":
            print(listing.model_dump_json(indent=2))
            return EXIT_OK
        catalog = Catalog({p.id: catalog.personas[p.id] for p in listing.personas})
    print(roster_table(catalog))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    persona = catalog_from(args).get(args.id, argument="ID")
    if args.format == "json":
        print(persona_json(persona))
    elif args.format == "yaml":
        data = {**persona.model_dump(mode="json"), "hash": persona.content_hash}
        print(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120), end="")
    else:
        print(persona_markdown(persona), end="")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate every file in the given directories (or the configured ones) and report each problem."""
    dirs = [Path(d) for d in args.dirs] or persona_dirs(args)
    problems: list[str] = []
    checked = 0
    for directory in dirs:
        with contextlib.suppress(PersonaFileError):  # load_catalog below reports it
            checked += len(persona_files(directory)) + len(markdown_files(directory))
    notes: list[str] = []

    def collect(line: str) -> None:  # a skipped file is a problem; a replaced persona or a variant, a warning
        (problems if line.startswith("skipped: ") else notes).append(line.removeprefix("skipped: "))

    catalog = load_catalog(dirs, skip_invalid=True, warn=collect)
    for line in problems:
        print(f"{PROG}: error: {line}", file=sys.stderr)
    for line in notes:
        print(f"{PROG}: warning: {line}", file=sys.stderr)
    for line in catalog.overrides:
        print(f"{PROG}: note: {line}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return EXIT_FINDINGS
    from persona_mcp.analysis.overlap import overlap_warnings

    for line in overlap_warnings(catalog):
        print(f"{PROG}: warning: {line}", file=sys.stderr)
    builtin = sum(1 for source in catalog.sources.values() if source.builtin)
    print(
        f"ok: {len(catalog)} personas valid ({builtin} shipped, {checked} file(s) in {len(dirs)} user directory(ies))"
    )
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    """Review a service manifest; exit 1 when a finding at or above --fail-on remains (the CI gate)."""
    from persona_mcp.sre import readiness

    if args.repo is not None:
        from persona_mcp.data import load_yaml_file
        from persona_mcp.evidence.review import review_repository

        if not args.service:
            raise CLIError("review: --repo needs --service NAME (`persona-mcp infer DIR` lists the workloads)")
        stated = load_yaml_file(Path(args.file)) if args.file else None
        if stated is not None and not isinstance(stated, dict):
            raise CLIError(f"review: {args.file}: a manifest is a mapping of fields")
        result = review_repository(Path(args.repo), args.service, stated, args.file or "service")
    elif args.file is None:
        raise CLIError("review: give a manifest FILE, or --repo DIR --service NAME")
    else:
        result = readiness.review(readiness.load_manifest(Path(args.file)))
    if args.format == "json":
        print(result.model_dump_json(indent=2))
    elif args.format == "html":  # the scorecard as one self-contained page, for CI artifacts and wikis
        from persona_mcp.views.pages import standalone_html

        print(standalone_html("readiness", result.model_dump(mode="json")), end="")
    else:
        print(readiness.review_markdown(result), end="")
    if readiness.failing_at(result, args.fail_on):
        print(f"{PROG}: {result.assessment}: findings at or above {args.fail_on} remain", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_overlap(args: argparse.Namespace) -> int:
    """The catalog's clusters of duplicates (and its matrix with --matrix), one persona against the others, or
    a candidate file against the roster."""
    from persona_mcp.analysis.overlap import overlap_markdown, persona_overlap
    from persona_mcp.data import load_yaml_file

    if args.matrix and (args.persona or args.candidate):
        raise CLIError("--matrix: only with --all (the whole catalog), not with --persona or --candidate")
    candidate = load_yaml_file(Path(args.candidate)) if args.candidate else None
    catalog = catalog_from(args)
    if args.persona is None and candidate is None:
        from persona_mcp.analysis.clusters import collection_report

        report = collection_report(catalog, matrix=args.matrix)
    else:
        report = persona_overlap(catalog, persona_id=args.persona, candidate=candidate)
    print(report.model_dump_json(indent=2) if args.format == "json" else overlap_markdown(report).rstrip("\n"))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write the catalog's personas as subagent or rule files into a directory."""
    from persona_mcp.catalog.export import export

    files = export(catalog_from(args), args.format, args.only)
    target = Path(args.dir)
    if target.exists() and not target.is_dir():
        raise CLIError(f"DIR: {target} exists and is not a directory")
    clashes = [f.name for f in files if (target / f.name).exists() and (target / f.name).read_text("utf-8") != f.text]
    if clashes and not args.force:
        raise CLIError(f"DIR: {len(clashes)} file(s) would be overwritten ({', '.join(clashes[:5])}); add --force")
    target.mkdir(parents=True, exist_ok=True)
    for file in files:
        (target / file.name).write_text(file.text, encoding="utf-8")
    print(f"wrote {len(files)} {args.format} file(s) to {target}")
    return EXIT_OK


def cmd_route(args: argparse.Namespace) -> int:
    """Which personas should look at a task; exit 1 when none fits."""
    from persona_mcp.analysis.routing import recommend_personas, recommendations_markdown

    result = recommend_personas(catalog_from(args), args.task, args.limit)
    print(result.model_dump_json(indent=2) if args.format == "json" else recommendations_markdown(result).rstrip("\n"))
    return EXIT_OK if result.recommendations else EXIT_FINDINGS


# --- parser ---------------------------------------------------------------------------------------


def _allow_dir_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--allow-dir",
        action="append",
        metavar="DIR",
        default=None if top else argparse.SUPPRESS,
        help="a directory sre_readiness may read repositories in (repeatable; none by default)",
    )


def _names(text: str) -> list[str]:
    """An argparse type: comma-separated names (blanks dropped, so `--tools ""` from a config is none)."""
    return [name.strip() for name in text.split(",") if name.strip()]


def _tool_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--tools",
        type=_names,
        metavar="NAME,...",
        default=None if top else argparse.SUPPRESS,
        help="publish only these tools (default: all; an empty list means all)",
    )
    parser.add_argument(
        "--exclude-tools",
        type=_names,
        metavar="NAME,...",
        default=None if top else argparse.SUPPRESS,
        help="do not publish these tools",
    )


def _persona_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--personas-dir",
        action="append",
        metavar="DIR",
        default=None if top else argparse.SUPPRESS,
        help=f"add a directory of persona YAML files (repeatable; later ones override earlier ones by id; "
        f"also ${ENV_DIRS}, {os.pathsep!r}-separated)",
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="skip bad persona files with a warning on stderr instead of refusing to start",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Engineering reviewer personas and SRE tools over MCP. With no command, serves MCP on stdio.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="stderr log level"
    )
    parser.add_argument("--log-format", default="text", choices=["text", "json"], help="stderr log format")
    _persona_options(parser, top=True)
    _allow_dir_option(parser, top=True)
    _tool_options(parser, top=True)
    parser.set_defaults(handler=cmd_serve, transport="stdio")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve MCP on stdio or streamable HTTP", description="Serve MCP.")
    serve.add_argument("--transport", choices=["stdio", "http"], default="stdio", help="default: stdio")
    serve.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="HTTP port (default: 8000)")
    serve.add_argument("--allowed-host", action="append", metavar="HOST[:PORT]", help="extra Host header to accept")
    serve.add_argument("--allowed-origin", action="append", metavar="ORIGIN", help="extra Origin header to accept")
    serve.add_argument(
        "--token-file", metavar="FILE", help=f"file holding the bearer token clients must send (or ${ENV_TOKEN})"
    )
    serve.add_argument(
        "--max-body-bytes", type=_positive, default=1024 * 1024, help="largest request body (default: 1 MiB)"
    )
    serve.add_argument(
        "--max-concurrency", type=_positive, default=64, help="requests served at once before 429 (default: 64)"
    )
    serve.add_argument(
        "--drain-seconds",
        type=_seconds,
        default=0.0,
        help="after SIGTERM, answer /healthz with 503 but keep serving this long before closing (default: 0)",
    )
    serve.add_argument(
        "--max-connections", type=_positive, default=1000, help="open HTTP connections at once (default: 1000)"
    )
    serve.add_argument(
        "--header-timeout", type=_timeout, default=10.0, help="seconds for a request head to arrive (default: 10)"
    )
    serve.add_argument(
        "--body-timeout", type=_timeout, default=30.0, help="seconds for a request body to arrive (default: 30)"
    )
    serve.add_argument(
        "--idle-timeout", type=_timeout, default=5.0, help="seconds a kept-alive connection may idle (default: 5)"
    )
    _persona_options(serve, top=False)
    _allow_dir_option(serve, top=False)
    _tool_options(serve, top=False)
    serve.set_defaults(handler=cmd_serve)

    personas = sub.add_parser("personas", help="list the personas as a table", description="List the personas.")
    personas.add_argument("--category", metavar="NAME", help="only this category")
    personas.add_argument("--query", metavar="WORDS", help="only personas whose id, name or summary share a word")
    personas.add_argument("--limit", type=_positive, help="at most this many (default: all)")
    personas.add_argument("--format", choices=["table", "json"], default="table", help="default: table")
    _persona_options(personas, top=False)
    personas.set_defaults(handler=cmd_personas)

    show = sub.add_parser("show", help="print one persona", description="Print one persona's brief.")
    show.add_argument("id", metavar="ID", help="persona id (see `persona-mcp personas`)")
    show.add_argument("--format", choices=["markdown", "yaml", "json"], default="markdown", help="default: markdown")
    _persona_options(show, top=False)
    show.set_defaults(handler=cmd_show)

    validate = sub.add_parser(
        "validate",
        help="check persona files; exit 1 on any problem",
        description="Validate persona directories against the schema, together with the shipped personas.",
    )
    validate.add_argument("dirs", nargs="*", metavar="DIR", help="directories to check (default: the configured ones)")
    _persona_options(validate, top=False)
    validate.set_defaults(handler=cmd_validate)

    review = sub.add_parser(
        "review",
        help="production readiness review of a service manifest (a CI gate)",
        description="Review a service manifest (YAML or JSON). Exit 0 when nothing at or above --fail-on remains, "
        "1 when something does, 2 on a bad manifest.",
    )
    review.add_argument(
        "file", metavar="FILE", nargs="?", help="service manifest, e.g. examples/services/payment-api.yaml"
    )
    review.add_argument("--repo", metavar="DIR", help="derive the manifest from this repository (FILE's facts win)")
    review.add_argument("--service", metavar="NAME", help="with --repo: the service's workload")
    review.add_argument(
        "--format",
        choices=["markdown", "json", "html"],
        default="markdown",
        help="default: markdown; html: the scorecard as one self-contained page",
    )
    review.add_argument(
        "--fail-on",
        choices=["blocker", "high", "medium"],
        default="blocker",
        help="lowest severity that fails the gate, counting unanswered items (default: blocker)",
    )
    review.set_defaults(handler=cmd_review)

    overlap = sub.add_parser(
        "overlap",
        help="persona overlap: duplicates across the catalog, one persona, or a candidate",
        description="Does a persona add value or duplicate the roster? With no option (or --all): clusters of "
        "likely duplicates, the most overlapping pairs and the personas nobody else covers, across the catalog.",
    )
    which = overlap.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="the whole catalog (the default)")
    which.add_argument("--persona", metavar="ID", help="a roster persona against the others")
    which.add_argument(
        "--candidate",
        metavar="FILE",
        help="a persona file, or YAML {name, responsibilities: [text]}, not in the roster",
    )
    overlap.add_argument("--format", choices=["markdown", "json"], default="markdown", help="default: markdown")
    overlap.add_argument("--matrix", action="store_true", help="with --all: every pairwise score too (n x n)")
    _persona_options(overlap, top=False)
    overlap.set_defaults(handler=cmd_overlap)

    exporter = sub.add_parser(
        "export",
        help="write the personas as Claude Code subagents or Cursor rules",
        description="Write every persona (shipped and loaded) as a file another tool loads: claude-agent writes "
        "<id>.md subagents for .claude/agents/, cursor-rule writes <id>.mdc rules for .cursor/rules/.",
    )
    exporter.add_argument("dir", metavar="DIR", help="directory to write into (created if missing)")
    exporter.add_argument("--format", choices=["claude-agent", "cursor-rule"], required=True, help="file format")
    exporter.add_argument("--only", type=_names, metavar="ID,...", help="only these personas")
    exporter.add_argument("--force", action="store_true", help="overwrite files that differ")
    _persona_options(exporter, top=False)
    exporter.set_defaults(handler=cmd_export)

    route = sub.add_parser(
        "route",
        help="which personas should look at a task",
        description="Recommend personas for a task; exit 1 when none fits.",
    )
    route.add_argument("task", metavar="TASK", help='the task as you would say it, e.g. "deadlock in the job queue"')
    route.add_argument("--limit", type=_positive, default=3, help="most personas to return (default: 3)")
    route.add_argument("--format", choices=["markdown", "json"], default="markdown", help="default: markdown")
    _persona_options(route, top=False)
    route.set_defaults(handler=cmd_route)

    add_sre_commands(sub, parents=[])
    add_evidence_commands(sub)
    return parser


def _number_in(kind: type[int] | type[float], low: float, high: float | None, what: str) -> Callable[[str], Any]:
    """An argparse type: a number of `kind` from `low` to `high` (no upper bound when None)."""

    def parse(text: str) -> Any:
        try:
            if not text.isascii():  # int("８０００") is 8000 to Python, and a typo to everyone else
                raise ValueError(text)
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}, got {text!r}") from None
        if not low <= value <= (high if high is not None else value):  # false for NaN too
            raise argparse.ArgumentTypeError(f"{what}, got {value}")
        return value

    return parse


_seconds = _number_in(float, 0, 300, "must be a number of seconds from 0 to 300")
_timeout = _number_in(float, 0.1, 3600, "must be a number of seconds from 0.1 to 3600")
_positive = _number_in(int, 1, None, "must be a whole number of at least 1")
_port = _number_in(int, 1, 65535, "port must be a whole number from 1 to 65535")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    configure_logging(args.log_level, args.log_format)
    handler: Handler = args.handler
    if handler is cmd_serve:  # stdout is the protocol's there; log lines are escaped by their formatter
        return _run(handler, args)
    # Everything printed goes through escape_controls: a value from a user's file cannot drive the terminal.
    with contextlib.redirect_stdout(TerminalSafe(sys.stdout)), contextlib.redirect_stderr(TerminalSafe(sys.stderr)):
        return _run(handler, args)


def _run(handler: Handler, args: argparse.Namespace) -> int:
    try:
        return handler(args)
    except (PersonaMCPError, CLIError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.code if isinstance(exc, CLIError) else EXIT_USAGE
    except KeyboardInterrupt:
        return 130
