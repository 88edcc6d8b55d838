"""The time budget and `--no-figures` bound a field run as they bound a run on trajectories.

Burgers' u_t = -u u_x + 0.1 u_xx at 1% noise on a small grid: under a tiny budget the first stage
(the weak form) still runs and the selection still concludes, so the run exits 0 with the PDE; the
stages that cannot fit are skipped and run.json and the report say so. A field method declared in a
test with a hook of its own and its cost is budgeted without any change to the pipeline.
"""

import json
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

import discover
from cli.main import app
from discover.core.budget import WorkCost, expired
from discover.fields import methods as field_methods
from discover.fields.catalog import generate_field, to_long_frame
from discover.fields.methods import FieldMethod

runner = CliRunner()


@pytest.fixture(scope="module")
def burgers():
    return generate_field("burgers", noise=0.01, seed=0, n_x=64, n_t=41)


@pytest.fixture(scope="module")
def burgers_csv(burgers, tmp_path_factory):
    path = tmp_path_factory.mktemp("burgers") / "b.csv"
    to_long_frame([burgers]).to_csv(path, index=False)
    return path


def _recovered(eq: dict) -> None:
    assert set(eq["best"]["std"]) == {"u*u_x", "u_xx"}  # the weak form's Burgers, with its standard errors


def test_a_tiny_budget_ends_a_field_run_with_a_model_and_records_the_cut(burgers_csv, tmp_path):
    out = tmp_path / "run"
    res = runner.invoke(app, ["run", str(burgers_csv), "--space", "x", "--methods", "pinn", "--budget", "1",
                              "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "Time budget: 1.00 s (--budget)" in res.output
    assert "no effect" not in res.output  # the old note that the budget did not apply to fields is gone
    _recovered(json.loads((out / "equations.json").read_text()))
    run = json.loads((out / "run.json").read_text())
    assert run["settings"]["budget"]["seconds"] == 1.0 and run["settings"]["budget"]["default"] is False
    plan = {s["stage"]: s for s in run["settings"]["plan"]}
    assert list(plan) == ["weak", "strong", "pinn"]
    assert plan["weak"]["outcome"] in ("ran", "cut") and plan["weak"]["candidates"] > 0  # the first stage runs
    for name in ("strong", "pinn"):  # no room left after the reserve: skipped, with the reason
        assert plan[name]["outcome"] == "skipped" and plan[name]["ran"] is False
        assert plan[name]["budget"].startswith("skipped: ") and plan[name]["estimated_s"] > 0
    # the hidden-term PINN's estimate is its declared cost (about 100 s), not a guess by its name
    assert plan["pinn"]["estimated_s"] == pytest.approx(field_methods.PINN_COST(64 * 41, 1), rel=1e-3)
    for report in ("report.md", "report.html"):
        text = (out / report).read_text()
        assert "Cut by the time budget: strong skipped: " in text and "pinn skipped: " in text


def test_an_unpressured_budget_changes_nothing(burgers):
    free = discover.Discoverer(methods="auto", random_state=0).fit([burgers])
    roomy = discover.Discoverer(methods="auto", random_state=0, budget=600).fit([burgers])
    assert roomy.best_.terms == free.best_.terms  # every coefficient as fitted
    assert [s["outcome"] for s in roomy.result_.settings["plan"]] == ["ran", "ran"]
    assert free.result_.settings["budget"]["default"] is True  # a default budget, recorded


def _slow_hook(fields, options):
    """A method's own candidates that take as long as they are given: steps until the share is spent."""
    stop = time.monotonic() + 60
    while not expired() and time.monotonic() < stop:
        time.sleep(0.01)
    return []


def test_a_field_method_declares_its_cost_and_its_stage_is_cut_when_its_share_is_spent(burgers, monkeypatch):
    monkeypatch.setitem(field_methods.METHODS, "slow_test",
                        FieldMethod("slow_test", ("weak",), f"{__name__}:_slow_hook", WorkCost(0.5, 0.0)))
    t0 = time.monotonic()
    model = discover.Discoverer(methods="slow_test", random_state=0, budget=4).fit([burgers])
    assert time.monotonic() - t0 < 30  # the hook was stopped by its share, not by its own guard
    plan = {s["stage"]: s for s in model.result_.settings["plan"]}
    assert plan["slow_test"]["estimated_s"] == pytest.approx(0.5)
    assert plan["slow_test"]["outcome"] == "cut" and plan["slow_test"]["budget"].startswith("cut: its share")
    assert set(model.coefficients_[i]["term"] for i in range(len(model.coefficients_))) == {"u*u_x", "u_xx"}


def test_no_figures_draws_nothing_for_a_field_run_and_keeps_the_text(burgers_csv, tmp_path):
    out = tmp_path / "run"
    code = ("import sys\nfrom discover.api import run\n"
            f"run({str(burgers_csv)!r}, {str(out)!r}, methods='weak', space='x', figures=False)\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert not (out / "figures").exists()
    _recovered(json.loads((out / "equations.json").read_text()))
    md, html = (out / "report.md").read_text(), (out / "report.html").read_text()
    assert "u_t = " in md and "<img" not in html and "spacetime.png" not in md
    assert "No figure was drawn" in md and "No figure was drawn" in html
    cli = runner.invoke(app, ["run", str(burgers_csv), "--space", "x", "--methods", "weak", "--no-figures",
                              "-o", str(tmp_path / "cli")])
    assert cli.exit_code == 0, cli.output
    assert not (tmp_path / "cli" / "figures").exists()
    # `discover report` draws the figure later
    again = runner.invoke(app, ["report", str(out)])
    assert again.exit_code == 0, again.output
    assert (out / "figures" / "spacetime.png").is_file()
