"""The model lives as long as the build: the cycle collector waits while it is made, and what
every list shows lies together.

Loading, checking and planning thousands of exemplars makes millions of objects that all stay
alive until the build ends. Each of Python's full collections on the way walks every one of them
again and frees nothing (about a quarter of the planning's time at 10,000 exemplars).

A render worker is forked from the build's process and copies each page of memory whose objects
it so much as reads (a reference count is written). The strings of an exemplar's front matter
are made while its file is read, among the parse's other objects, most of which are let go
after: a worker drawing a list of all exemplars then copied most of the build's memory for a
few fields of each. `fresh` copies such fields, one exemplar after another, onto pages of their
own.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

Value = TypeVar("Value")


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (reference counting goes on as ever)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # what was made moves straight to the oldest generation, unwalked: the collector's next
        # young pass would otherwise walk all of it at once (and a short build ends before any
        # full pass comes)
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def fresh(value: Value) -> Value:
    """A copy made now of a string or of a tuple of strings; any other value as it is."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(fresh(item) for item in value)  # type: ignore[return-value]
    return value
