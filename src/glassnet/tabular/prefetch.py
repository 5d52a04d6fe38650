"""Reading ahead: ``prefetched(items, work)`` runs ``work(item)`` for the next items in a
background thread while the caller uses the ones before, at most ``depth`` results ahead.

Reading and parsing a chunk (pandas' C reader) and the matrix products of training both
run outside Python's global lock for much of their time, so the two overlap. An error in
the thread is raised in the caller; when the caller stops early (early stopping, Ctrl-C),
the thread stops after the item in hand. Standard library only.
"""

from __future__ import annotations

import queue
import threading

DEPTH = 1


def prefetched(items, work, depth: int = DEPTH):
    """Yield ``work(item)`` for each of ``items`` in order, computed ahead in a thread."""
    results: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(entry) -> bool:
        while not stop.is_set():
            try:
                results.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(("item", work(item))):
                    return
            offer(("end", None))
        except BaseException as error:  # noqa: BLE001 - handed to the caller, raised there
            offer(("error", error))

    thread = threading.Thread(target=produce, name="glassnet-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = results.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        thread.join()
