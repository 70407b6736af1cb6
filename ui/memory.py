"""Giving a large upload's memory back to the operating system once the page has finished with it.

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
