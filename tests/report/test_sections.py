"""Plug-ins own their output: a plug-in's section (plain data from its own report module) reaches
report.md, report.html, figures/ and the run folder's files without the report knowing its name;
what the run wrote is listed in run.json, so the next run into the folder replaces exactly that.

No fitting here: the run's result is read back from an example report folder, a toy distiller is
declared with a report module, and the result's plan is made to name it."""

import io
import json
import re
import shutil
import tokenize
from pathlib import Path

import pytest

import discover
from discover.core.section import Section, Table, Text
from discover.distillers import REGISTRY as DISTILLERS
from discover.report import sections
from discover.report.run_folder import load_run, write_run

REPO = Path(__file__).parents[2]
HOSTILE = "<script>alert(1)</script> *x* | y"


@pytest.fixture
def toy():
    DISTILLERS.declare("toy", "tests.report.toy_section", report="tests.report.toy_section")
    yield "toy"
    DISTILLERS.unregister("toy")


def _with_toy(tmp_path, source="lotka_volterra"):
    folder = tmp_path / "run"
    shutil.copytree(REPO / "reports" / source, folder)
    result = load_run(folder)
    result.settings["plan"] = [*result.settings["plan"], {"stage": "distil", "routes": ["toy"], "ran": True}]
    return folder, result


def test_a_plugins_section_reaches_every_document_escaped(tmp_path, toy):
    folder, result = _with_toy(tmp_path)
    write_run(result, folder, source=folder)
    md = (folder / "report.md").read_text()
    html = (folder / "report.html").read_text()
    assert "## Toy section &lt;script" not in md and r"## Toy section \<script\>alert(1)\</script\> \*x\* \| y" in md
    assert "#### Toy table" in md and r"| x | `x*<script>alert(1)</script> *x* \| y` |" in md
    assert "**" + r"\<script\>alert(1)\</script\> \*x\* \| y" + "**" in md and "`a|b`" in md
    assert "````\n" in md  # a fence longer than any run of backticks in the block
    assert "![toy \\<script\\>alert(1)\\</script\\> \\*x\\* \\| y](figures/toy_figure.png)" in md
    assert "toy_nothing" not in md and not (folder / "figures" / "toy_nothing.png").exists()
    assert "<script>" not in html and "<h2>Toy section &lt;script&gt;" in html
    assert "<td><code>x*&lt;script&gt;" in html and re.search(r'<img alt="toy &lt;script&gt;[^"]*" src="data:image/png', html)
    # the figure joins the one list (drawn as the others are), the file is written, run.json lists both
    assert (folder / "figures" / "toy_figure.png").read_bytes()[:4] == b"\x89PNG"
    assert json.loads((folder / "toy.json").read_text()) == {"names": ["x", "y"], "note": HOSTILE}
    written = json.loads((folder / "run.json").read_text())["written"]
    assert {"toy.json", "figures/toy_figure.png"} <= set(written)
    # the toy section stands among the models' sections: after the term stability, before the candidates
    assert md.index("## Toy section") > md.index("### Term stability") and md.index("## Toy section") < md.index("## Candidates")


def test_the_next_run_replaces_what_a_plugin_wrote_and_keeps_the_users_files(tmp_path, toy):
    folder, result = _with_toy(tmp_path)
    write_run(result, folder, source=folder)
    (folder / "notes.md").write_text("mine\n")
    (folder / "figures" / "mine.png").write_bytes(b"mine")
    plain = load_run(REPO / "reports" / "lotka_volterra")  # a run without the toy plug-in
    write_run(plain, folder, source=folder)
    assert not (folder / "toy.json").exists() and not (folder / "figures" / "toy_figure.png").exists()
    assert (folder / "notes.md").read_text() == "mine\n" and (folder / "figures" / "mine.png").read_bytes() == b"mine"
    assert "toy.json" not in json.loads((folder / "run.json").read_text())["written"]


def test_a_section_cannot_write_outside_the_folder_or_over_discovers_files(tmp_path, toy, monkeypatch):
    folder, result = _with_toy(tmp_path)
    for name in ("../escape.json", "equations.json", "figures/x.json", "notes.txt"):
        monkeypatch.setattr("tests.report.toy_section.section", lambda result, name=name: Section(
            "toy", "Toy", (Text.plain("x"),), files={name: {}}))
        with pytest.raises(ValueError, match="names the file"):
            write_run(result, folder, source=folder)
    assert not (tmp_path / "escape.json").exists()


def test_sections_with_one_key_are_shown_once_and_a_plugin_without_report_adds_nothing(tmp_path):
    folder = tmp_path / "delay"
    shutil.copytree(REPO / "reports" / "lorenz_delay", folder)
    result = load_run(folder)
    found = sections.collect(result)  # havok and hankel both return the delay models' section
    assert [s.key for s in found] == ["delay"]
    assert [f.key for f in found[0].figures()] == ["havok_forcing", "havok_reconstruction", "delay_forecasts"]
    assert set(found[0].files) == {"havok.json"}
    sindy = load_run(REPO / "reports" / "lotka_volterra")
    assert sections.collect(sindy) == []


