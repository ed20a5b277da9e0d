"""Run the same call in several threads released at once by a barrier; collect the outcomes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def at_once(count: int, call: Callable[[int], T], timeout: float = 60) -> list[T | BaseException]:
    """`call(i)` in `count` threads that start together; each result, or what it raised."""
    barrier = threading.Barrier(count)
    outcomes: list[T | BaseException | None] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = call(i)
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcomes[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes  # type: ignore[return-value]


def summary(outcomes: list[object]) -> str:
    """How many threads ended how: '7 x (200, ...), 3 x StaleDataError'."""
    from collections import Counter

    names = Counter(
        type(o).__name__ if isinstance(o, BaseException) else repr(o)[:40] for o in outcomes
    )
    return ", ".join(f"{n} x {name}" for name, n in names.most_common())
