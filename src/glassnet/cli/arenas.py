"""Fewer malloc arenas for ``train --stream``: ``limit_arenas()``.

glibc's malloc gives each thread that allocates at once its own pool of memory (an arena),
up to eight per CPU, and memory freed into one arena is not reused by another. Streaming
parses and encodes chunks in a background thread while the main thread trains, so freed
chunks pile up in two or more arenas: on the benchmark's 0.2 GB file the peak resident memory
was 272 to 280 MiB with the default and 242 to 252 MiB with at most two arenas (the same
processor time, within the noise of a shared machine). ``limit_arenas`` sets that limit
(``mallopt(M_ARENA_MAX, 2)``, what ``MALLOC_ARENA_MAX=2`` sets at start); elsewhere than
glibc it does nothing. Standard library only.
"""

from __future__ import annotations

import ctypes

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Ask glibc's malloc for at most ``arenas`` arenas from now on; whether it agreed."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # not glibc (macOS, Windows): nothing to set
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(M_ARENA_MAX, arenas) == 1
