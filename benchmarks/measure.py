"""Run one command and print, as JSON, its wall time and the peak memory of it and its children.

A separate process per measurement, because RUSAGE_CHILDREN keeps the largest child ever
waited for: measured from the benchmark itself, one big build would mask every later one.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    """measure.py CWD COMMAND...: prints {"seconds", "max_rss_mb", "returncode"}."""
    cwd, command = argv[0], argv[1:]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": seconds, "max_rss_mb": peak_kb / 1024,
                      "returncode": done.returncode,
                      "stderr": done.stderr.decode("utf-8", "replace")[-2000:]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
