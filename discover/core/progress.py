"""Progress reporting without printing.

The library never draws progress bars. Long steps accept a ``progress`` object with the
:class:`Progress` interface; the default :class:`NullProgress` does nothing, and the CLI
passes one built on rich.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Protocol


class Progress(Protocol):
    """What a long-running step may call."""

    def task(self, description: str, total: int | None = None) -> "Task":
        """Open a task; use as a context manager."""

    # Optional: ``note(text)``, a line reported once (the run's time budget); the run calls it when present.


class Task(Protocol):
    def advance(self, n: int = 1) -> None: ...

    def update(self, description: str | None = None) -> None: ...


class _NullTask:
    def advance(self, n: int = 1) -> None:
        pass

    def update(self, description: str | None = None) -> None:
        pass


class NullProgress:
    """A progress sink that ignores everything (the library default)."""

    def note(self, text: str) -> None:
        """A line the run reports once (such as its time budget); ignored."""

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[_NullTask]:
        yield _NullTask()