def test_a_folder_written_before_the_typed_records_loads_the_same(tmp_path):
    """Folders whose run.json lists neither the delay models nor the files written (as discover wrote
    them before): the models come from the plan, each description from its <name>.json."""
    folder = tmp_path / "old"
    shutil.copytree(REPO / "reports" / "lorenz_delay", folder)
    run = json.loads((folder / "run.json").read_text())
    run.pop("written", None)
    run["delay"].pop("methods", None)
    (folder / "run.json").write_text(json.dumps(run))
    result = discover.load(folder)
    assert result.result_.delay.methods == ("havok", "hankel")
    assert result.result_.delay.models["havok"]["forcing"] == "v4"
    md_before = (REPO / "reports" / "lorenz_delay" / "report.md").read_text()
    write_run(load_run(folder), folder, source=folder)  # `discover report` on the old folder
    assert (folder / "report.md").read_text() == md_before
    assert (folder / "havok.json").exists()


def test_the_pinns_hidden_term_is_a_typed_field_and_equations_json_keeps_its_text():
    result = load_run(REPO / "reports" / "lotka_volterra_pinn")
    best = result.best
    assert best.parts is not None and "hidden" not in best.settings and "known_fitted" not in best.settings
    x, y = (s for s in sorted(best.equations["x"].free_symbols, key=str))
    assert best.parts.hidden["x"].has(x * y) and best.parts.known["y"].free_symbols == {y}
    assert (best.parts.known["x"] + best.parts.hidden["x"] - best.equations["x"]).expand() == 0
    from discover.report.equations_json import to_dict

    written = to_dict(result)["best"]["settings"]
    stored = json.loads((REPO / "reports" / "lotka_volterra_pinn" / "equations.json").read_text())["best"]["settings"]
    assert list(written) == list(stored) and written["hidden"] == stored["hidden"]


def test_the_table_renderers_escape_for_their_medium():
    table = Section("k", "T", (Table(("a", ""), ((HOSTILE, HOSTILE),), code=(1,)),))
    md = sections.markdown(table, {})
    assert "| a | |" in md and r"\<script\>" in md and r"`<script>alert(1)</script> *x* \| y`" in md
    html = str(sections.html(table, {}))
    assert "<script>" not in html and "<th></th>" in html


# ------------------------------------------------------------------------------ no plug-in by name
def _registered() -> dict[str, object]:
    from discover.delay import REGISTRY as DELAY
    from discover.surrogates import REGISTRY as SURROGATES

    return {name: r for r in (DISTILLERS, SURROGATES, DELAY) for name in r}


def _tokens(path: Path) -> list[tuple[int, str]]:
    """``(type, text)`` of a module's string literals (unquoted; docstrings included) and names."""
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if tok.type == tokenize.STRING:
            out.append((tok.type, tok.string.lstrip("rbfuRBFU").strip("'\"")))
        elif tok.type == tokenize.NAME:
            out.append((tok.type, tok.string))
    return out


def test_the_report_core_and_cli_know_no_plugin_by_name():
    """No registered plug-in's name (nor a route of them, ``a+b``) is a string the report, the core or
    the command line holds; the plug-ins that own output (a report module or tables of their own) are
    not an identifier there nor a word of the report's templates, nor quoted anywhere in them (the
    issue's grep: help texts and docstrings may speak of them in prose)."""
    names = _registered()
    owning = {n for n, r in names.items() if r._reports.get(n) or r._tables.get(n)}
    assert {"pinn", "havok", "hankel"} <= owning  # the plug-ins whose output the report once knew by name
    where = [REPO / "discover" / "report", REPO / "discover" / "core", REPO / "cli"]
    files = [p for d in where for p in d.rglob("*") if p.suffix in (".py", ".j2")]
    # the field route and reading a run folder back: a method's hook is found in its table, not by name
    files += [REPO / "discover" / "pipeline" / n for n in ("field_run.py", "field_model.py", "loading.py", "budget.py",
                                                            "field_plan.py", "field_fit.py")]
    allowed = {(REPO / "cli" / "config.py", "sr"), (REPO / "cli" / "main.py", "prose")}  # --sr-engine; a command group
    for path in files:
        text, shown = path.read_text(), path.relative_to(REPO)
        for name in sorted(owning):
            assert not re.search(rf"['\"]{name}['\"]", text), f"{shown} quotes {name}"
            if path.suffix == ".j2":
                assert not re.search(rf"\b{name}\b", text), f"{shown} names {name}"
        if path.suffix == ".py":
            for kind, s in _tokens(path):
                if kind == tokenize.NAME:
                    assert s not in owning, f"{shown} has an identifier {s!r}"
                elif all(p in names for p in s.split("+")) and (path, s) not in allowed:
                    raise AssertionError(f"{shown} holds the plug-in name {s!r}")
