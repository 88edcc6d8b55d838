"""The plug-ins' own parts of a report: gathered from the plug-ins a run used, rendered for each medium.

Each plug-in the run's plan names is asked, through its family's registry, for its
:class:`~discover.core.section.Section` (:meth:`discover.core.plugin.Plugin.section`); sections
with the same key are kept once. The report knows no plug-in by name: it renders the blocks of
every section in Markdown and HTML, escaping every value for its medium, draws the figures the
sections specify (:func:`figures`) and writes the files they own (:func:`files`).
"""

from __future__ import annotations

from discover.core.printing import escape_markdown, markdown_code, markdown_code_block
from discover.core.section import Code, Figure, Heading, Section, Table, Text


def _plugins(result) -> list[tuple[object, str]]:
    """``(registry, name)`` of every plug-in the run's plan names, in the plan's order."""
    from discover.delay import REGISTRY as DELAY
    from discover.distillers import REGISTRY as DISTILLERS
    from discover.surrogates import REGISTRY as SURROGATES

    out = []
    for stage in result.settings.get("plan", []) if isinstance(result.settings, dict) else []:
        for route in stage.get("routes", []):
            *surrogates, distiller = str(route).split("+")
            out += [(SURROGATES, s) for s in surrogates] + [(DISTILLERS, distiller)]
        out += [(DELAY, str(m)) for m in stage.get("models", [])]
    seen, unique = set(), []
    for registry, name in out:
        if (id(registry), name) not in seen and name in registry:
            seen.add((id(registry), name))
            unique.append((registry, name))
    return unique


def collect(result) -> list[Section]:
    """The sections the run's plug-ins add to its report, in the plan's order (each key once)."""
    out: dict[str, Section] = {}
    for registry, name in _plugins(result):
        section = registry.section(name, result)
        if section is not None and section.key not in out:
            out[section.key] = section
    return list(out.values())


def figures(result) -> list[Figure]:
    """Every figure the sections specify, in their order."""
    return [f for s in collect(result) for f in s.figures()]


def files(result) -> dict[str, object]:
    """``file name -> JSON-ready data`` the sections write at the top of the run folder."""
    return {name: data for s in collect(result) for name, data in s.files.items()}


# ---------------------------------------------------------------------------------------- Markdown
def _md_spans(text: Text) -> str:
    parts = []
    for value, style in text.spans:
        if style == "code":
            parts.append(markdown_code(value))
        elif style == "strong":
            parts.append(f"**{escape_markdown(value)}**")
        else:
            parts.append(escape_markdown(value))
    return "".join(parts)


def _md_table(table: Table) -> str:
    def cell(j, value):
        return markdown_code(value, table=True) if j in table.code else escape_markdown(value)

    lines = ["|" + "".join(f" {escape_markdown(h)} |" if h else " |" for h in table.header),
             "|" + "---|" * len(table.header)]
    lines += ["| " + " | ".join(cell(j, v) for j, v in enumerate(row)) + " |" for row in table.rows]
    return "\n".join(lines) + "\n\n"


def markdown(section: Section, drawn: dict[str, str]) -> str:
    """``section`` in Markdown; ``drawn`` maps each figure drawn to its file name under ``figures/``."""
    out = ["#" * section.level + " " + escape_markdown(section.title) + "\n\n"]
    after_picture = False
    for block in section.blocks:
        if isinstance(block, Figure):
            if block.key in drawn:
                out.append(f"![{escape_markdown(block.alt)}](figures/{drawn[block.key]})\n")
                after_picture = True
            continue
        if after_picture:
            out.append("\n")
            after_picture = False
        if isinstance(block, Heading):
            out.append("#" * block.level + " " + escape_markdown(block.title) + "\n\n")
        elif isinstance(block, Text):
            out.append(_md_spans(block) + "\n\n")
        elif isinstance(block, Table):
            out.append(_md_table(block))
        elif isinstance(block, Code):
            out.append(markdown_code_block(block.lines) + "\n")
    return "".join(out)


# -------------------------------------------------------------------------------------------- HTML
def _html_spans(text: Text) -> str:
    from markupsafe import escape

    tags = {"strong": "strong", "code": "code"}
    return "".join(f"<{tags[style]}>{escape(value)}</{tags[style]}>" if style in tags else str(escape(value))
                   for value, style in text.spans)


def html(section: Section, images: dict[str, str]):
    """``section`` in HTML (a :class:`markupsafe.Markup`); ``images`` maps each figure drawn to its data URI."""
    from markupsafe import Markup, escape

    level = max(1, min(6, section.level))
    out = [f"<h{level}>{escape(section.title)}</h{level}>"]
    for block in section.blocks:
        if isinstance(block, Heading):
            h = max(1, min(6, block.level))
            out.append(f"<h{h}>{escape(block.title)}</h{h}>")
        elif isinstance(block, Text):
            out.append(f"<p>{_html_spans(block)}</p>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{escape(h)}</th>" for h in block.header)
            rows = ["<tr>" + "".join(f"<td><code>{escape(v)}</code></td>" if j in block.code else f"<td>{escape(v)}</td>"
                                     for j, v in enumerate(row)) + "</tr>" for row in block.rows]
            out.append("<table><tr>" + head + "</tr>\n" + "".join(r + "\n" for r in rows) + "</table>")
        elif isinstance(block, Code):
            out.append("<pre>" + "".join(f"{escape(line)}\n" for line in block.lines) + "</pre>")
        elif isinstance(block, Figure) and block.key in images:
            out.append(f'<img alt="{escape(block.alt)}" src="{escape(images[block.key])}">')
    return Markup("\n".join(out))
