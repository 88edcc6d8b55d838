"""ODEBench in the project: the vendored data, ODEFormer's protocol, the scoring, the command."""

import json

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

from cli.main import app
from discover.bench.odebench import OdeBenchConfig, add_noise, case_rng, r2_weighted, run_case, score, trajectories
from discover.core.errors import ConfigError
from discover.core.integrate import integrate
from discover.systems.odebench import DATA, load, select

runner = CliRunner()


@pytest.fixture(scope="module")
def systems():
    return load()


def test_all_63_systems_parse_with_the_restricted_parser(systems):
    assert [s.id for s in systems] == list(range(1, 64))
    for s in systems:
        eqs = s.system.equations()  # parse_expression, never sympify
        syms = set(s.system.symbols)
        assert list(eqs) == list(s.system.variables)
        for e in eqs.values():
            assert e.free_symbols <= syms and not e.has(sp.Symbol("c_0"))
        assert len(s.initial_states) == 2 and all(len(x) == len(syms) for x in s.initial_states)
    x0, x1 = sp.symbols("x_0 x_1")
    shear = select(systems, ("35",))[0].system.equations()  # cot(x_1) read as cos/sin
    assert sp.simplify(shear["x_0"] - sp.cos(x0) / sp.tan(x1)) == 0
    logistic = select(systems, ("odebench_03",))[0].system.equations()
    assert abs(float((logistic["x_0"] - (0.79 * x0 - 0.79 / 74.3 * x0**2)).subs(x0, 10))) < 1e-12


def test_our_trajectories_are_the_published_ones(systems):
    """Integrated from the published initial states to sample 51 (t ≈ 1), every system meets the
    published solution (ODEFormer's LSODA at rtol 1e-5) to within its accuracy."""
    for s in systems:
        eqs = s.system.equations()
        for x0, pub in zip(s.initial_states, s.published_states):
            t = np.array([0.0, pub["t"][0]])
            sol = integrate([eqs[v] for v in s.system.variables], s.system.symbols, np.array([x0]), [t],
                            rtol=1e-7, atol=1e-9, max_evals=10**6)
            assert sol.ok
            want = np.array(pub["y"][0])
            assert np.allclose(sol.x[0][-1], want, rtol=2e-3, atol=1e-4), (s.id, sol.x[0][-1], want)


def test_data_text_is_never_run(tmp_path):
    entry = json.loads(DATA.read_text())[0]
    entry["eq"] = "__import__('os').getcwd()"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([entry]))
    with pytest.raises(ConfigError):
        load(bad)[0].system.equations()
    with pytest.raises(ConfigError, match="not an ODEBench system"):
        select(load(), ("64",))


def test_noise_is_multiplicative_and_seeded():
    x = np.linspace(1, 100, 5000)[:, None]
    noisy = add_noise(x, 0.05, case_rng(0, 7, 0.05))
    rel = (noisy - x) / x
    assert abs(rel.std() - 0.05) < 0.003 and abs(rel.mean()) < 0.003
    assert np.array_equal(noisy, add_noise(x, 0.05, case_rng(0, 7, 0.05)))
    assert np.array_equal(add_noise(x, 0.0, case_rng(0, 7, 0.0)), x)


def test_scoring_marks_a_wrong_structure_as_not_exact(systems):
    bs = select(systems, ("3",))[0]  # logistic growth
    t, fit, gen = trajectories(bs, points=200)
    x = sp.Symbol("x_0")
    right = score(bs.system.equations(), bs, t, fit, gen)
    assert right["exact"] and right["r2_rec"] > 0.999999 and right["r2_gen"] > 0.999999
    # exponential growth at the initial rate: wrong terms, and it leaves the true trajectory
    wrong = score({"x_0": 0.79 * x}, bs, t, fit, gen)
    assert not wrong["exact"] and wrong["r2_rec"] < 0.9
    # the right terms with other coefficients still have the exact structure
    assert score({"x_0": 0.5 * x - 0.001 * x**2}, bs, t, fit, gen)["exact"]
    # a model that blows up scores 0, as ODEFormer's failed predictions do
    assert score({"x_0": x**3}, bs, t, fit, gen)["r2_rec"] == 0.0
    assert r2_weighted(fit, None) == 0.0 and r2_weighted(fit, fit) == 1.0


def test_one_system_end_to_end_at_small_size(systems):
    bs = select(systems, ("24",))[0]  # harmonic oscillator
    rows = run_case(bs, 0.0, OdeBenchConfig(methods="sindy", peers=("pysindy-default", "pysindy-degree3"),
                                            points=200))
    assert [r["method"] for r in rows] == ["discover", "pysindy-default", "pysindy-degree3"]
    ours = rows[0]
    assert ours["exact"] and ours["r2_gen"] > 0.99 and ours["confidence"] in ("high", "medium", "low")
    assert all(r["error"] == "" for r in rows)


@pytest.mark.slow
def test_odebench_cli_writes_tables(tmp_path):
    r = runner.invoke(app, ["bench", "--suite", "odebench", "--systems", "2", "--noises", "0", "--points",
                            "150", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    rows = json.loads((tmp_path / "odebench.json").read_text())
    assert [row["method"] for row in rows] == ["discover", "pysindy-default", "pysindy-degree3", "sr-engine"]
    assert rows[0]["exact"] and rows[0]["r2_gen"] > 0.9
    md = (tmp_path / "odebench.md").read_text()
    assert "| 0 | discover | 1 | 100% |" in md and (tmp_path / "odebench.csv").exists()


def test_odebench_cli_bad_options():
    r = runner.invoke(app, ["bench", "--suite", "odebench", "--systems", "99"])
    assert r.exit_code == 2 and "not an ODEBench system" in r.output
    r = runner.invoke(app, ["bench", "--suite", "odebench", "--methods", "sindy,sr"])
    assert r.exit_code == 2 and "one value" in r.output
    r = runner.invoke(app, ["bench", "--suite", "odebenh"])
    assert r.exit_code == 2 and "--suite" in r.output


def test_equivalence_set_holding_the_truth_is_recognised(systems):
    from types import SimpleNamespace

    from discover.bench.odebench import _equivalent_holds_truth

    truth = select(systems, ("3",))[0].system.equations()
    x = sp.Symbol("x_0")
    assert _equivalent_holds_truth(SimpleNamespace(), truth) is None  # a run without the set
    wrong = SimpleNamespace(equations={"x_0": 0.7 * x})
    assert _equivalent_holds_truth(SimpleNamespace(equivalent=[wrong]), truth) is False
    as_text = {"equations": {"x_0": "0.8*x_0 - 0.01*x_0**2"}}  # as equations.json writes it
    assert _equivalent_holds_truth(SimpleNamespace(equivalent=[wrong, as_text]), truth) is True
