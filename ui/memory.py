"""The server's memory: settled once after the start, and a large upload's given back to the operating system.

`settle` collects once and freezes what the start built (modules, the store, the caches' code) out of
Python's later collections: a full collection of a warm server walks about 170,000 objects, 140 ms with the
interpreter held. Streamlit's collection after every run is off (.streamlit/config.toml, `postScriptGC`).

A million-row upload builds frames of several hundred megabytes. Python frees them, but glibc's
allocator keeps the freed pages in the process, so a server that handled one upload stayed near 1 GB.
`give_back` collects the garbage and asks Arrow's allocator and glibc's to return what they hold free
(`release_unused`, `malloc_trim`); without glibc it does what it can.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

_libc = None
_settled = False


def settle() -> None:
    """Once per process: collect the start's garbage, then freeze what is left (gc.freeze), so later collections
    walk only what pages make. Frozen objects are never collected; they live as long as the server anyway."""
    global _settled
    if not _settled:
        _settled = True
        gc.collect()
        gc.freeze()


def give_back() -> None:
    """Collect garbage and return free heap pages to the operating system where the C library can."""
    global _libc
    gc.collect()
    try:  # Arrow's own allocator (jemalloc or mimalloc) keeps freed blocks until asked
        import pyarrow

        pyarrow.default_memory_pool().release_unused()
    except (ImportError, AttributeError):
        pass
    if _libc is None:
        name = ctypes.util.find_library("c")
        _libc = ctypes.CDLL(name) if name else False
    if _libc and hasattr(_libc, "malloc_trim"):
        _libc.malloc_trim(0)
