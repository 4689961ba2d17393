"""Work on every core: a job cut into chunks, drawn by forked workers, results back in order.

Fork, not spawn: the workers inherit what the build already holds (the model, the Jinja
environment), so nothing large is pickled on the way in, only each chunk's result on the way
back. Below `serial_below` items, or on one core, the job runs in this process.

A worker takes one chunk after another while the memory it holds alone stays below
`WORKER_MEMORY`, then exits and a fresh fork takes its place. A worker keeps a private copy of
every page of inherited memory it has touched (reference counts and new objects write there):
one that lived through the whole job held most of the build's model over again, while a fork
for every chunk paid the fork, the exit and the copying of the same pages again each time (a
third of the render's CPU time went to the kernel).

Every fork is made here, on the thread that asked for the work, between its own steps. A pool
that replaces its workers forks from a thread of its own, at any moment: a fork made while this
thread was inside SQLite (saving a chunk's Markdown) gave the child SQLite's lock held by no one,
and the build hung.
"""

from __future__ import annotations

import contextlib
import gc
import math
import multiprocessing
import multiprocessing.connection
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

LARGEST = 150  # items in a chunk at most, by default: what one fresh worker holds at once
# ... and for a job whose workers touch only their own chunk, not the build's model (reading
# and checking files): fewer forks, each of which copies the build's page tables. Not more:
# the build's process takes each chunk back whole, and at 1,000 files its heap stayed larger
# for the rest of the build (a warm build of 10,000 exemplars peaked at 294 MB, 278 at 300)
LARGEST_LIGHT = 300
# A worker takes another chunk while it holds less than this alone: with the build's process, the
# whole tree stays within its memory budget at 10,000 exemplars
WORKER_MEMORY = 24 * 2**20

def workers() -> int:
    """How many processes a parallel job uses: one per core, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def in_worker() -> bool:
    """True inside a forked worker: what it keeps dies with the chunk's process."""
    return multiprocessing.parent_process() is not None


def chunked(
    work: Callable[[Sequence[Item]], Result],
    items: Sequence[Item],
    *,
    serial_below: int,
    smallest: int = 50,
    weight: Callable[[Item], float] | None = None,
    largest: int | None = None,
    meanwhile: Iterable[object] = (),
) -> Iterator[Result]:
    """work(chunk) for consecutive chunks of items, in order, as each is done; and the steps of
    meanwhile, in this process: one at a time while the workers draw, whenever no result is
    waiting (it would only wait for them), or before the job when the job runs here.

    Each chunk is a share of what is left (TAPER), between smallest and largest (LARGEST by
    default) items: the first chunks are large, so there are few forks, and the last small, so
    no core waits at the end for a long one; and the caller can use results while the rest are
    drawn. With weight (an item's rough cost, 1 for a typical one), a chunk holds at most its
    size's worth, so a run of costly items is shared between the workers wherever it falls.
    """
    count = workers()
    if len(items) < serial_below or count < 2 or in_worker():
        for _step in meanwhile:
            pass
        if items:
            yield work(items)
        return
    bounds = _bounds(items, count, smallest, largest or LARGEST, weight)
    # gc.freeze keeps the collector from writing to (and so copying) every inherited object
    gc.freeze()
    try:
        yield from _each_in_a_fork(work, items, bounds, count, meanwhile)  # type: ignore[misc]
    finally:
        gc.unfreeze()


_NO_STEP = object()


def one_step(work: Callable[[], object]) -> Iterator[object]:
    """work() as the one step of a job's meanwhile (called when the job gets to it)."""
    yield work()


TAPER = 2  # a chunk is what is left shared among this many times the workers


def _bounds(items: Sequence[Item], count: int, smallest: int, largest: int,
            weight: Callable[[Item], float] | None) -> list[tuple[int, int]]:
    """Consecutive (start, end) chunks, each of what is left / (TAPER x count) items (or that
    worth of weight), and of smallest to largest."""
    costs = [weight(item) for item in items] if weight is not None else [1.0] * len(items)
    left = sum(costs)
    bounds, start = [], 0
    while start < len(items):
        size = min(max(smallest, math.ceil(left / (TAPER * count))), largest)
        end, held = start + 1, costs[start]
        while end < len(items) and end - start < size and held + costs[end] <= size:
            held += costs[end]
            end += 1
        bounds.append((start, end))
        left -= held
        start = end
    return bounds


