"""One way to race threads in a test: start them together, collect what each returned or raised."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def run_together(count: int, work: Callable[[int], Any], *, cleanup: Callable[[], None] | None = None,
                 timeout: float = 60) -> list[Any]:
    """Run ``work(number)`` in ``count`` threads released at the same moment; return each result.

    ``cleanup()`` runs at the end of every thread, in that thread (to close its
    own database connections). The first failure of any thread is raised here.
    """
    barrier = threading.Barrier(count, timeout=timeout)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def target(number: int) -> None:
        try:
            barrier.wait()
            results[number] = work(number)
        except BaseException as error:  # handed to the test thread below
            errors.append(error)
        finally:
            if cleanup is not None:
                cleanup()

    threads = [threading.Thread(target=target, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    if errors:
        raise errors[0]
    return results
