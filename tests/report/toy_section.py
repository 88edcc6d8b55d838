"""The report module of a toy plug-in (tests/report/test_sections.py): what it adds is plain data,
with every kind of block, a figure and a file of its own, and text that must be escaped."""

from discover.core.section import Code, Figure, Heading, Section, Table, Text

HOSTILE = "<script>alert(1)</script> *x* | y"


def draw(result, path) -> bool:
    from discover.core.plotkit import figure, save

    fig, axes = figure(1, 1, (3.0, 2.0))
    axes[0, 0].plot([0.0, 1.0], [len(result.names), 0.0])
    return save(fig, path)


def section(result):
    return Section("toy", f"Toy section {HOSTILE}", (
        Text(((f"{len(result.candidates)} candidates; ", ""), (HOSTILE, "strong"), (" and ", ""), ("a|b", "code"))),
        Heading("Toy table", 4),
        Table(("name", "formula"), tuple((v, f"{v}*{HOSTILE}") for v in result.names), code=(1,)),
        Code((HOSTILE, "```")),
        Figure("toy_figure", f"toy {HOSTILE}", draw),
        Figure("toy_nothing", "never drawn", lambda result, path: False),
    ), level=2, place="models", files={"toy.json": {"names": list(result.names), "note": HOSTILE}})
