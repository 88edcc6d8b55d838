import json

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def lv_run(tmp_path_factory):
    from discover.systems import generate, get_system, to_frame

    tmp = tmp_path_factory.mktemp("lv")
    path = tmp / "lv.csv"
    to_frame(generate(get_system("lotka_volterra"), points=400, trajectories=3, noise=0.01, seed=0)).to_csv(path, index=False)
    out = tmp / "run"
    r = runner.invoke(app, ["run", str(path), "--out", str(out), "--seed", "3"])
    assert r.exit_code == 0, r.output
    return path, out


def test_run_folder_contents(lv_run):
    _, out = lv_run
    for name in ["report.md", "report.html", "equations.json", "run.json", "data.npz",
                 "figures/trajectories.png", "figures/derivatives.png", "figures/confidence.png", "figures/pareto.png"]:
        assert (out / name).exists(), name


def test_equations_json_schema_and_sympify(lv_run):
    _, out = lv_run
    doc = json.loads((out / "equations.json").read_text())
    assert doc["schema"] == "discover.equations/1"
    assert doc["time"] == "t" and doc["variables"] == ["x", "y"]
    best = doc["best"]
    assert set(best) >= {"method", "equations", "latex", "complexity", "scores"}
    assert best["method"] == "sindy" and best["complexity"] == 4
    assert best["scores"]["short_r2"] > 0.99
    symbols = {v: sp.Symbol(v) for v in doc["variables"]}
    for cand in [best] + doc["candidates"]:
        assert set(cand["equations"]) == {"x", "y"}
        for text in cand["equations"].values():
            expr = sp.sympify(text, locals=symbols)
            assert expr.free_symbols <= set(symbols.values())


def test_same_seed_same_equations(lv_run, tmp_path):
    path, out = lv_run
    again = tmp_path / "again"
    r = runner.invoke(app, ["run", str(path), "--out", str(again), "--seed", "3"])
    assert r.exit_code == 0
    assert (again / "equations.json").read_text() == (out / "equations.json").read_text()


def test_html_is_self_contained(lv_run):
    _, out = lv_run
    html = (out / "report.html").read_text()
    assert "<math" in html and "data:image/png;base64," in html
    assert "http://" not in html and "https://" not in html and "<script" not in html


def test_run_json_provenance(lv_run):
    path, out = lv_run
    run = json.loads((out / "run.json").read_text())
    assert run["settings"]["seed"] == 3
    assert run["provenance"]["inputs"][0]["path"] == str(path)
    assert len(run["provenance"]["inputs"][0]["sha256"]) == 64
    assert "pysindy" in run["provenance"]["versions"]
    assert run["timings"]["sindy"] > 0


def test_report_renders_again(lv_run):
    _, out = lv_run
    before = (out / "equations.json").read_text()
    md = (out / "report.md").read_text()
    (out / "report.md").unlink()
    r = runner.invoke(app, ["report", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "report.md").read_text() == md  # drawn from what the folder stores, byte for byte
    assert (out / "equations.json").read_text() == before


REPORTS = __import__("pathlib").Path(__file__).parents[1] / "reports"


def _run_report(p) -> bool:
    return (p / "run.json").exists()


@pytest.mark.parametrize("name", sorted(p.name for p in REPORTS.iterdir() if _run_report(p)))
def test_committed_reports_render_again_byte_for_byte(name, tmp_path):
    import shutil

    out = tmp_path / name
    shutil.copytree(REPORTS / name, out)
    before = (out / "report.md").read_text()
    figures = sorted(p.name for p in (out / "figures").iterdir())
    r = runner.invoke(app, ["report", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "report.md").read_text() == before
    assert sorted(p.name for p in (out / "figures").iterdir()) == figures


def test_report_renders_a_run_whose_scores_hold_nulls(tmp_path):
    import shutil
    from pathlib import Path

    out = tmp_path / "pinn"
    shutil.copytree(Path(__file__).parents[1] / "reports" / "lotka_volterra_pinn", out)
    before = (out / "equations.json").read_text()
    assert '"short_r2": null' in before  # a candidate whose held-out score could not be taken
    r = runner.invoke(app, ["report", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "equations.json").read_text() == before
    md = (out / "report.md").read_text()
    assert "standard error" in md and "figures/hidden.png" in md  # the hidden-term figure is kept


def test_report_on_a_non_run_folder(tmp_path):
    r = runner.invoke(app, ["report", str(tmp_path)])
    assert r.exit_code == 2 and "not a discover run folder" in r.output


def test_api_simulate_and_score(lv_run):
    import discover

    path, _ = lv_run
    data = discover.load_csv(path)
    model = discover.Discoverer(random_state=3).fit(data)
    tr = data.trajectories[0]
    sim = model.simulate(tr.t, tr.x[0])
    assert sim.shape == tr.x.shape
    assert model.score(data) > 0.9
    deriv = model.predict(tr.x[:5])
    assert deriv.shape == (5, 2) and np.all(np.isfinite(deriv))


def test_every_constant_has_a_standard_error_in_json_and_report(lv_run):
    _, out = lv_run
    doc = json.loads((out / "equations.json").read_text())
    unc = doc["best"]["uncertainty"]
    assert set(unc) == {"x", "y"} and sum(len(rows) for rows in unc.values()) == 4
    for rows in unc.values():
        for r in rows:
            assert set(r) == {"term", "value", "stderr", "inner"} and 0 < r["stderr"] < 0.05 * abs(r["value"])
    assert all("uncertainty" in c for c in doc["candidates"] if not c["scores"].get("failed"))
    md, html = (out / "report.md").read_text(), (out / "report.html").read_text()
    assert "| equation | term | constant | standard error |" in md and md.count("± ") >= 4
    assert md.splitlines()[2].startswith("**Confidence: high**")
    assert "<th>standard error</th>" in html


def test_rational_right_hand_side_is_also_written_with_fewest_constants():
    from discover.report.context import _readable

    x = sp.Symbol("x")
    shown = _readable((0.1771 - 0.8981 * x) / (x + 0.3056))
    assert shown["readable_form"] == "saturating"
    assert shown["readable_text"] == "-1.478*x/(x + 0.3056) + 0.5795"
    assert _readable(-10.0 * x + 2.0) == {}


def test_a_fresh_run_renders_again_byte_for_byte(lv_run, tmp_path):
    import shutil

    _, out = lv_run
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    r = runner.invoke(app, ["report", str(copy)])
    assert r.exit_code == 0, r.output
    assert (copy / "report.md").read_text() == (out / "report.md").read_text()
