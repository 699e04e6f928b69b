"""The cycle collector around large builds: paused while they run, and (in the installed command only) what
they built kept out of its later passes.

Reading a large model makes hundreds of thousands of objects that hold no reference cycles (AST nodes, rows,
shapes) and live until the answer is printed. Each pass of Python's cycle collector visits every object of the
generations it collects, so these objects were visited again and again while they were made, and once more in
the first pass after: a fifth of the CPU time of a 10,000-layer model (186 ms of 1.09 s, measured with
`gc.callbacks`). `paused()` stops the collector while such a structure is built; reference counting still frees
everything. When the build ends, the installed command (`keep_built(True)`, set by `cli.main` for its own
process) moves every live object into the collector's permanent generation (`gc.freeze()`, a constant-time move)
so that they are never visited again; objects made after that, the interpreter's among them, are collected as
before. A program that calls the API keeps Python's defaults: a frozen object is never collected, which only a
process that ends after one answer can afford.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_KEEP_BUILT = False


def keep_built(keep: bool) -> None:
    """After each paused build, freeze what is alive (the installed command's process only)."""
    global _KEEP_BUILT
    _KEEP_BUILT = keep


@contextmanager
def paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a large structure that holds no cycles is built (the rows of
    100,000 layers, a module's AST). Reference counting still frees everything; the collector runs again as soon
    as the build is done (see the module's text for the installed command)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if _KEEP_BUILT:
            gc.freeze()
        gc.enable()
