"""Names read from data are labels: a run on columns, trajectories and a file named with markup
writes a report.html with no live tag, a report.md that shows the names as they are, and a
terminal summary where ``[mM]`` stays ``[mM]``."""

import json

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from cli.main import app
from discover.systems import generate, get_system, to_frame
from tests.test_printing import Elements

runner = CliRunner()
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def _run(tmp, file_name, x, y, trajectory):
    frame = to_frame(generate(get_system("lotka_volterra"), points=200, trajectories=3, noise=0.01, seed=0))
    frame = frame.rename(columns={"x": x, "y": y})
    frame["trajectory"] = frame["trajectory"].map(lambda i: f"{trajectory}{i}")
    path = tmp / file_name
    frame.to_csv(path, index=False)
    out = tmp / "run [mM]"
    r = runner.invoke(app, ["run", str(path), "--methods", "sindy", "--seed", "0", "--out", str(out)])
    assert r.exit_code == 0, r.output
    return out, r.output


@pytest.fixture(scope="module")
def markup_run(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("markup"), "<b>lv.csv", SCRIPT, IMG, "<b>run</b>")


@pytest.fixture(scope="module")
def bracket_run(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("brackets"), "lv [mM].csv", "S [mM]", "x|y", "[red]run")


def _no_live_markup(doc: Elements, images: str = "data:image/png;base64,") -> None:
    assert "script" not in {e["tag"] for e in doc.elements}
    assert not [e for e in doc.elements if any(a.lower().startswith("on") for a in e["attrs"])]
    for e in doc.elements:
        if e["tag"] == "img":
            assert e["attrs"]["src"].startswith(images), e["attrs"]["src"][:40]


def test_html_holds_no_live_tag(markup_run):
    out, _ = markup_run
    html = (out / "report.html").read_text()
    doc = Elements(html)
    _no_live_markup(doc)
    assert len([e for e in doc.elements if e["tag"] == "img"]) >= 3  # the figures are still there
    mi = doc.texts("mi")  # each name is one MathML identifier holding the name itself
    assert mi.count(SCRIPT) >= 3 and mi.count(IMG) >= 3
    pre = doc.texts("pre")[0]
    assert pre.startswith(f"d({SCRIPT})/dt = ") and f"d({IMG})/dt = " in pre
    assert "<b>run</b>" in "".join(e["text"] for e in doc.elements)  # the trajectory label, shown as text
    assert "<b>lv.csv" in "".join(doc.texts("code"))  # the file name


def test_markdown_shows_the_names(markup_run):
    out, _ = markup_run
    md = (out / "report.md").read_text()
    assert "\\<script\\>alert(1)\\</script\\>" in md and "\\<b\\>run\\</b\\>" in md
    rendered = Elements(MarkdownIt("commonmark").enable("table").render(md))
    _no_live_markup(rendered, images="figures/")
    assert "b" not in {e["tag"] for e in rendered.elements}
    text = "".join(e["text"] for e in rendered.elements)
    assert SCRIPT in text and IMG in text and "<b>run</b>" in text
    assert f"d({SCRIPT})/dt = " in rendered.texts("code")[0]  # the equations block
    latex = json.loads((out / "equations.json").read_text())["best"]["latex"]
    assert latex[SCRIPT].count(r"\mathrm{{<}script{>}alert(1){<}/script{>}}") >= 1


def test_brackets_print_as_they_are(bracket_run):
    out, output = bracket_run
    assert "d(S [mM])/dt = " in output and "(x|y)" in output  # rich did not eat [mM]
    assert "run [mM]" in output
    html = (out / "report.html").read_text()
    doc = Elements(html)
    assert "S [mM]" in doc.texts("mi") and "x|y" in doc.texts("mi")
    assert "d(S [mM])/dt = " in doc.texts("pre")[0]
    md = MarkdownIt("commonmark").enable("table").render((out / "report.md").read_text())
    cells = Elements(md)
    rows = [e for e in cells.elements if e["tag"] == "td"]
    assert "S [mM]" in [e["text"] for e in rows] and "x|y" in [e["text"] for e in rows]  # one cell each
    assert "[red]run" in "".join(e["text"] for e in cells.elements)


def test_report_renders_the_same_again(bracket_run):
    pytest.importorskip("discover.core.expressions", reason="equations.json is read back by the safe parser (safe-expr)")
    out, _ = bracket_run
    before = {name: (out / name).read_text() for name in ("report.md", "report.html")}
    r = runner.invoke(app, ["report", str(out)])
    assert r.exit_code == 0, r.output
    assert "run [mM]" in r.output
    after = {name: (out / name).read_text() for name in ("report.md", "report.html")}
    assert after["report.md"] == before["report.md"]
    assert Elements(after["report.html"]).texts("mi") == Elements(before["report.html"]).texts("mi")
