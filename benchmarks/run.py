"""The benchmark: our builds, Hugo's plus Pagefind's, and Pelican's on one generated corpus.

    python benchmarks/run.py [--sizes 1000 2000 10000] [--runs 3] [--edits 5] [--no-pelican]

Per size it generates the corpus (benchmarks/corpus.py), primes every cache once, then for each
run measures, ours, then Hugo followed by Pagefind over Hugo's output, then Pelican's, each time:
a clean build without cache; a full build with a warm cache into an empty output; a rebuild with
nothing changed; and (ours only) one exemplar edited while `serve` runs, timed from the file write
to the moment livereload tells a connected browser to reload. Every build runs as its own process
(benchmarks/measure.py) so its peak memory, children included, is its own. Absolute seconds vary
from machine to machine and with what else runs on it; the ratios, measured in the same run, are
what to compare. Hugo comes from Debian's package (`make bench` installs it), Pagefind from the
`pagefind[bin]` wheel (the bench extra).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from corpus import PROJECT, Corpus, generate

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
SCENARIOS = ("clean", "warm", "noop", "edit")
LABELS = {"clean": "clean build, no cache", "warm": "full build, warm cache, empty output",
          "noop": "rebuild, nothing changed", "edit": "one edit in serve → reload"}
NAMES = {"ours": "rubricsite", "nosearch": "rubricsite, no search index",
         "hugo": "Hugo + Pagefind", "hugoalone": "Hugo alone, no search index",
         "pelican": "Pelican 4.12"}

Samples = dict[tuple[int, str, str], list[float]]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(cwd: Path, command: list[str]) -> tuple[float, float]:
    """(seconds, peak MB) of one command, run under measure.py."""
    done = subprocess.run([PYTHON, str(HERE / "measure.py"), str(cwd), *command],
                          capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    if result["returncode"] != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result['stderr']}")
    return result["seconds"], result["max_rss_mb"]


def ours(corpus: Corpus, *extra: str) -> list[str]:
    return [PYTHON, str(PROJECT / "build.py"), "build", "--root", str(corpus.site), *extra]


def ours_without_search(corpus: Corpus) -> list[str]:
    """A clean build without the search index: shows how much of a clean build Pagefind takes."""
    code = ("import sys; from pathlib import Path; from rubricsite.pipeline import build_site; "
            "r = build_site(Path(sys.argv[1]), Path(sys.argv[1]) / 'output', use_cache=False, "
            "search=False); sys.exit(0 if r.ok else 1)")
    return [PYTHON, "-c", code, str(corpus.site)]


def pelican(settings: str) -> list[str]:
    return [PYTHON, "-m", "pelican", "content", "-s", settings, "-o", "output", "-q"]


HUGO = [shutil.which("hugo") or "hugo", "--quiet", "-d", "public"]
PAGEFIND = [PYTHON, "-m", "pagefind", "--site", "public", "--silent"]


def hugo_and_pagefind(corpus: Corpus) -> tuple[tuple[float, float], tuple[float, float]]:
    """Hugo's build, then Pagefind over its output: their seconds added and the larger peak,
    and Hugo's build alone (what a warm build of ours is held to)."""
    built, built_mb = measure(corpus.hugo, HUGO)
    indexed, indexed_mb = measure(corpus.hugo, PAGEFIND)
    return (built + indexed, max(built_mb, indexed_mb)), (built, built_mb)


