"""The time budget a run keeps (`--budget`, `[run] budget`, `budget=`): checks, the default, the
stages it skips or cuts, what run.json and the report say, and that an unpressured budget changes
nothing."""

import json
import math
import time

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.main import app
from discover.core.budget import MAX_BUDGET, Deadline, active, check_budget, current, default_budget, expired
from discover.core.errors import ConfigError

runner = CliRunner()


# ------------------------------------------------------------------ the setting
@pytest.mark.parametrize("bad", [0, 0.0, -1, -20.5, math.nan, math.inf, -math.inf, 1e308, True, "20", [20]])
def test_nonsense_budgets_are_refused_in_one_sentence(bad):
    with pytest.raises(ConfigError) as info:
        check_budget(bad)
    text = str(info.value)
    assert "`--budget`" in text and text.count(". ") == 0 and text.endswith(".")


@pytest.mark.parametrize("good", [1, 20, 20.5, 3600, MAX_BUDGET])
def test_sensible_budgets_pass(good):
    assert check_budget(good) == float(good)
    assert check_budget(None) is None


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "1e308"])
def test_cli_refuses_bad_budget_with_exit_2(tmp_path, csv, value):
    data = csv("t,x\n0,1\n1,2\n2,3\n3,5\n")
    r = runner.invoke(app, ["run", str(data), "--out", str(tmp_path / "r"), f"--budget={value}"])
    assert r.exit_code == 2, r.output
    assert "--budget" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "r").exists()


def test_config_budget_is_checked(tmp_path, csv):
    data = csv("t,x\n0,1\n1,2\n2,3\n3,5\n")
    cfg = tmp_path / "c.toml"
    cfg.write_text("[run]\nbudget = 0\n")
    r = runner.invoke(app, ["run", str(data), "--out", str(tmp_path / "r"), "--config", str(cfg)])
    assert r.exit_code == 2 and "budget" in r.output
    cfg.write_text("[run]\nbudget = 'soon'\n")
    r = runner.invoke(app, ["run", str(data), "--out", str(tmp_path / "r"), "--config", str(cfg)])
    assert r.exit_code == 2 and "number of seconds" in r.output


def test_batch_refuses_bad_budget(tmp_path, csv):
    csv("t,x\n0,1\n1,2\n2,3\n3,5\n", "a.csv")
    r = runner.invoke(app, ["batch", str(tmp_path), "--out", str(tmp_path / "b"), "--budget", "-3"])
    assert r.exit_code == 2 and "--budget" in r.output
    assert not (tmp_path / "b").exists()


def test_api_refuses_bad_budget_before_reading(tmp_path, csv):
    import discover

    with pytest.raises(ConfigError, match="budget"):
        discover.run(csv("t,x\n0,1\n1,2\n2,3\n3,5\n"), tmp_path / "r", budget=float("nan"))
    assert not (tmp_path / "r").exists()


def test_default_budget_scales_with_samples_times_variables():
    small, wide, long = default_budget(2000, 1), default_budget(2000, 5), default_budget(200_000, 5)
    assert small < wide < long < MAX_BUDGET
    assert default_budget(2000, 5) == default_budget(10_000, 1)  # samples x variables
    assert small >= 600  # generous: a clean small run takes seconds
    assert default_budget(10**9, 100) == MAX_BUDGET  # finite


# ------------------------------------------------------------------ the deadline
def test_deadline_shares_parts_and_marks_the_stage_reached():
    stage = Deadline(10.0)
    part = stage.part(4)
    assert 2.0 < part.left() <= 2.5
    child = stage.share(100.0)  # never after its parent
    assert child.end <= stage.end
    spent = stage.share(0.0)
    assert not stage.reached
    assert spent.expired() and spent.reached and stage.reached
    assert not Deadline().expired() and math.isinf(Deadline().left())


