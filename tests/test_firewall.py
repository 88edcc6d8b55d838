"""The candidate firewall: no candidate and no failing search can end a run (issue 31).

The gate is fed random sympy expressions built from the pieces that broke runs (zoo, nan, oo,
huge exponents, nested powers, division by zero, complex results); a run whose distiller
proposes them ends with a selected model or with "no candidate survived" (exit 0 or 3),
never with an internal error (exit 1).
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.main import app
from discover.core.candidates import Candidate
from discover.core.firewall import gate, reason
from discover.distillers import REGISTRY as DISTILLERS
from discover.distillers import BaseDistiller, register

runner = CliRunner()
x, y = sp.symbols("x y")
STATES = np.column_stack([np.linspace(0.1, 2.0, 50), np.linspace(-1.0, 1.0, 50)])

# what broke runs, and what an engine's formula may hold
_ATOMS = [x, y, sp.Integer(2), sp.Float(0.5), sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I, sp.Float(1e300), sp.Integer(0)]


def _combine(parts):
    a, b, op = parts
    with sp.evaluate(False):  # as an engine writes them: 2**10**6 is not worked out while the case is built
        return {
            "add": lambda: a + b, "mul": lambda: a * b, "div": lambda: a / b, "pow": lambda: a ** b,
            "huge_pow": lambda: a ** 10**6, "nested": lambda: (a ** b) ** (a ** b), "log": lambda: sp.log(a),
            "sqrt": lambda: sp.sqrt(a), "exp": lambda: sp.exp(a * 1000), "sin": lambda: sp.sin(a),
        }[op]()


expressions = st.recursive(
    st.sampled_from(_ATOMS),
    lambda inner: st.tuples(inner, inner, st.sampled_from(
        ["add", "mul", "div", "pow", "huge_pow", "nested", "log", "sqrt", "exp", "sin"])).map(_combine),
    max_leaves=6,
)


@given(st.lists(expressions, min_size=2, max_size=2))
def test_the_gate_never_raises_and_keeps_only_what_evaluates_finitely(exprs):
    c = Candidate({"x": exprs[0], "y": exprs[1]}, "fuzz")
    kept, dropped = gate([c], STATES, ["x", "y"])
    assert len(kept) + len(dropped) == 1
    if kept:  # what passes compiles and is finite and real on every training state
        f = sp.lambdify([x, y], [sp.sympify(e) for e in exprs], "numpy")
        with np.errstate(all="ignore"):
            for out in f(*STATES.T):
                out = np.broadcast_to(np.asarray(out), (len(STATES),))
                assert not np.iscomplexobj(out) and np.all(np.isfinite(out.astype(float)))
    else:
        assert dropped[0]["method"] == "fuzz" and dropped[0]["reason"]


@pytest.mark.parametrize("expr, why", [
    (sp.zoo * x, "infinite or undefined"),
    (x / sp.Integer(0), "infinite or undefined"),
    (sp.nan + y, "infinite or undefined"),
    (sp.I * x + 1, "complex"),
    (sp.sqrt(-1 - x**2), "not finite"),   # NaN on every real state
    (sp.log(y), "not finite"),            # y < 0 on part of the training states
    (sp.sqrt(x - 1), "not finite"),       # NaN below x = 1
    (sp.Symbol("z") * x, "not variables"),
])
def test_the_gate_names_why(expr, why):
    got = reason({"x": expr, "y": -y}, STATES, ["x", "y"])
    assert got is not None and why in got


def test_a_good_candidate_passes():
    assert reason({"x": -0.5 * x + x * y, "y": sp.sin(x) - y}, STATES, ["x", "y"]) is None


def _fuzz_distiller(exprs_by_seed, raise_in_search=False):
    @register
    class Fuzz(BaseDistiller):
        name = "fuzzgate"

        def _distill(self, samples, rng):
            if raise_in_search:
                raise ValueError("Optimization bounds must be finite scalars")  # the sindy_pi failure of issue 31
            sx, sy = (sp.Symbol(n) for n in samples.names)
            out = [Candidate({"x": e.xreplace({x: sx, y: sy}), "y": f.xreplace({x: sx, y: sy})}, self.name)
                   for e, f in exprs_by_seed]
            # one sound candidate among the bad ones: the run must select it
            out.append(Candidate({"x": -0.5 * sx, "y": -1.5 * sy}, self.name))
            return out

    return Fuzz


# each example is a whole run: a dozen in `make test`, two hundred in `make test-all`
RUNS = 200 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 12


@settings(max_examples=RUNS)
@given(st.lists(st.lists(expressions, min_size=2, max_size=2), min_size=1, max_size=4))
def test_a_run_built_on_bad_candidates_ends_with_exit_0_or_3(decay_csv, tmp_path_factory, pairs):
    _fuzz_distiller(pairs)
    try:
        out = tmp_path_factory.mktemp("run") / "r"
        r = runner.invoke(app, ["run", str(decay_csv), "--methods", "fuzzgate", "--out", str(out), "--no-figures",
                                "--quiet"])
    finally:
        DISTILLERS.unregister("fuzzgate")
    assert r.exit_code in (0, 3), r.output
    assert r.exit_code == 0  # the sound candidate survives, whatever came beside it
    facts = json.loads((out / "run.json").read_text())
    assert "fuzzgate" in json.dumps(facts)


def test_a_search_that_raises_loses_its_candidates_not_the_run(decay_csv, tmp_path):
    _fuzz_distiller([], raise_in_search=True)
    try:
        r = runner.invoke(app, ["run", str(decay_csv), "--methods", "sindy,fuzzgate", "--out", str(tmp_path / "r"),
                                "--no-figures", "--quiet"])
    finally:
        DISTILLERS.unregister("fuzzgate")
    assert r.exit_code == 0, r.output
    record = (tmp_path / "r" / "run.json").read_text()
    assert "the fuzzgate search failed" in record and "Optimization bounds must be finite scalars" in record
    saved = json.loads((tmp_path / "r" / "equations.json").read_text())
    assert saved["best"]["method"] == "sindy"


def test_sindy_pi_refine_meets_a_zero_coefficient_without_raising():
    """The reproducer of issue 31: ``_refine`` took the log of a coefficient that came out exactly 0."""
    from discover.distillers.implicit import _refine

    rng = np.random.default_rng(0)
    t_col = rng.uniform(0.5, 2.0, 40)
    N = np.column_stack([np.ones(40), t_col, t_col**2])
    y = 1.0 + 2.0 * t_col
    b, err = _refine(N, [2], 2, t_col, y, [0, 1], 0.0)
    assert b.tolist() == [0.0] and np.isfinite(err) and err < 1e-20
