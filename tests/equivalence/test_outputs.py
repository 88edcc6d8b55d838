"""The equivalence set and the suggested experiment in every output: equations.json, suggestion.json,
`--json`, `discover suggest`, candidates_frame(), discover.load and the report (fast: SINDy alone)."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import discover
from cli.main import app
from discover.core.structure import shape

runner = CliRunner()


def test_a_narrow_range_gives_competing_structures_a_suggestion_and_medium(narrow_csv, tmp_path):
    out = tmp_path / "run"
    r = runner.invoke(app, ["run", str(narrow_csv), "--methods", "sindy", "-o", str(out), "--no-figures", "--json",
                            "--design-box", "x: 0..12"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    eq = json.loads((out / "equations.json").read_text())
    # a quadratic and x**3 with a constant fit 6..7.7 to within the noise and part ways beyond it
    assert len(eq["equivalent"]) >= 2 and doc["equivalent"] == eq["equivalent"]
    assert eq["equivalent"][0]["equations"] == eq["best"]["equations"] and eq["equivalent"][0]["rank"] == 0
    shapes = {shape(discover.load(out).candidates_[e["rank"]].equations) for e in eq["equivalent"]}
    assert len(shapes) == len(eq["equivalent"])  # distinct structures
    for e in eq["equivalent"][1:]:
        assert e["differs"]["typical"] >= 0.1 and 0.0 <= e["differs"]["at"]["x"] <= 12.0
    assert eq["design_box"] == {"x": [0.0, 12.0]}
    assert doc["confidence"] == "medium" and "structures fit the data equally well" in doc["deciding"]
    # the experiment: a start in the box, a duration, each competing model's prediction
    s = doc["suggestion"]
    assert 0.0 <= s["initial_state"]["x"] <= 12.0 and s["duration"] > 0
    assert len(s["models"]) == len(eq["equivalent"])
    ends = [m["x"]["x"][-1] for m in s["models"]]
    assert np.ptp(ends) > 0.1 * np.ptp([6.0, 7.7])  # they predict different things there
    r = runner.invoke(app, ["suggest", str(out), "--json"])
    assert r.exit_code == 0
    printed = json.loads(r.stdout)
    assert printed["initial_state"] == s["initial_state"] and printed["duration"] == s["duration"]
    assert all(len(m["t"]) == len(m["x"]["x"]) for m in printed["models"])
    r = runner.invoke(app, ["suggest", str(out)])
    assert r.exit_code == 0 and "Next measurement" in r.output and "start at x =" in r.output
    # read back: the same set on the fitted model and in candidates_frame()
    model = discover.load(out)
    assert len(model.equivalent_) == len(eq["equivalent"]) and model.equivalent_[0].candidate is model.best_
    assert model.suggestion_["initial_state"] == s["initial_state"]
    frame = model.candidates_frame()
    assert sorted(frame["equivalent"].dropna().astype(int)) == list(range(len(eq["equivalent"])))
    assert frame.loc[0, "equivalent"] == 0


@pytest.mark.slow
def test_the_report_shows_them_side_by_side(narrow_csv, tmp_path):
    out = tmp_path / "run"
    r = runner.invoke(app, ["run", str(narrow_csv), "--methods", "sindy", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "Fit the data as well" in r.output and "discover suggest" in r.output
    html = (out / "report.html").read_text()
    md = (out / "report.md").read_text()
    assert "Structures the data cannot tell apart" in html and "The measurement that separates them" in html
    assert "figures/equivalent.png" in md and (out / "figures" / "equivalent.png").stat().st_size > 10_000
    # drawn again from the folder, the same
    r = runner.invoke(app, ["report", str(out)])
    assert r.exit_code == 0 and "Structures the data cannot tell apart" in (out / "report.md").read_text()


def test_bad_design_box_or_folder_is_one_sentence_and_exit_2(narrow_csv, tmp_path):
    r = runner.invoke(app, ["run", str(narrow_csv), "-o", str(tmp_path / "a"), "--design-box", "x: 5..1"])
    assert r.exit_code == 2 and "LOW < HIGH" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["run", str(narrow_csv), "-o", str(tmp_path / "b"), "--design-box", "y: 0..1"])
    assert r.exit_code == 2 and "not a state of the data" in r.output
    r = runner.invoke(app, ["suggest", str(tmp_path / "nothing")])
    assert r.exit_code == 2 and "not a discover run folder" in r.output