def _each_in_a_fork(work: Callable[[Sequence[Item]], Result], items: Sequence[Item],
                    bounds: list[tuple[int, int]], count: int,
                    meanwhile: Iterable[object]) -> Iterator[Result]:
    """work(items[start:end]) for each of bounds in forked workers, at most count at once, each
    worker taking chunks until it is full (_child); results in order, each as soon as it and
    those before it are done; a step of meanwhile whenever no worker has a result ready, the
    first once the first workers are started, and any left once the last chunk is done."""
    forks = _Forks(work, items, bounds)
    waiting = iter(range(len(bounds)))  # the chunks not started yet
    steps: Iterator[object] | None = iter(meanwhile)  # None: no step left
    done: dict[int, Result] = {}

    def start_more() -> None:
        while forks.busy() < count and (number := next(waiting, None)) is not None:
            forks.start(number)

    try:
        start_more()
        for wanted in range(len(bounds)):
            while wanted not in done:
                # a step between results, never in place of handing a worker its next chunk
                ready_now = forks.ready(wait=steps is None)
                if not ready_now and steps is not None:
                    if next(steps, _NO_STEP) is _NO_STEP:
                        steps = None
                    continue
                done.update(forks.take(ready) for ready in ready_now)
                # the next chunks first: a worker that has answered takes a few ms more to exit
                start_more()
                forks.join_answered()
            yield done.pop(wanted)
        for _step in steps or ():
            pass
    finally:  # done, stopped early (an error) or given up by the caller: no worker outlives the job
        forks.close()


class _Forks:
    """The workers of one job: the ones drawing a chunk, the ones waiting for another, and the
    ones that gave their last result and may still be exiting."""

    def __init__(self, work: Callable[[Sequence], object], items: Sequence,
                 bounds: list[tuple[int, int]]) -> None:
        self._context = multiprocessing.get_context("fork")
        self._child_args = (work, items, bounds)
        self._running: dict = {}  # the connection a result comes on -> (chunk number, process)
        self._idle: list[tuple] = []  # (connection, process) of workers that take another chunk
        self._answered: list[multiprocessing.Process] = []

    def busy(self) -> int:
        return len(self._running)

    def start(self, number: int) -> None:
        """Chunk number to an idle worker, or to a new fork when none is idle."""
        if self._idle:
            connection, process = self._idle.pop()
            connection.send(number)
        else:
            connection, child_end = self._context.Pipe()
            process = self._context.Process(target=_child, daemon=True,
                                            args=(*self._child_args, number, child_end))
            process.start()
            child_end.close()
        self._running[connection] = (number, process)

    def ready(self, *, wait: bool) -> list:
        """The connections with a result waiting; with wait, blocks until there is one."""
        return multiprocessing.connection.wait(list(self._running), timeout=None if wait else 0)

    def take(self, ready: multiprocessing.connection.Connection) -> tuple[int, object]:
        """(chunk number, result) from a ready worker; raises what the worker raised."""
        number, process = self._running.pop(ready)
        result, more = _result(ready, process)
        if more:
            self._idle.append((ready, process))
        else:
            ready.close()
            self._answered.append(process)
        return number, result

    def join_answered(self) -> None:
        while self._answered:
            self._answered.pop().join()

    def close(self) -> None:
        """Idle workers told to stop, running ones killed; every one joined."""
        for connection, process in self._idle:
            with contextlib.suppress(OSError):
                connection.send(None)
            connection.close()
            process.join()
        for connection, (_number, process) in self._running.items():
            process.kill()
            process.join()
            connection.close()
        self.join_answered()


def _child(work: Callable[[Sequence], object], items: Sequence, bounds: list[tuple[int, int]],
           number: int | None, connection: multiprocessing.connection.Connection) -> None:
    """Chunks by number, each answered (ok, result or error, whether it takes another), until
    it fails, holds WORKER_MEMORY or is sent None."""
    while number is not None:
        start, end = bounds[number]
        try:
            ok, value = True, work(items[start:end])
        except BaseException as exc:  # given back to the build, raised there
            ok, value = False, exc
        held = _private_memory()
        more = ok and held is not None and held < WORKER_MEMORY
        connection.send((ok, value, more))
        if not more:
            break
        try:
            number = connection.recv()
        except EOFError:  # the build is gone
            break
    connection.close()


def _private_memory() -> int | None:
    """Bytes this process holds alone (copied from its parent or its own), None when unknown."""
    try:
        with open("/proc/self/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Private_Dirty:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _result(ready: multiprocessing.connection.Connection,
            process: multiprocessing.Process) -> tuple[object, bool]:
    """A chunk's result and whether its worker takes another; raises what the worker raised."""
    try:
        ok, value, more = ready.recv()
    except EOFError:  # killed before it answered (out of memory, a signal)
        ready.close()
        process.join()
        ok, value, more = False, ChildProcessError(
            f"a build worker stopped (exit code {process.exitcode})"), False
    if not ok:
        ready.close()
        process.join()
        raise value
    return value, more