def _clear(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _edit_latencies(corpus: Corpus, port: int, edits: int, first: int) -> list[float]:
    """Seconds from writing an exemplar to livereload's 'reload', as a browser would hear it."""
    from tornado.websocket import websocket_connect

    conn = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    await conn.write_message(json.dumps(
        {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    await asyncio.wait_for(conn.read_message(), 30)  # the server's hello
    await conn.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/"}))
    await asyncio.sleep(0.3)
    found = []
    for n in range(edits):
        index = (first + n * 97) % len(corpus.slugs)
        path = corpus.exemplar(index)
        marker = f"Edited in benchmark pass {first}-{n}."
        text = path.read_text(encoding="utf-8") + f"\n{marker}\n"
        started = time.perf_counter()
        path.write_text(text, encoding="utf-8")
        while True:
            message = await asyncio.wait_for(conn.read_message(), 120)
            if message is None:
                raise RuntimeError("livereload closed the connection")
            if json.loads(message).get("command") != "reload":
                continue
            elapsed = time.perf_counter() - started
            # count only the reload that shows the edit (not one for a half-written file)
            url = f"http://127.0.0.1:{port}/exemplars/{corpus.slugs[index]}/"
            with urllib.request.urlopen(url, timeout=30) as response:
                if marker in response.read().decode("utf-8"):
                    found.append(elapsed)
                    break
        await asyncio.sleep(0.4)
    conn.close()
    return found


def edit_in_serve(corpus: Corpus, edits: int, first: int) -> list[float]:
    """Start serve, wait until it answers, time the edits, stop it with Ctrl-C."""
    port = free_port()
    logfile = corpus.site.parent / "serve.log"
    with logfile.open("ab") as out:
        server = subprocess.Popen(
            [PYTHON, str(PROJECT / "build.py"), "serve", "--root", str(corpus.site),
             "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"serve did not start; see {logfile}") from None
                time.sleep(0.2)
        return asyncio.run(_edit_latencies(corpus, port, edits, first))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def bench_size(count: int, runs: int, edits: int, with_pelican: bool, workdir: Path,
               times: Samples, memory: Samples) -> None:
    log(f"== {count:,} exemplars: generating the corpus")
    corpus = generate(workdir / f"n{count}", count)
    site_out, site_cache = corpus.site / "output", corpus.site / ".cache"
    pel_out, pel_cache = corpus.pelican / "output", corpus.pelican / "cache"
    hugo_out, hugo_cache = corpus.hugo / "public", corpus.hugo / "resources"
    log("   priming every cache (not timed)")
    measure(corpus.site, ours(corpus))
    hugo_and_pagefind(corpus)
    if with_pelican:
        measure(corpus.pelican, pelican("pelicanconf.py"))

    def record(who: str, scenario: str, result: tuple[float, float]) -> None:
        times[(count, who, scenario)].append(result[0])
        memory[(count, who, scenario)].append(result[1])
        log(f"   {who:8} {scenario:6} {result[0]:8.2f} s {result[1]:7.0f} MB")

    for run in range(runs):
        log(f"-- run {run + 1}/{runs}")
        _clear(site_out, site_cache)
        record("ours", "clean", measure(corpus.site, ours(corpus, "--no-cache")))
        _clear(hugo_out, hugo_cache)
        both, alone = hugo_and_pagefind(corpus)
        record("hugo", "clean", both)
        record("hugoalone", "clean", alone)
        _clear(site_out)
        record("nosearch", "clean", measure(corpus.site, ours_without_search(corpus)))
        if with_pelican:
            _clear(pel_out, pel_cache)
            record("pelican", "clean", measure(corpus.pelican, pelican("nocacheconf.py")))
        # the clean build above wrote no cache: fill it again, untimed, for the warm build
        measure(corpus.site, ours(corpus))
        if with_pelican:
            measure(corpus.pelican, pelican("pelicanconf.py"))
        _clear(site_out)
        record("ours", "warm", measure(corpus.site, ours(corpus)))
        _clear(hugo_out)  # Hugo keeps no cache of content; its resources/ stays
        record("hugo", "warm", hugo_and_pagefind(corpus)[0])
        if with_pelican:
            _clear(pel_out)
            record("pelican", "warm", measure(corpus.pelican, pelican("pelicanconf.py")))
        record("ours", "noop", measure(corpus.site, ours(corpus)))
        record("hugo", "noop", hugo_and_pagefind(corpus)[0])
        if with_pelican:
            record("pelican", "noop", measure(corpus.pelican, pelican("pelicanconf.py")))
        latencies = edit_in_serve(corpus, edits, first=run * edits)
        times[(count, "ours", "edit")].extend(latencies)
        log(f"   ours     edit   {', '.join(f'{s * 1000:.0f}' for s in latencies)} ms")


def _spread(samples: list[float], unit: str = "s") -> str:
    if not samples:
        return "–"
    scale, digits = (1000, 0) if unit == "ms" else (1, 2)
    med, low, high = (x * scale for x in (statistics.median(samples), min(samples), max(samples)))
    return f"{med:.{digits}f} {unit} ({low:.{digits}f}–{high:.{digits}f})"


def _median(times: Samples, key: tuple[int, str, str]) -> float | None:
    return statistics.median(times[key]) if times.get(key) else None


def table(sizes: list[int], times: Samples, memory: Samples) -> str:
    """The Markdown table: medians with min–max, and our ratios to each peer's medians."""
    head = ("| N | | clean build, no cache | full build, warm cache | rebuild, nothing changed "
            "| one edit in serve → reload | peak memory (clean build) |\n"
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: |\n")
    rows = []
    for count in sizes:
        for who, name in NAMES.items():
            if not times.get((count, who, "clean")):
                continue
            cells = [_spread(times[(count, who, s)]) for s in ("clean", "warm", "noop")]
            edit = times.get((count, who, "edit"))
            cells.append(_spread(edit, "ms") if edit else
                         "– (regenerates all)" if who in ("pelican", "hugo") else "–")
            peak = memory[(count, who, "clean")]
            cells.append(f"{statistics.median(peak):.0f} MB ({min(peak):.0f}–{max(peak):.0f})")
            rows.append(f"| {count:,} | {name} | " + " | ".join(cells) + " |")
        for peer in ("hugo", "pelican"):
            rows += _ratio_rows(count, peer, times, memory)
        warm, alone = _median(times, (count, "ours", "warm")), _median(times, (count, "hugoalone", "clean"))
        if warm and alone:
            rows.append(f"| {count:,} | **ours warm / Hugo alone, clean** | | {warm / alone:.2f} "
                        "| | | |")
    scaling = ""
    if len(sizes) > 1 and all(times.get((n, "ours", "clean")) for n in sizes):
        small, large = min(sizes), max(sizes)
        grow = (statistics.median(times[(large, "ours", "clean")])
                / statistics.median(times[(small, "ours", "clean")]))
        scaling = (f"\nClean build, {small:,} → {large:,} exemplars: ×{grow:.1f} "
                   f"(linear would be ×{large / small:.0f}).\n")
    return head + "\n".join(rows) + "\n" + scaling


def _ratio_rows(count: int, peer: str, times: Samples, memory: Samples) -> list[str]:
    if not times.get((count, peer, "clean")):
        return []
    ratios = []
    for scenario in ("clean", "warm", "noop"):
        mine, theirs = _median(times, (count, "ours", scenario)), _median(times, (count, peer, scenario))
        ratios.append(f"{mine / theirs:.2f}" if mine and theirs else "–")
    edit, rebuild = _median(times, (count, "ours", "edit")), _median(times, (count, peer, "noop"))
    edit_vs = f"{edit / rebuild:.3f} (vs its rebuild)" if edit and rebuild else "–"
    mem = statistics.median(memory[(count, "ours", "clean")]) / statistics.median(
        memory[(count, peer, "clean")])
    rows = [f"| {count:,} | **ours / {NAMES[peer]}** | {' | '.join(ratios)} | {edit_vs} | {mem:.2f} |"]
    bare = _median(times, (count, "nosearch", "clean"))
    if bare:
        rows.append(f"| {count:,} | ours without search index / {NAMES[peer]} | "
                    f"{bare / statistics.median(times[(count, peer, 'clean')]):.2f} | | | | |")
    return rows


def _version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    except OSError:
        return "?"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else "?"


def peers() -> str:
    """The versions measured against, for the report's first line."""
    hugo = _version([HUGO[0], "version"]).split("+")[0].replace("hugo ", "Hugo ")
    pagefind = _version([PYTHON, "-m", "pagefind", "--version"]).replace("pagefind ", "Pagefind ")
    pelican = _version([PYTHON, "-m", "pelican", "--version"])
    return f"{hugo}, {pagefind}, Pelican {pelican}"


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{model or platform.processor()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 10000])
    parser.add_argument("--runs", type=int,
                        help="measurements per scenario and size (default: 5 up to 2,000 exemplars, "
                        "else 3)")
    parser.add_argument("--edits", type=int, default=5, help="edits timed per serve session")
    parser.add_argument("--no-pelican", action="store_true", help="only our own builds")
    parser.add_argument("--workdir", type=Path, help="where corpora go (default: a temp folder)")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="rubricsite-bench-"))
    times: Samples = defaultdict(list)
    memory: Samples = defaultdict(list)
    runs_of: dict[int, int] = {}
    try:
        for count in args.sizes:
            runs = args.runs or (5 if count <= 2000 else 3)
            runs_of[count] = runs
            bench_size(count, runs, args.edits, not args.no_pelican, workdir, times, memory)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    report = (f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {machine()} · {peers()} · "
              f"`{command.strip()}` · "
              "medians of " + ", ".join(f"{r} runs at {n:,}" for n, r in runs_of.items())
              + f" ({args.edits} edits per serve run), min–max in brackets\n\n"
              + table(args.sizes, times, memory))
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
