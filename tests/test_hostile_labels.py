"""Every file discover writes from labels escapes them for its format (issue 31, deliver 5).

The same hostile labels go through each writer: markup (``<script>``), a LaTeX command
(``\\input{/etc/passwd}``), a spreadsheet formula (``=cmd|...``), a terminal escape sequence
(``\\x1b[31m``) and a line break. The printable ones go through a real fit and run folder (every
entry point accepts them); the control characters, which the loaders may refuse, go straight to
the writers, which must be safe whatever they are given.
"""

from __future__ import annotations

import ast
import csv
import io
import re

import pytest
import sympy as sp
from rich.console import Console

import discover
from discover.batch.manifest import DataSet
from discover.core import printing
from discover.core.candidates import Candidate
from discover.export import to_latex, to_python
from discover.systems import generate, get_system

MARKUP = "<script>alert(1)</script>"
LATEX = "\\input{/etc/passwd}"
FORMULA = "=cmd|' /C calc'!A0"
ESCAPE = "v\x1b[31m"
BREAK = "w\n# injected"
PRINTABLE = (MARKUP, FORMULA + " " + LATEX)
CONTROL = (ESCAPE, BREAK)


def _fit(names):
    data = generate(get_system("lotka_volterra"), points=300, trajectories=3, noise=0.0, seed=0)
    data = discover.Dataset.from_arrays([tr.t for tr in data.trajectories], [tr.x for tr in data.trajectories],
                                        names=names)
    return discover.Discoverer(methods="sindy", random_state=0, settings={"sindy": {"bootstrap": 4}}).fit(data)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    model = _fit(PRINTABLE)
    folder = tmp_path_factory.mktemp("hostile") / "run"
    model.write_report(folder, figures=False)
    return model, folder


def _candidate(names) -> Candidate:
    a, b = (sp.Symbol(n) for n in names)
    return Candidate({names[0]: 1.1 * a - 0.4 * a * b, names[1]: 0.1 * a * b - 0.4 * b}, "sindy", {})


def test_the_fit_recovers_the_system_under_hostile_labels(run):
    model, _ = run
    assert model.best_ is not None and model.best_.complexity == 4


def test_report_html_holds_no_live_markup(run):
    model, folder = run
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_report_md_holds_no_markup_no_latex_command_and_no_heading(run):
    _, folder = run
    md = (folder / "report.md").read_text(encoding="utf-8")
    # inside code (fenced blocks, spans) Markdown shows text literally; everywhere else it must be escaped
    prose = re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1\s*$", "", md)
    prose = re.sub(r"(`+)(?:(?!\1).)+?\1", "", prose)
    assert MARKUP in md  # the label is there, in code
    assert "<script>" not in prose and "\\input{" not in prose
    assert not [line for line in md.splitlines() if line.startswith(("=cmd", "# injected"))]


def test_latex_export_runs_no_command():
    for names in (PRINTABLE, CONTROL):
        tex = to_latex(_candidate(names))
        assert "\\input{" not in tex and "\x1b" not in tex and "# injected" not in tex.replace("\\#", "")
        body = tex.split("\\midrule", 1)[1].split("\\bottomrule", 1)[0]
        assert len(body.strip().splitlines()) == 2  # a line break in a label splits no row


def test_notebook_display_escapes_markup(run):
    model, _ = run
    html = model._repr_html_()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_notebook_display_of_control_characters():
    mathml = printing.equation_mathml(ESCAPE, "t", sp.Symbol(BREAK) * 2)
    assert "\x1b" not in mathml and "\n# injected" not in mathml and "\\x1b" in mathml


def test_exported_module_docstring_and_comments_hold_no_label():
    for names in (PRINTABLE, CONTROL):
        code = to_python(_candidate(names))
        tree = ast.parse(code)
        doc = ast.get_docstring(tree) or ""
        assert not any(n in doc for n in names) and "script" not in doc
        comments = [line for line in code.splitlines() if line.lstrip().startswith("#")]
        assert not any("script" in c or "cmd|" in c or "injected" in c for c in comments)
        assert "\x1b" not in code  # a label is a string literal, its control characters escaped by repr


def test_summary_csv_neutralises_formula_cells_but_not_numbers(run, tmp_path):
    from discover.batch.html import write_html
    from discover.batch.rows import read_row
    from discover.batch.summary import summary_frame, write_csv

    _, folder = run
    name = FORMULA
    ds = DataSet(name=name, folder="run", paths=("x.csv",), metadata={"k": -1.5, "note": "@SUM(A1:A9)"})
    row = {"name": name, "status": "ok", "reason": "", **read_row(folder), "wall_s": 1.0, "cached": False}
    other = DataSet(name="+other", folder="other", paths=("y.csv",), metadata={"k": 2.0, "note": "\tTAB"})
    frame = summary_frame([ds, other], {name: row}, tmp_path)
    write_csv(frame, tmp_path / "summary.csv")
    cells = list(csv.reader(io.StringIO((tmp_path / "summary.csv").read_text(encoding="utf-8"))))
    for line in cells:
        for cell in line:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            if cell.startswith("-"):
                float(cell)  # only a number may start with a minus sign
    header, first = cells[0], cells[1]
    assert first[header.index("dataset")] == "'" + FORMULA and first[header.index("k")] == "-1.5"
    write_html(frame, tmp_path / "summary.html")
    html = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html


def test_terminal_lines_show_labels_without_driving_the_terminal():
    from cli.boundary import escape

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=200)
    for label in (*PRINTABLE, *CONTROL, "[red]x[/red]", "\u202eevil", "bell\x07"):
        console.print(f"  {escape(printing.derivative_text(label, 't') + ' = ' + printing.text(sp.Symbol(label)))}")
    shown = buffer.getvalue()
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "\\x1b[31m" in shown and "[red]x[/red]" in shown
    assert len(shown.splitlines()) == 7  # a line break in a label breaks no line


def test_cli_run_prints_hostile_column_names_literally(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app
    from discover.systems import to_frame

    data = generate(get_system("lotka_volterra"), points=300, trajectories=2, seed=0)
    frame = to_frame(data).rename(columns={"x": MARKUP, "y": "[red]" + FORMULA})
    frame.to_csv(tmp_path / "d.csv", index=False)
    r = CliRunner().invoke(app, ["run", str(tmp_path / "d.csv"), "--methods", "sindy", "--no-figures",
                                 "-o", str(tmp_path / "r")])
    assert r.exit_code == 0, r.output
    assert MARKUP in r.output and "[red]" + FORMULA in r.output.replace("\n", "")


@pytest.mark.parametrize("label", [*PRINTABLE, *CONTROL])
def test_every_printer_writes_control_characters_visibly(label):
    e = 2 * sp.Symbol(label)
    for out in (printing.text(e), printing.latex(e), str(printing.mathml(e)), printing.escape_markdown(label),
                printing.markdown_code(label), printing.derivative_text(label, "t")):
        assert "\x1b" not in out and "\n" not in out
    assert "<script" not in printing.latex(e) + str(printing.mathml(e))
    assert not re.search(r"(?<!\\)<script", printing.escape_markdown(label))  # Markdown shows \< as <