def test_current_deadline_is_a_context():
    assert not expired() and math.isinf(current().left())
    with active(Deadline(0.0)) as d:
        time.sleep(0.001)
        assert expired() and d.reached
    assert not expired() and not current().reached  # outside: none, and the shared default untouched


def test_budget_admits_skips_and_keeps_the_first_stage():
    from discover.pipeline.budget import Budget

    b = Budget(10.0, 2000, 5)
    assert not b.default and b.reserve == pytest.approx(2.0)
    d, why = b.admit(30.0, 0.0, first=False)  # less than half its estimate left
    assert d is None and why.startswith("skipped:") and "estimated 30.0 s" in why
    d, why = b.admit(100.0, 0.0, first=True)  # no candidate yet: it runs on what is left
    assert d is not None and why == ""
    d, _ = b.admit(2.0, 3.0, first=False)  # room for all: all that the later stages do not need
    assert d.left() == pytest.approx(b.available() - 3.0, abs=0.1)
    d, _ = b.admit(4.0, 8.0, first=False)  # not room for all: its estimate (or its fair part, if more)
    assert d.left() == pytest.approx(4.0, abs=0.1)
    assert Budget(None, 2000, 5).seconds == default_budget(2000, 5)


def test_report_lines_name_each_stage_the_budget_cut():
    from discover.report.context import budget_cuts, budget_text

    plan = [{"stage": "distil", "outcome": "ran"},
            {"stage": "rational", "outcome": "cut", "budget": "cut: its share of the budget (4.00 s) was spent"},
            {"stage": "search", "outcome": "skipped", "budget": "skipped: 1.20 s left, estimated 6.00 s"},
            {"stage": "units", "outcome": "not run", "why": "measured inputs"}]
    assert budget_cuts(plan) == ["rational cut: its share of the budget (4.00 s) was spent",
                                 "search skipped: 1.20 s left, estimated 6.00 s"]
    assert budget_cuts("damaged") == []
    assert budget_text({"budget": {"seconds": 20, "spent_s": 14.2}}).startswith("20 s")
    assert budget_text({}) == ""


# ------------------------------------------------------------------ searches stop and keep what they have
def _michaelis_menten_samples():
    from discover.data.prepared import prepare
    from discover.systems import generate, get_system

    prepared = prepare(generate(get_system("michaelis_menten"), points=1000, trajectories=3, seed=0))
    return prepared.samples()


def test_rational_search_cut_by_its_deadline_returns_candidates():
    from discover.distillers import get_distiller

    samples = _michaelis_menten_samples()
    with active(Deadline(0.0)) as d:
        model = get_distiller("sindy_pi")(None, 0).fit(samples)
    assert d.reached and model.facts_.get("cut")
    assert model.candidates_, "a cut search keeps what it found (its first library)"
    full = get_distiller("sindy_pi")(None, 0).fit(samples)
    assert "cut" not in full.facts_
    assert len(full.candidates_) >= len(model.candidates_)
    # unpressured it finds the saturating term itself: a denominator in x
    x = sorted(full.candidates_[0].equations)[0]
    assert any(e.equations[x].as_numer_denom()[1].free_symbols for e in full.candidates_)


def test_symbolic_regression_cut_by_its_deadline_returns_a_front():
    from discover.distillers import get_distiller

    samples = _michaelis_menten_samples()
    with active(Deadline(0.0)) as d:
        model = get_distiller("sr")(None, 0).fit(samples)
    assert d.reached and model.candidates_
    stats = next(iter(model.searches_.values()))
    assert stats.get("cut_by_budget") and stats["generations"] <= 2


