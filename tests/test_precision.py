"""Numbers kept as fitted: stored and exported constants are the fitted doubles, read back exactly.

Rounding belongs to displays (the report, ``print(model)``); ``equations.json``, ``discover.load``
and the exported module hold every constant at full double precision, and a run read back from
its folder simulates as the model in memory did. Runs whose pick comes from the escalation
routes (``sindy_pi``, ``units``) export like any other.
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
import sympy as sp

import discover
from discover.core.expressions import parse_expression, to_text
from discover.distillers import SINDy
from discover.systems import generate, get_system


def _floats(expr) -> list[float]:
    return sorted(float(f) for f in expr.atoms(sp.Float))


def _module(path):
    spec = importlib.util.spec_from_file_location("exported_model", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _round_trip(model, tmp_path, data):
    """Write the run folder, read it back; the loaded model and the exported module compute what
    the model in memory computes (1e-12 relative)."""
    out = tmp_path / "run"
    model.write_report(out, figures=False)
    doc = json.loads((out / "equations.json").read_text())
    back = discover.load(out)
    names = list(model.names_)
    # every constant in equations.json is the fitted double (repr: read back bit for bit)
    table = {n: sp.Symbol(n) for n in names}
    for v in names:
        read = parse_expression(doc["best"]["equations"][v], table, "test")
        assert _floats(read) == _floats(model.best_.equations[v])
        assert _floats(back.best_.equations[v]) == _floats(model.best_.equations[v])
    traj = data.trajectories[0]
    t, x0 = traj.t[: min(len(traj.t), 200)], traj.x[0]
    mine, theirs = model.simulate(t, x0), back.simulate(t, x0)
    np.testing.assert_allclose(theirs, mine, rtol=1e-12, atol=0)
    # the exported module: same right-hand side at the data's states, and the same trajectory
    model.to_python(tmp_path / "exported.py")
    mod = _module(tmp_path / "exported.py")
    states = traj.x[:50]
    field = model.predict(states)
    # 1e-12 relative to the field's scale (a value near 0 is a difference of larger terms)
    np.testing.assert_allclose(mod.rhs(0.0, states.T).T, field, rtol=1e-12, atol=1e-12 * np.abs(field).max())
    from scipy.integrate import solve_ivp

    # the module's NumPy code and the model's compiled expressions sum in different orders: their
    # values agree to the last bits (above), which a chaotic system amplifies along a trajectory
    a = solve_ivp(mod.rhs, (t[0], t[-1]), x0, t_eval=t, rtol=1e-10, atol=1e-12)
    b = solve_ivp(lambda s, x: back.predict(x[None, :])[0], (t[0], t[-1]), x0, t_eval=t, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.y, b.y, rtol=1e-6, atol=1e-9 * np.abs(b.y).max())
    return doc, back, mod


def test_sindy_stores_its_least_squares_coefficients_not_rounded_ones():
    """On exact derivatives, a SINDy candidate's stored coefficients are the least-squares fit of
    its structure to the samples (1e-9 relative): nothing rounds them on the way into the model."""
    system = get_system("lorenz")
    data = generate(system, points=300, trajectories=2, seed=0)
    X = np.vstack([tr.x for tr in data.trajectories])
    f = sp.lambdify([sp.Symbol(n) for n in system.variables], list(system.equations().values()), "numpy")
    Y = np.column_stack([np.broadcast_to(np.asarray(c, dtype=float), (len(X),)) for c in f(*X.T)])
    cands = SINDy({"forms": ["strong"], "ridge": 0.0, "bootstrap": 0, "degrees": [2]}).distill(X, Y, system.variables)
    from discover.core.structure import terms

    symbols = [sp.Symbol(n) for n in system.variables]
    checked = 0
    for c in cands:
        for j, v in enumerate(system.variables):
            tm = terms(c.equations[v], 0.0)
            ts = list(tm)
            cols = [np.broadcast_to(np.asarray(sp.lambdify(symbols, t, "numpy")(*X.T), dtype=float), (len(X),))
                    for t in ts]
            coef = np.linalg.lstsq(np.column_stack(cols), Y[:, j], rcond=None)[0]
            stored = np.array([float(tm[t]) for t in ts])
            np.testing.assert_allclose(stored, coef, rtol=1e-9, atol=1e-12 * np.abs(coef).max())
            checked += 1
    assert checked >= 3
    best = min(cands, key=lambda c: (c.complexity != 7, c.complexity))
    beta = -float(terms(best.equations["z"])[sp.Symbol("z")])
    assert abs(beta - 8 / 3) < 1e-9  # 2.666 if anything rounded it to four figures


def test_equation_text_reads_back_bit_for_bit():
    x, y = sp.symbols("x y")
    values = [8 / 3, -1e-7, 0.1, 123456.78901234567, 2.0000000000000004, 1e-300, 6.02214076e23]
    expr = sum((sp.Float(v) * t for v, t in zip(values, [x, y, x * y, x**2, y**2, x**3, sp.sin(x)])), sp.Integer(0))
    text = to_text(expr, {"x": "x", "y": "y"})
    back = parse_expression(text, {"x": x, "y": y}, "test")
    assert _floats(back) == _floats(expr) == sorted(values)


def test_lorenz_run_round_trips_through_its_folder_and_the_exported_module(tmp_path):
    data = generate(get_system("lorenz"), points=600, trajectories=2, noise=0.0, seed=0)
    model = discover.Discoverer(methods="sindy", random_state=0, settings={"sindy": {"bootstrap": 4}}).fit(data)
    doc, back, mod = _round_trip(model, tmp_path, data)
    z = sp.Symbol("z")
    beta = -float(model.best_.equations["z"].coeff(z))
    # beta is written with every digit it was fitted with (at least 15 significant figures)
    assert abs(beta - 8 / 3) < 1e-2
    assert repr(-beta) in doc["best"]["equations"]["z"] or repr(beta) in doc["best"]["equations"]["z"]
    assert len(repr(beta).replace(".", "").lstrip("0")) >= 15
    assert -beta in mod.CONSTANTS.values()
    # uncertainty rows: values as fitted, standard errors not rounded, and the report shows 4 digits
    rows = doc["best"]["uncertainty"]["z"]
    assert any(r["value"] == -beta for r in rows)
    assert any(r["stderr"] is not None and len(repr(r["stderr"]).replace(".", "").lstrip("0")) > 5 for r in rows)
    report = (tmp_path / "run" / "report.md").read_text()
    assert f"{-beta:.4g}" in report and repr(beta) not in report



def test_a_rational_pick_from_sindy_pi_round_trips_and_exports(tmp_path):
    data = generate(get_system("michaelis_menten"), points=800, trajectories=3, noise=0.01, seed=0)
    model = discover.Discoverer(methods="sindy_pi", random_state=0).fit(data)
    assert model.best_.method == "sindy_pi"
    _round_trip(model, tmp_path, data)
    _exports(model)


def _exports(model):
    """Every export of the pick and the candidate table work, with the constants' errors beside them."""
    code = model.to_python()
    assert "CONSTANT_ERRORS" in code
    latex = model.to_latex()
    assert r"\begin{table}" in latex
    frame = model.candidates_frame()
    assert len(frame) == len(model.candidates_) and frame["selected"].sum() == 1
    assert model._repr_html_() and str(model)


