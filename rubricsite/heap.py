"""The model lives as long as the build: the cycle collector waits while it is made.

Loading, checking and planning thousands of exemplars makes millions of objects that all stay
alive until the build ends. Each of Python's full collections on the way walks every one of them
again and frees nothing (about a quarter of the planning's time at 10,000 exemplars); paused,
the collector walks them once, afterwards.
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
        if was_enabled:
            gc.enable()
