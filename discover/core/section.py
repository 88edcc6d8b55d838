"""What a plug-in adds to the report and the run folder, as plain data (:meth:`Plugin.section`).

A :class:`Section` is a titled list of blocks — paragraphs (:class:`Text`, spans of plain,
strong or code text), :class:`Table`, :class:`Code` (a block of lines) and :class:`Figure`
(a figure specification: its file name under ``figures/``, its alternative text, what it
costs to draw, and the function that draws it from the run's result) — plus the files the
plug-in writes at the top of the run folder (``name -> JSON-ready data``). The report renders
sections in Markdown and HTML (escaping every value for its medium) without knowing which
plug-in made them; :mod:`discover.core.rundir` learns the files and figures a run wrote from
its ``run.json``. A :class:`Section`'s ``key`` is its identity: sections that several
plug-ins of one family return alike (the delay models' comparison) are rendered once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

#: Where in the report a section stands: ``evidence`` after the held-out fit (a model's own
#: parts), ``models`` after the term stability (models of their own, such as the delay models).
PLACES = ("evidence", "models")


@dataclass(frozen=True)
class Text:
    """A paragraph: ``spans`` of ``(text, style)``, style ``""``, ``"strong"`` or ``"code"``."""

    spans: tuple[tuple[str, str], ...]

    @classmethod
    def plain(cls, text: str) -> "Text":
        return cls(((text, ""),))


@dataclass(frozen=True)
class Table:
    """A table of text cells; the cells of the columns in ``code`` are shown as code."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    code: tuple[int, ...] = ()


@dataclass(frozen=True)
class Code:
    """Lines shown as they are (a fenced block in Markdown, ``<pre>`` in HTML)."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section (``level`` 2 to 4)."""

    title: str
    level: int = 3


@dataclass(frozen=True)
class Figure:
    """A figure a section shows: drawn as ``figures/<key>.png`` by ``draw(result, path)``, which
    returns False when it has nothing to show; ``cost`` orders the drawing (costly ones first)."""

    key: str
    alt: str
    draw: Callable
    cost: float = 1.0


Block = Text | Table | Code | Heading | Figure


@dataclass(frozen=True)
class Section:
    """What one plug-in (or one family) adds to the report.

    Attributes
    ----------
    key : identity (sections with the same key are shown once).
    title : its heading; ``level`` 2 or 3.
    place : one of :data:`PLACES`.
    blocks : the content, in order.
    files : ``file name -> JSON-ready data`` written at the top of the run folder.
    """

    key: str
    title: str
    blocks: tuple[Block, ...] = ()
    level: int = 3
    place: str = "evidence"
    files: dict = field(default_factory=dict)

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]

    def __post_init__(self):
        if self.place not in PLACES:
            raise ValueError(f"a section's place is one of {', '.join(PLACES)}, not {self.place!r}")


def fmt(v, digits: int = 3) -> str:
    """A number as the comparison shows it ("—" when missing, "failed" when infinite)."""
    if v is None:
        return "—"
    if isinstance(v, float):
        if v != v:
            return "—"
        if abs(v) == float("inf"):
            return "failed"
        return f"{v:.{digits}f}"
    return str(v)
