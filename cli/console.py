"""The command line's one output policy for printing: data on stdout, everything else on stderr.

Tables and results go to ``data``; spinners, progress bars, warnings, FLAG
lines, notes and "wrote ..." lines go to ``info`` (stderr), so
``facesim simulate S > table.txt`` captures only the table. Neither stream
wraps lines when it is not a terminal (rich would wrap at 80 columns).
Text that comes from files or the engine is escaped, so brackets in it
(``[[injection]]``) print as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from facesim import DISCLAIMER

if TYPE_CHECKING:  # rich is imported only when a command prints
    from rich.console import Console

#: Line width when a stream is not a terminal: wide enough that nothing wraps.
UNWRAPPED_WIDTH = 10_000


def console(stderr: bool = False) -> "Console":
    """A rich console on stdout (or stderr) that does not wrap when the stream is not a terminal."""
    from rich.console import Console

    con = Console(stderr=stderr)
    if not con.is_terminal:
        con.width = UNWRAPPED_WIDTH
        con.soft_wrap = True
    return con


def escape(text: object) -> str:
    """``text`` with rich markup escaped, so it prints literally."""
    from rich.markup import escape as rich_escape

    return rich_escape(str(text))


@dataclass
class Streams:
    """Where a command prints: ``data`` (stdout) and ``info`` (stderr)."""

    data: "Console"
    info: "Console"

    def notes(self, flags: Iterable[str] = (), warnings: Iterable[str] = ()) -> None:
        """A scenario's FLAG lines and the simulation's warnings, on stderr."""
        for flag in flags:
            self.info.print(f"[bold red]FLAG:[/bold red] {escape(flag)}")
        for warning in warnings:
            self.info.print(f"[yellow]warning:[/yellow] {escape(warning)}")

    def wrote(self, *paths: object) -> None:
        """``wrote A, B`` on stderr."""
        self.info.print("wrote " + ", ".join(escape(p) for p in paths))

    @contextmanager
    def progress(self, step: str) -> Iterator:
        """A transient progress line on stderr; yields ``update(step=None, done=None, total=None)``."""
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                                   TimeRemainingColumn)

        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=self.info, transient=True) as bar:
            task = bar.add_task(step, total=None)

            def update(step: str | None = None, done: int | None = None, total: int | None = None) -> None:
                bar.update(task, description=step, completed=done, total=total)

            yield update

    def disclaimer(self, prefix: str = "") -> None:
        """The model's disclaimer, dimmed, on stderr."""
        self.info.print(f"[dim]{prefix}{DISCLAIMER}[/dim]")


def streams() -> Streams:
    """The two consoles of a command."""
    return Streams(console(), console(stderr=True))
