"""A rich progress display implementing discover's Progress interface."""

from __future__ import annotations

from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cli.boundary import escape, step


class RichProgress:
    def __init__(self, console: Console):
        self.console = console

    def note(self, text: str) -> None:
        """A line the run reports once (the time budget at the start)."""
        self.console.print(escape(text), highlight=False)

    @contextmanager
    def task(self, description: str, total: int | None = None):
        columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn()]
        with Progress(*columns, console=self.console, transient=True) as bar:
            tid = bar.add_task(escape(description), total=total)

            class _Task:
                def advance(self, n: int = 1) -> None:
                    bar.advance(tid, n)

                def update(self, description: str | None = None) -> None:
                    if description:
                        bar.update(tid, description=escape(description))

            with step(description):  # an internal error names the task it happened in
                yield _Task()
        self.console.print(f"[green]✓[/green] {escape(description)}", highlight=False)
