"""The two report templates and how each escapes what it is given.

``report.html.j2`` is rendered with HTML autoescaping on (chosen by template name): every value
is escaped unless it is a :class:`markupsafe.Markup` built in Python from escaped parts (the
MathML of :mod:`discover.core.printing`). Data URIs of the figures need no exception: escaping
leaves base64 text as it is.

``report.md.j2`` is rendered with the Markdown counterpart of autoescaping: every ``{{ value }}``
is passed through :func:`discover.core.printing.escape_markdown`, unless a filter says how else to
write it: ``code`` / ``cell_code`` (a code span; in a table cell ``|`` escaped too),
``code_block`` (a fenced block of lines) and ``verbatim`` (LaTeX built by
:mod:`discover.core.printing`, or a file name we chose).

Both templates render the plug-ins' sections with the ``section`` filter
(:mod:`discover.report.sections`, which escapes every value of a section for its medium).
"""

from __future__ import annotations

from functools import lru_cache

from discover.core.printing import escape_markdown, markdown_code, markdown_code_block


class MarkdownText(str):
    """Text that is already Markdown: the Markdown template writes it as it is."""


def _finalize(value):
    if isinstance(value, MarkdownText):
        return value
    return escape_markdown("" if value is None else str(value))


def _loader():
    import jinja2

    return jinja2.PackageLoader("discover.report", "templates")


def html_environment():
    """Jinja environment for ``report.html.j2``: autoescaping on for ``*.html`` and ``*.html.j2``."""
    import jinja2

    from discover.report import sections

    env = jinja2.Environment(loader=_loader(), keep_trailing_newline=True,
                             autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"),
                                                                 default_for_string=True, default=True))
    env.filters["section"] = jinja2.pass_context(lambda ctx, s: sections.html(s, ctx.get("images") or {}))
    return env


def markdown_environment():
    """Jinja environment for ``report.md.j2``: every value Markdown-escaped unless a filter says otherwise."""
    import jinja2

    from discover.report import sections

    env = jinja2.Environment(loader=_loader(), keep_trailing_newline=True, autoescape=False, finalize=_finalize)
    env.filters["code"] = lambda v: MarkdownText(markdown_code(v))
    env.filters["cell_code"] = lambda v: MarkdownText(markdown_code(v, table=True))
    env.filters["code_block"] = lambda lines, info="": MarkdownText(markdown_code_block(lines, info))
    env.filters["verbatim"] = lambda v: MarkdownText(v)
    env.filters["section"] = jinja2.pass_context(
        lambda ctx, s: MarkdownText("\n" + sections.markdown(s, ctx.get("figures") or {})))
    return env


@lru_cache(maxsize=1)
def markdown_template():
    """The compiled ``report.md.j2`` (compiled once a process: a forked figure worker compiles it
    while the fit runs)."""
    return markdown_environment().get_template("report.md.j2")


@lru_cache(maxsize=1)
def html_template():
    """The compiled ``report.html.j2`` (once a process)."""
    return html_environment().get_template("report.html.j2")


def render_markdown(ctx: dict) -> str:
    """``report.md`` from the report context."""
    return markdown_template().render(**ctx)


def render_html(ctx: dict, images: dict[str, str]) -> str:
    """``report.html`` from the report context and the figures as ``data:`` URIs."""
    return html_template().render(images=images, **ctx)


__all__ = ["MarkdownText", "html_environment", "html_template", "markdown_environment", "markdown_template", "render_html",
           "render_markdown"]
