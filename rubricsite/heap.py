"""The model lives as long as the build: the cycle collector waits while it is made.

Loading, checking and planning thousands of exemplars makes millions of objects that all stay
alive until the build ends. Each of Python's full collections on the way walks every one of them
again and frees nothing (about a quarter of the planning's time at 10,000 exemplars).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