# ------------------------------------------------------------------ whole runs
def test_tiny_budget_on_a_saturating_system_exits_0_with_a_model(write_system, tmp_path):
    path, _ = write_system("michaelis_menten", points=1000)
    out = tmp_path / "run"
    r = runner.invoke(app, ["run", str(path), "--out", str(out), "--budget", "2", "--no-figures", "--seed", "0"])
    assert r.exit_code == 0, r.output
    assert "Time budget: 2.00 s (--budget)" in r.output
    eqs = json.loads((out / "equations.json").read_text())
    assert eqs["best"] and eqs["best"]["equations"]["x"]
    settings = json.loads((out / "run.json").read_text())["settings"]
    assert settings["budget"]["seconds"] == 2.0 and settings["budget"]["default"] is False
    plan = {s["stage"]: s for s in settings["plan"]}
    assert plan["distil"]["outcome"] in ("ran", "cut") and plan["distil"]["seconds"] > 0
    pressed = [s for s in plan.values() if s["outcome"] in ("skipped", "cut")]
    assert pressed, settings["plan"]  # SINDy's cubic escalates; 2 s leaves no room for the rational search
    for s in plan.values():
        assert s["estimated_s"] > 0
    for s in pressed:
        # a stage skipped says why it would have run; one cut while running (SINDy on a loaded machine) need not
        assert s["budget"].startswith(("skipped: ", "cut: ")) and (s["ran"] or s["why"])
    report = (out / "report.md").read_text()
    assert f"Cut by the time budget: {pressed[0]['stage']} {pressed[0]['budget']}" in report


def test_default_budget_is_printed_and_recorded_and_quiet_prints_nothing(lotka_volterra_csv, tmp_path):
    path = lotka_volterra_csv(200, 2)
    r = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "a"), "--methods", "sindy", "--no-figures"])
    assert r.exit_code == 0 and "Time budget:" in r.output and "default for" in r.output
    b = json.loads((tmp_path / "a" / "run.json").read_text())["settings"]["budget"]
    assert b["default"] is True and b["seconds"] == default_budget(b["samples"], b["variables"])
    assert b["variables"] == 2 and b["spent_s"] < b["seconds"]
    r = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "q"), "--methods", "sindy", "--no-figures", "-q"])
    assert r.exit_code == 0 and r.output == ""
    assert "it cut nothing" in (tmp_path / "a" / "report.md").read_text()


@pytest.mark.slow
def test_unpressured_budget_gives_the_same_equations(write_system, tmp_path):
    """Budget checks that never fire change nothing: the same seed gives the same equations.json."""
    path, _ = write_system("michaelis_menten", points=1000)
    a, b = tmp_path / "a", tmp_path / "b"
    assert runner.invoke(app, ["run", str(path), "--out", str(a), "--no-figures", "-q"]).exit_code == 0
    assert runner.invoke(app, ["run", str(path), "--out", str(b), "--no-figures", "-q", "--budget", "86400"]).exit_code == 0
    first, second = (json.loads((d / "equations.json").read_text()) for d in (a, b))
    assert _without_stderr(first) == _without_stderr(second)
    # The standard errors of an ill-conditioned sigmoid-unit candidate (values near 1e6) take one of two
    # values in the 11th digit from run to run, with or without a budget (seen on the code before the
    # budget too: a pre-existing float-level wobble); every other field, every equation and constant,
    # is identical.
    for x, y in zip(_stderrs(first), _stderrs(second)):
        assert x == pytest.approx(y, rel=1e-6)
    plan = json.loads((b / "run.json").read_text())["settings"]["plan"]
    assert all(s["outcome"] in ("ran", "not needed", "not run") for s in plan)


def _without_stderr(doc):
    if isinstance(doc, dict):
        return {k: _without_stderr(v) for k, v in doc.items() if k != "stderr"}
    if isinstance(doc, list):
        return [_without_stderr(v) for v in doc]
    return doc


def _stderrs(doc):
    if isinstance(doc, dict):
        return [v for k, v in doc.items() if k == "stderr"] + [x for k, v in doc.items() if k != "stderr"
                                                                for x in _stderrs(v)]
    if isinstance(doc, list):
        return [x for v in doc for x in _stderrs(v)]
    return []


