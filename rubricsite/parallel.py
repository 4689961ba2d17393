"""Work on every core: a job cut into chunks, drawn by forked workers, results back in order.

Fork, not spawn: the workers inherit what the build already holds (the model, the Jinja
environment), so nothing large is pickled on the way in, only each chunk's result on the way
back. Below `serial_below` items, or on one core, the job runs in this process.

Each chunk is drawn by a fresh fork. A long-lived worker keeps a private copy of every page of
inherited memory it has touched (reference counts and new objects write there), so by the end
each worker held most of the build's model over again; a fork per chunk of at most `LARGEST`
items lets that go chunk by chunk, for a fork's cost.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

LARGEST = 250  # items in a chunk at most: what one fresh worker holds at once

_job: tuple[Callable[[Sequence], object], Sequence] | None = None


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
    per_worker: int = 8,
    smallest: int = 25,
    weight: Callable[[Item], float] | None = None,
) -> Iterator[Result]:
    """work(chunk) for consecutive chunks of items, in order, as each is done.

    Chunks are small enough that each worker takes several (per_worker), so a slow chunk does
    not leave a core idle at the end, and the caller can use results while the rest are drawn.
    With weight (an item's rough cost, 1 for a typical one), a run of costly items is cut into
    more chunks, so it is shared between the workers wherever it falls in the order.
    """
    count = workers()
    if len(items) < serial_below or count < 2 or in_worker():
        if items:
            yield work(items)
        return
    size = min(max(smallest, -(-len(items) // (count * per_worker))), LARGEST)
    bounds = _bounds(items, size, weight)
    global _job
    _job = (work, items)
    # gc.freeze keeps the collector from writing to (and so copying) every inherited object
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(count, maxtasksperchild=1) as pool:
            yield from pool.imap(_run, bounds)  # type: ignore[misc]
    finally:
        _job = None
        gc.unfreeze()


def _bounds(items: Sequence[Item], size: int,
            weight: Callable[[Item], float] | None) -> list[tuple[int, int]]:
    """Consecutive (start, end) chunks of at most size items, and of at most size's worth of
    weight when weights are given."""
    if weight is None:
        return [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
    bounds, start, held = [], 0, 0.0
    for i, item in enumerate(items):
        cost = weight(item)
        if i > start and (i - start >= size or held + cost > size):
            bounds.append((start, i))
            start, held = i, 0.0
        held += cost
    return [*bounds, (start, len(items))] if items else bounds


def _run(bounds: tuple[int, int]) -> object:
    assert _job is not None
    work, items = _job
    return work(items[bounds[0] : bounds[1]])
