"""``report.md`` and ``report.html`` of a run folder, from the results and the figures drawn.

Written by the run's figure worker once it has drawn the figures (its templates were compiled
while the fit ran: :func:`discover.report.parallel._warm_up`), or by the run itself when there
is no worker; the same files either way.
"""

from __future__ import annotations

import base64
from pathlib import Path

from discover.report import context, markup
from discover.result import RunResult


def write(result: RunResult, folder: Path, figures: dict[str, str]) -> None:
    """Write ``report.md`` and ``report.html`` into ``folder``; ``figures`` maps each figure drawn
    to its file name under ``folder/figures`` (the HTML embeds them as ``data:`` URIs)."""
    ctx = context.build(result, figures)
    (folder / "report.md").write_text(markup.render_markdown(ctx), encoding="utf-8")
    images = {
        k: "data:image/png;base64," + base64.b64encode((folder / "figures" / v).read_bytes()).decode()
        for k, v in figures.items()
    }
    (folder / "report.html").write_text(markup.render_html(ctx, images), encoding="utf-8")


__all__ = ["write"]
