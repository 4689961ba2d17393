"""Run one command and print, as JSON, its wall time and its peak memory, children included.

Peak memory is the largest sum of resident memory (PSS) over the command and all its descendants
at one moment, sampled every 50 ms from /proc, so a build whose search indexer runs beside it
counts both; it is never less than the largest single process (RUSAGE_CHILDREN), which catches
a peak shorter than one sample. A separate process per measurement, because RUSAGE_CHILDREN keeps the
largest child ever waited for: measured from the benchmark itself, one big build would mask
every later one.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def _pss(pid: str) -> int:
    """A process's share of resident memory: pages it shares with others (a forked worker and its
    parent share most of theirs) count once in total, not once per process as RSS counts them."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    with open(f"/proc/{pid}/statm", "rb") as f:  # no smaps_rollup: RSS, an overestimate
        return int(f.read().split()[1]) * PAGE


def _tree_rss(root: int) -> int:
    """Bytes resident in root and every process descended from it, right now (PSS)."""
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    parents[int(name)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            total += _pss(str(pid))
        except OSError:
            continue  # gone meanwhile
    return total


def main(argv: list[str]) -> int:
    """measure.py CWD COMMAND...: prints {"seconds", "max_rss_mb", "returncode", "stderr"}."""
    cwd, command = argv[0], argv[1:]
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: nobody reads while it runs
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        peak = 0
        while process.poll() is None:
            if os.path.isdir("/proc"):
                peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        errors.seek(0)
        stderr = errors.read()
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
    print(json.dumps({"seconds": seconds, "max_rss_mb": max(peak, largest) / 2**20,
                      "returncode": process.returncode,
                      "stderr": stderr.decode("utf-8", "replace")[-2000:]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
