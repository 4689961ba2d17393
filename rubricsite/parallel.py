"""Work on every core: a job cut into chunks, drawn by forked workers, results back in order.

Fork, not spawn: the workers inherit what the build already holds (the model, the Jinja
environment), so nothing large is pickled on the way in, only each chunk's result on the way
back. Below `serial_below` items, or on one core, the job runs in this process.

Each chunk is drawn by a fresh fork. A long-lived worker keeps a private copy of every page of
inherited memory it has touched (reference counts and new objects write there), so by the end
each worker held most of the build's model over again; a fork per chunk of at most `LARGEST`
items lets that go chunk by chunk, for a fork's cost.

Every fork is made here, on the thread that asked for the work, between its own steps. A pool
that replaces its workers forks from a thread of its own, at any moment: a fork made while this
thread was inside SQLite (saving a chunk's Markdown) gave the child SQLite's lock held by no one,
and the build hung.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import multiprocessing.connection
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

LARGEST = 150  # items in a chunk at most, by default: what one fresh worker holds at once
# ... and for a job whose workers touch only their own chunk, not the build's model (reading
# and checking files): fewer forks, each of which copies the build's page tables. Not more:
# the build's process takes each chunk back whole, and at 1,000 files its heap stayed larger
# for the rest of the build (a warm build of 10,000 exemplars peaked at 294 MB, 278 at 300)
LARGEST_LIGHT = 300

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
    meanwhile: Callable[[], object] | None = None,
) -> Iterator[Result]:
    """work(chunk) for consecutive chunks of items, in order, as each is done; and meanwhile(),
    once, in this process: while the first workers draw (it would only wait for them), or
    before the job when the job runs here.

    Each chunk is a share of what is left (TAPER), between smallest and largest (LARGEST by
    default) items: the first chunks are large, so there are few forks, and the last small, so
    no core waits at the end for a long one; and the caller can use results while the rest are
    drawn. With weight (an item's rough cost, 1 for a typical one), a chunk holds at most its
    size's worth, so a run of costly items is shared between the workers wherever it falls.
    """
    count = workers()
    if len(items) < serial_below or count < 2 or in_worker():
        if meanwhile is not None:
            meanwhile()
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
                    meanwhile: Callable[[], object] | None) -> Iterator[Result]:
    """work(items[start:end]) for each of bounds, each in a process forked for it, at most count
    at once; results in order, each as soon as it and those before it are done; meanwhile()
    once the first are started."""
    context = multiprocessing.get_context("fork")
    running: dict = {}  # the connection a result comes on -> (chunk number, process)
    answered: list[multiprocessing.Process] = []  # gave their result, may still be exiting
    done: dict[int, Result] = {}
    waiting = iter(range(len(bounds)))  # the chunks not started yet

    def start_more() -> None:
        while len(running) < count and (number := next(waiting, None)) is not None:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_child, daemon=True,
                                      args=(work, items, bounds[number], send))
            process.start()
            send.close()
            running[receive] = (number, process)

    try:
        start_more()
        if meanwhile is not None:
            meanwhile()
        for wanted in range(len(bounds)):
            while wanted not in done:
                for ready in multiprocessing.connection.wait(list(running)):
                    number, process = running.pop(ready)
                    answered.append(process)
                    done[number] = _result(ready, process)
                # the next workers first: one that has answered takes a few ms more to exit
                start_more()
                while answered:
                    answered.pop().join()
            yield done.pop(wanted)
    finally:  # stopped early (an error, or the caller gave up): no worker outlives the job
        for connection, (_number, process) in running.items():
            process.kill()
            process.join()
            connection.close()
        for process in answered:
            process.join()


def _child(work: Callable[[Sequence], object], items: Sequence, bounds: tuple[int, int],
           send: multiprocessing.connection.Connection) -> None:
    try:
        outcome = (True, work(items[bounds[0] : bounds[1]]))
    except BaseException as exc:  # given back to the build, raised there
        outcome = (False, exc)
    send.send(outcome)
    send.close()


def _result(ready: multiprocessing.connection.Connection, process: multiprocessing.Process) -> object:
    try:
        ok, value = ready.recv()
    except EOFError:  # killed before it answered (out of memory, a signal)
        process.join()
        ok, value = False, ChildProcessError(f"a build worker stopped (exit code {process.exitcode})")
    finally:
        ready.close()
    if not ok:
        process.join()
        raise value
    return value