def test_api_takes_budget(tmp_path):
    import discover
    from discover.systems import generate, get_system

    data = generate(get_system("logistic"), points=300, trajectories=2, seed=0)
    model = discover.Discoverer(methods="sindy", budget=30).fit(data)
    assert model.result_.settings["budget"]["seconds"] == 30.0
    assert np.isfinite(model.score(data))
    with pytest.raises(ConfigError, match="`budget`"):
        discover.Discoverer(budget=0).fit(data)


def test_batch_gives_each_data_set_the_budget(tmp_path):
    """`discover batch --budget` reaches each data set's run (run.json) and its settings hash."""
    import pandas as pd

    from discover.batch.manifest import DataSet
    from discover.batch.resume import settings_hash
    from discover.batch.task import run_dataset

    t = np.linspace(0, 3, 80)
    path = tmp_path / "d.csv"
    pd.DataFrame({"t": t, "x": np.exp(-0.7 * t)}).to_csv(path, index=False)
    settings = {"methods": "sindy", "seed": 0, "tables": {}}
    res = run_dataset(DataSet("d", "d", (str(path),)), str(tmp_path / "out"), {**settings, "budget": 45})
    assert res["status"] == "ok"
    run_json = json.loads((tmp_path / "out" / "runs" / "d" / "run.json").read_text())
    assert run_json["settings"]["budget"]["seconds"] == 45.0
    assert settings_hash({**settings, "budget": 45}) != settings_hash(settings)
    assert settings_hash({**settings, "budget": None}) == settings_hash(settings)  # older batches keep their hash


def test_a_spent_budget_still_runs_the_first_stage_and_ends_with_a_model():
    """The clock starts where `discover run` starts (`run_started`); with the budget already spent, SINDy
    still runs (a run keeps a best candidate) and every escalation is skipped with its reason."""
    from discover.core.budget import run_started
    from discover.pipeline.estimator import Discoverer
    from discover.systems import generate, get_system

    data = generate(get_system("michaelis_menten"), points=600, trajectories=3, seed=0)
    with run_started(time.monotonic() - 100.0):
        model = Discoverer(budget=30).fit(data)
    assert model.best_ is not None and model.equations_
    plan = model.result_.settings["plan"]
    assert plan[0]["stage"] == "distil" and plan[0]["outcome"] in ("ran", "cut")
    skipped = [s for s in plan if s["outcome"] == "skipped"]
    assert skipped and all(s["budget"].startswith("skipped: 0.00 s left") for s in skipped)
    assert model.result_.settings["budget"]["spent_s"] > 100


def test_batch_cli_and_config_pass_the_budget(tmp_path, monkeypatch, csv):
    import discover.batch as batch_package

    captured = {}

    def fake(data, **kw):
        captured.update(kw)
        raise RuntimeError("stop")

    monkeypatch.setattr(batch_package, "batch", fake)
    csv("t,x\n0,1\n1,2\n2,3\n3,5\n", "a.csv")
    r = runner.invoke(app, ["batch", str(tmp_path), "-o", str(tmp_path / "b"), "--budget", "45"])
    assert r.exit_code == 1 and captured["budget"] == 45.0
    cfg = tmp_path / "c.toml"
    cfg.write_text("[run]\nbudget = 60\n")
    r = runner.invoke(app, ["batch", str(tmp_path), "-o", str(tmp_path / "b"), "--config", str(cfg)])
    assert captured["budget"] == 60


def test_parts_leave_later_steps_their_expected_cost_and_split_evenly_when_pressed():
    stage = Deadline(100.0)
    assert stage.part(4).left() == pytest.approx(25.0, abs=0.1)  # nothing expected: equal parts
    stage.per_part = 5.0
    assert stage.part(4).left() == pytest.approx(85.0, abs=0.1)  # unpressured: the later three need 15 s
    stage.per_part = 50.0
    assert stage.part(4).left() == pytest.approx(25.0, abs=0.1)  # pressed: an equal part
