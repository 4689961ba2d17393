"""The command line: build, serve, check, new, import-issue, sync, init (a contract: see DESIGN.md).

Each command imports the modules it runs when it runs: a rebuild with nothing changed is answered
by `unchanged` alone, before Jinja, Markdown or the pipeline would take longer to import than
the whole answer takes.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import ContentError, format_errors
from .report import BuildReport
from .terminal import printable
from .unchanged import nothing_changed
from .write import OutputRefused

# 3: the system refused (disk full, read-only, permission denied), named with its path and cause
EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rubricsite",
        description="Build a browsable growth rubric with 'See it in action' exemplars.",
    )
    parser.add_argument("--version", action="version", version=f"rubricsite {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--root", type=Path, default=Path("."),
                       help="the site folder, holding site.yaml (default: the current folder)")
        return p

    build = command("build", "build the site into the output folder (the default command)")
    build.add_argument("--output", type=Path, help="where to write (default: ROOT/output)")
    build.add_argument("--base-url", help="the public address, for canonical links and the feed")
    build.add_argument("--clean", action="store_true",
                       help="rebuild everything from scratch instead of only what changed")
    build.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")

    serve = command("serve", "build, serve on loopback and rebuild on every change")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--output", type=Path, help=argparse.SUPPRESS)

    check = command("check", "check every file and report all problems; writes nothing")
    check.add_argument("--format", choices=["text", "github", "json", "markdown"], default="text",
                       help="markdown: a summary for a pull request's checks page")
    check.add_argument("--line-links", default="", metavar="URL",
                       help="with --format markdown: link each file under this address, e.g. "
                       "https://github.com/OWNER/REPO/blob/COMMIT/")
    check.add_argument("--base-url", help=argparse.SUPPRESS)

    new = command("new", "write a ready-to-fill exemplar file for one cell")
    new.add_argument("--theme", required=True, help="theme id or letter, e.g. vision-for-learning")
    new.add_argument("--level", required=True, help="phase id, e.g. established")
    new.add_argument("--standard", help="standard id (needed when the site has several)")
    new.add_argument("title", help="the exemplar's title, in quotes")

    imp = command("import-issue", "turn a 'Suggest an exemplar' issue body into an exemplar file")
    imp.add_argument("file", type=Path, help="a file holding the issue body")
    imp.add_argument("--format", choices=["text", "github", "json"], default="text")

    command("sync", "rewrite the files made from the rubric: the exemplar schema, the issue form, "
                    "CONTRIBUTING.md")

    init = sub.add_parser("init", help="write a new site repository for a district into DIR",
                          description="Write a complete site repository into DIR (which must be empty "
                                      "or not exist): settings, rubric, content, workflows, README.")
    init.add_argument("dir", type=Path, metavar="DIR")
    init.add_argument("--empty", action="store_true",
                      help="no exemplars or pages, and a one-theme starter standard to edit")
    init.add_argument("--engine", metavar="SPEC",
                      help="the requirements.txt line that installs the engine "
                           "(default: this version, from a tag of the engine's repository)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 done, 1 content errors, 2 wrong usage,
    3 the system refused a read or write)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    commands = {"build", "serve", "check", "new", "import-issue", "sync", "init",
                "-h", "--help", "--version"}
    if not args_list or args_list[0] not in commands:
        args_list.insert(0, "build")
    args = _parser().parse_args(args_list)
    if args.command == "init":  # makes its folder: no --root to check
        return _init(args)
    root = args.root.resolve()
    if not root.is_dir():
        print(f"rubricsite: error: no such folder: {args.root}", file=sys.stderr)
        return EXIT_USAGE
    handler = {"build": _build, "serve": _serve, "check": _check, "new": _new,
               "import-issue": _import_issue, "sync": _sync}[args.command]
    try:
        return handler(args, root)
    except KeyboardInterrupt:
        return 130
    except OutputRefused as exc:
        print(f"rubricsite: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # one line naming the path and the cause, never a traceback
        where = exc.filename or root
        print(f"rubricsite: error: {where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT


def _print_errors(errors, fmt: str, root: Path, line_links: str = "") -> None:
    text = format_errors(errors, fmt, root, line_links)  # json escapes control characters itself
    print(text if fmt == "json" else printable(text),
          file=sys.stdout if fmt != "text" else sys.stderr)
    if fmt == "text":
        noun = "problem" if len(errors) == 1 else "problems"
        print(f"{len(errors)} {noun} found; nothing was written.", file=sys.stderr)


class Progress:
    """A live 'Rendering n/N pages' line on a terminal; silent when output is a log."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.live = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if self.live and (now - self.last > 0.1 or done == total):
            self.last = now
            print(f"\rRendering {done:,}/{total:,} pages  {now - self.started:.1f} s",
                  end="", file=sys.stderr, flush=True)

    def end(self) -> None:
        if self.live and self.last:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def _build(args, root: Path) -> int:
    output = (args.output or root / "output").resolve()
    report = _nothing_to_do(root, output, args) or _built(root, output, args)
    if report.errors:
        _print_errors(report.errors, "text", root)
        return EXIT_CONTENT
    for note in report.notes:
        print(note, file=sys.stderr)
    print(report.summary())
    return EXIT_OK


