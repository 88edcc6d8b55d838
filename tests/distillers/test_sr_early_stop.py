"""Symbolic regression stops when its Pareto front has stopped moving (real pyoperon runs)."""

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

from cli.main import app
from discover.core.errors import ConfigError
from discover.core.structure import compare
from discover.distillers import operon_search
from discover.distillers.clean import clean, read
from discover.distillers.sr_engines import EngineSettings, fit_operon
from discover.distillers.symbolic_regression import SRConfig, stall_window

x0, x1 = sp.symbols("x0 x1")


@pytest.fixture(scope="module")
def easy():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (200, 2))
    return X, 2 * X[:, 0] + X[:, 1] ** 2


def _search(X, y, generations, stall, seed=1):
    stats = {}
    settings = EngineSettings((), generations, 100, 15, None, 300_000, 2, stall)
    return fit_operon(X, y, ["x0", "x1"], settings, seed, stats=stats), stats


def _found(front, X, y, truth) -> bool:
    exprs = [read(text, [x0, x1]) for text, _ in front]
    return any(compare({"y": clean(e, [x0, x1], X, y)}, {"y": truth})["exact"] for e in exprs if e is not None)


def test_search_stops_early_on_an_easy_target_and_finds_it(easy):
    X, y = easy
    front, stats = _search(X, y, generations=100, stall=5)
    assert stats["stopped_early"]
    assert stats["generations"] < 100
    assert _found(front, X, y, 2 * x0 + x1**2)


def test_same_seed_same_front_and_same_stop(easy):
    X, y = easy
    a, sa = _search(X, y, generations=100, stall=5, seed=3)
    b, sb = _search(X, y, generations=100, stall=5, seed=3)
    assert a == b and sa == sb


def test_without_the_stop_the_search_is_pyoperons_own(easy):
    """Stall 0 runs the whole budget, and the front built here is the one pyoperon's fit gives."""
    from pyoperon.sklearn import SymbolicRegressor

    X, y = easy
    kw = dict(allowed_symbols="add,sub,mul,div,constant,variable", optimizer_iterations=10, generations=8,
              population_size=100, max_length=15, objectives=["r2", "length"], max_evaluations=300_000,
              n_threads=2, random_state=5)
    own = SymbolicRegressor(**kw).fit(X, y)
    ours = operon_search.fit(SymbolicRegressor(**kw), X, y, stall=0)
    assert ours.stats_["generations"] == 8 and not ours.stats_["stopped_early"]
    texts = [sorted(r.get_model_string(p["tree"], 8, ["x0", "x1"]) for p in r.pareto_front_) for r in (own, ours)]
    assert texts[0] == texts[1]


def test_a_pyoperon_without_the_parts_runs_the_whole_budget(easy, monkeypatch):
    monkeypatch.setattr(operon_search, "supported", lambda: False)
    X, y = easy
    _, stats = _search(X, y, generations=6, stall=2)
    assert stats["generations"] == 6 and not stats["stopped_early"]


def test_progress_is_read_on_the_distillers_scale():
    old = operon_search.staircase([(3, 0.5), (7, 1e-3)], 10)
    assert not operon_search.improved(operon_search.staircase([(3, 0.499), (7, 1e-3)], 10), old)  # 0.2%
    assert operon_search.improved(operon_search.staircase([(3, 0.4), (7, 1e-3)], 10), old)
    assert operon_search.improved(operon_search.staircase([(5, 1e-4)], 10), old)  # a shorter, better formula
    exact = operon_search.staircase([(7, 1e-9)], 10)
    assert not operon_search.improved(operon_search.staircase([(7, 1e-12)], 10), exact)


def test_stall_window_scales_with_the_budget_and_can_be_switched_off():
    assert stall_window(SRConfig()) == 16
    assert stall_window(SRConfig(generations=200)) == 66
    assert stall_window(SRConfig(generations=10)) == 5
    assert stall_window(SRConfig(stall_generations=0)) == 0
    with pytest.raises(ConfigError, match="stall_generations"):
        SRConfig(stall_generations=-1)


def test_same_seed_same_equations_json_with_the_stop(write_system, tmp_path):
    path, _ = write_system("michaelis_menten", noise=0.01, points=300, trajectories=2, seed=0)
    texts = []
    for name in ("a", "b"):
        out = tmp_path / name
        r = CliRunner().invoke(app, ["run", str(path), "--methods", "sr", "--seed", "4", "--out", str(out)])
        assert r.exit_code == 0, r.output
        texts.append((out / "equations.json").read_text())
    assert texts[0] == texts[1]
