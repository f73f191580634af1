"""A pool of processes for the work that grows with the number of stories (stories.py).

Work is handed out in chunks and the results come back in the order given, so the output is
the same whatever the number of workers.
"""
from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

PARALLEL_FROM = 200  # fewer items than this are quicker to do here than to start a pool for


def map_in_order(function, items, workers: int, initializer, initargs: tuple) -> list:
    """[function(item) for item in items] in `workers` processes, each started with
    initializer(*initargs); here, in this process, when there are few items or one worker."""
    def here() -> list:
        initializer(*initargs)
        return [function(item) for item in items]

    if workers <= 1 or len(items) < PARALLEL_FROM:
        return here()
    # fork is quickest; with other threads running (the preview server) a forked child could
    # inherit a held lock, so start workers from a clean server process instead.
    methods = multiprocessing.get_all_start_methods()
    method = "fork" if threading.active_count() == 1 and "fork" in methods \
        else "forkserver" if "forkserver" in methods else "spawn"
    chunk = max(1, len(items) // (workers * 8))
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                                 initializer=initializer, initargs=initargs) as pool:
            return list(pool.map(function, items, chunksize=chunk))
    except BrokenProcessPool:
        # A worker died (out of memory, or this program cannot be started again as a worker, as
        # when it was read from standard input): do the work here instead, with the same result.
        return here()