def _nothing_to_do(root: Path, output: Path, args) -> BuildReport | None:
    """The report of a rebuild with nothing to do, told before the rest of the engine is loaded."""
    if args.clean or args.no_cache:
        return None
    started = time.perf_counter()
    last = nothing_changed(root, output, args.base_url)
    if last is None:
        return None
    return BuildReport.of_unchanged(last, time.perf_counter() - started)


def _built(root: Path, output: Path, args) -> BuildReport:
    from .pipeline import build_site

    progress = Progress()
    report = build_site(root, output, base_url=args.base_url, clean=args.clean,
                        use_cache=not args.no_cache, on_progress=progress, check_unchanged=False,
                        on_wait=lambda: print(f"Waiting for another build into {output} to finish",
                                              file=sys.stderr, flush=True))
    progress.end()
    return report


def _check(args, root: Path) -> int:
    from .pipeline import check_site

    site, errors = check_site(root, args.base_url)
    if errors:
        _print_errors(errors, args.format, root, args.line_links)
        return EXIT_CONTENT
    for note in site.notes if site else ():
        print(note, file=sys.stderr)
    if args.format == "json":
        print("[]")
    elif args.format == "markdown":
        print(format_errors([], "markdown"))
    else:
        print("No problems found.")
    return EXIT_OK


def _serve(args, root: Path) -> int:
    from .serve import serve

    return serve(root, (args.output or root / "output").resolve(), args.host, args.port)


def _new(args, root: Path) -> int:
    from .scaffold import new_exemplar

    path, errors = new_exemplar(root, args.theme, args.level, args.title, args.standard)
    if errors:
        _print_errors(errors, "text", root)
        return EXIT_CONTENT
    print(f"Wrote {path.relative_to(root)}: fill in the fields, then run 'make serve' to preview.")
    return EXIT_OK


def _import_issue(args, root: Path) -> int:
    from .issue_form import import_issue

    path, errors = import_issue(root, args.file)
    if errors:
        _print_errors(errors, args.format, root)
        return EXIT_CONTENT
    print(path.relative_to(root))
    return EXIT_OK


def _sync(args, root: Path) -> int:
    from .scaffold import rubric_site
    from .sync import sync

    site, errors = rubric_site(root)
    if errors:  # the schema and the form are made from the rubric: it must be readable
        _print_errors(errors, "text", root)
        return EXIT_CONTENT
    try:
        written = sync(root, site)
    except ContentError as error:
        _print_errors([error], "text", root)
        return EXIT_CONTENT
    for rel in written:
        print(f"Wrote {rel.as_posix()}")
    if not written:
        print("Every generated file is up to date.")
    return EXIT_OK


def _init(args) -> int:
    from .starter import init_site

    try:
        written = init_site(args.dir, empty=args.empty, engine=args.engine)
    except ContentError as error:
        print(f"rubricsite: error: {args.dir}: {error.message} ({error.hint})", file=sys.stderr)
        return EXIT_USAGE
    print(f"Wrote a new site into {args.dir} ({len(written)} files). Next: read {args.dir / 'README.md'}; "
          f"preview it with `rubricsite serve --root {args.dir}`.")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
