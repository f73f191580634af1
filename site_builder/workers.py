"""A pool of processes for the work that grows with the number of stories (stories.py).

Work is handed out an item at a time and the results come back in the order given, so the
output is the same whatever the number of workers.
"""
from __future__ import annotations

import multiprocessing
import threading

PARALLEL_FROM = 200  # less work than this (items, or the `size` they hold) is quicker here than in a new pool


def map_in_order(function, items, workers: int, initializer, initargs: tuple, size: int | None = None):
    """Yields function(item) for each item, in order, computed in `workers` processes, each
    started with initializer(*initargs); here, in this process, when there are few items (or
    `size`, what they hold, is small) or one worker. Results are handed on as they come, not
    gathered first."""
    if workers <= 1 or (len(items) if size is None else size) < PARALLEL_FROM:
        yield from _here(function, items, initializer, initargs)
        return
    from concurrent.futures import ProcessPoolExecutor  # here: an edit rebuild needs no pool, nor the
    from concurrent.futures.process import BrokenProcessPool  # 6 ms its import took (logging with it)

    done = 0
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(start_method()),
                                 initializer=initializer, initargs=initargs) as pool:
            # An item at a time: each is a store shard (about 150 stories at 10,000), so the workers
            # end within a shard of each other. Four at a time, one of them went on alone for 0.1-0.7
            # s at the end of a cold build at 10,000 stories (NOTES.md).
            for result in pool.map(function, items):
                done += 1
                yield result
    except BrokenProcessPool:
        # A worker died (out of memory, or this program cannot be started again as a worker, as
        # when it was read from standard input): do the rest here instead, with the same result.
        yield from _here(function, items[done:], initializer, initargs)


def _here(function, items, initializer, initargs: tuple):
    initializer(*initargs)
    for item in items:
        yield function(item)


def start_method() -> str:
    """fork is quickest; with other threads running (the preview server) a forked child could
    inherit a held lock, so processes start from a clean server process instead."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"