def test_a_pick_from_units_exports(tmp_path):
    data = generate(get_system("wilson_cowan"), points=800, trajectories=3, noise=0.01, seed=0)
    model = discover.Discoverer(methods="units", random_state=0).fit(data)
    assert model.best_.method == "units"
    _exports(model)
    _round_trip(model, tmp_path, data)


def test_the_cli_exports_an_escalated_run(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    data = generate(get_system("michaelis_menten"), points=400, trajectories=3, noise=0.01, seed=1)
    model = discover.Discoverer(methods="sindy_pi", random_state=0).fit(data)
    model.write_report(tmp_path / "run", figures=False)
    for fmt in ("python", "latex"):
        r = CliRunner().invoke(app, ["export", str(tmp_path / "run"), "--to", fmt, "-o", str(tmp_path / f"m.{fmt}")])
        assert r.exit_code == 0, r.output


def test_an_old_run_folder_with_listed_standard_errors_still_exports(tmp_path):
    """Folders written before the contract held the errors of the equations' constants as lists
    in ``settings.standard_errors``; reading them back and exporting must not fail."""
    data = generate(get_system("michaelis_menten"), points=400, trajectories=3, noise=0.01, seed=1)
    model = discover.Discoverer(methods="sindy", random_state=0, settings={"sindy": {"bootstrap": 2}}).fit(data)
    model.write_report(tmp_path / "run", figures=False)
    path = tmp_path / "run" / "equations.json"
    doc = json.loads(path.read_text())
    for entry in [doc["best"], *doc["candidates"]]:
        entry["settings"]["standard_errors"] = {v: [[0.5, 0.01]] for v in doc["variables"]}
    path.write_text(json.dumps(doc))
    back = discover.load(tmp_path / "run")
    _exports(back)


@pytest.mark.parametrize("value, se, simpler", [(1.02, 0.05, 1), (0.98, 0.01, None), (0.03, 0.05, 0),
                                                (2.46, 0.05, 2.5), (7.0, 0.1, None), (3.2, None, None)])
def test_the_simplest_number_within_a_standard_error(value, se, simpler):
    from discover.core.candidates import simplest_within

    assert simplest_within(value, se) == simpler


def test_duplicates_merge_on_their_structure_and_constants_to_four_figures():
    from discover.core.candidates import Candidate, merge_duplicates

    x, y = sp.symbols("x y")
    a = Candidate({"x": sp.Float(-2.6659319018806604) * x + sp.Float(0.5) * y}, "sindy")
    b = Candidate({"x": sp.Float(-2.6659319018806) * x + sp.Float(0.5000000001) * y}, "sindy_pi")
    c = Candidate({"x": sp.Float(-2.671) * x + sp.Float(0.5) * y}, "sr")
    merged = merge_duplicates([a, b, c])
    assert merged == [a, c] and a.settings["also_found_by"] == ["sindy_pi"]
    # the one kept keeps its constants as fitted
    assert _floats(merged[0].equations["x"]) == [-2.6659319018806604, 0.5]


def test_the_report_says_when_a_simpler_number_lies_within_the_standard_error():
    """Noisy decay dx/dt = -x: the fitted rate is not exactly 1, is stored as fitted, and the row
    and the report's table say that 1 lies within its standard error."""
    from types import SimpleNamespace

    from discover.core.candidates import Candidate
    from discover.report.constants import constants
    from discover.selection.uncertainty import refit_equation, to_record

    rng = np.random.default_rng(0)
    x = sp.Symbol("x")
    X = rng.uniform(0.5, 2.0, (400, 1))
    y = -X[:, 0] + 0.05 * rng.standard_normal(400)
    rate = float(np.linalg.lstsq(X, y, rcond=None)[0][0])
    cand = Candidate({"x": sp.Float(rate) * x}, "sindy")
    cand.uncertainty = to_record({"x": refit_equation(cand.equations["x"], [x], X, y)})
    (row,) = cand.uncertainty["x"]
    assert row["value"] == rate != -1.0 and row["simpler"] == -1 and abs(rate + 1) <= row["stderr"]
    table = constants(SimpleNamespace(best=cand, names=["x"], time_name="t"))
    assert table["rows"][0]["simpler"] == "≈ -1, within its standard error"
    assert table["rows"][0]["value"] == f"{rate:.4g}"
