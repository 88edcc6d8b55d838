"""Contract tests over every registered plug-in, and the house's shape (estimators, layers, plug-ins).

The same checks run on every distiller and surrogate found in the registries: a new plug-in
gets them for free. The toy distiller at the bottom is registered from this file alone and runs
end to end through ``discover run`` with its own ``[toy]`` config table.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pytest
import sympy as sp
from sklearn.base import clone

import discover
from discover.core.candidates import Candidate
from discover.core.errors import ConfigError, NotFittedError
from discover.data.prepared import prepare
from discover.delay import REGISTRY as DELAY
from discover.distillers import REGISTRY as DISTILLERS
from discover.distillers import BaseDistiller, register
from discover.surrogates import REGISTRY as SURROGATES
from discover.systems import generate, get_system

# Small settings so every surrogate trains in a second or two; read like a config table.
QUICK = {
    "node": {"epochs": 3, "pretrain": 10, "max_windows": 200, "width": 8, "depth": 1},
    "pinn": {"adam_steps": 20, "lbfgs_steps": 0, "width": 8, "hidden_width": 8, "samples": 40, "collocation": 32},
}


@pytest.fixture(scope="module")
def prepared():
    return prepare(generate(get_system("lotka_volterra"), points=120, trajectories=3, seed=1))


def _table(cls) -> dict:
    """A config table that sets every field of the plug-in's settings to its default value."""
    out = {}
    for f in dataclasses.fields(cls.Settings):
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        if default is not None:
            out[f.name] = list(default) if isinstance(default, tuple) else default
    return out


@pytest.mark.parametrize("name", sorted(DISTILLERS))
def test_distiller_contract(name):
    cls = DISTILLERS[name]
    d = cls()
    with pytest.raises(NotFittedError):
        d.candidates
    assert clone(d).get_params() == d.get_params()
    assert cls.Settings is not None and dataclasses.is_dataclass(cls.Settings)
    from discover.core.registry import settings_from

    assert settings_from(cls.Settings, _table(cls), name) == cls.Settings()
    with pytest.raises(ConfigError, match=rf"\[{name}\] table"):
        settings_from(cls.Settings, {"no_such_setting": 1}, name)


# Small settings so every distiller runs in seconds on the Lotka-Volterra samples; PROSE decodes with
# a transformer on the CPU (minutes on two cores), so its case is slow.
QUICK_DISTILL = {"sr": {"generations": 5, "population_size": 60, "max_rows": 300}, "prose": {"beam": 1}}
SLOW_DISTILL = {"prose"}


def _maybe_slow(names, slow):
    return [pytest.param(n, marks=pytest.mark.slow) if n in slow else n for n in names]


def _constants_kept(c: Candidate) -> None:
    """The constants contract (:func:`discover.core.candidates.contract_problems`), and each
    coefficient row's value is a constant of its equation exactly (as fitted, not a rounded copy)."""
    from discover.core.candidates import contract_problems

    assert contract_problems(c) == [], (c.method, c.equations)
    for v, rows in c.uncertainty.items():
        floats = {float(f) for f in c.equations[v].atoms(sp.Float)}
        assert {r["value"] for r in rows if not r["inner"]} <= floats | {0.0, 1.0, -1.0}, (v, rows, c.equations[v])


@pytest.mark.parametrize("name", _maybe_slow(sorted(DISTILLERS), SLOW_DISTILL))
def test_every_distillers_candidates_keep_the_constants_contract(name, prepared):
    cls = DISTILLERS[name]
    why = cls.unavailable(QUICK_DISTILL.get(name))
    if why:
        pytest.skip(why)
    found = cls(QUICK_DISTILL.get(name), random_state=0).fit(prepared.samples()).candidates_
    assert found or name == "prose", f"{name} found nothing on Lotka-Volterra"
    for c in found:
        _constants_kept(c)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SURROGATES))
def test_every_surrogates_candidates_keep_the_constants_contract(name, prepared):
    """A surrogate's own candidates (:meth:`post_process`: the hidden-term PINN's known part plus
    its distilled hidden term, with named constants and their standard errors) keep it too."""
    s = SURROGATES[name](QUICK.get(name), random_state=0, device="cpu").fit(prepared)
    found = DISTILLERS["sindy"]({"bootstrap": 2}).fit(s.distillation_samples(prepared)).candidates_
    out = s.post_process(found, prepared)
    assert out
    for c in out:
        _constants_kept(c)


def test_the_contract_names_what_breaks_it():
    from discover.core.candidates import contract_problems

    x = sp.Symbol("x")
    listed = Candidate({"x": -1.5 * x}, "nls", {"standard_errors": {"x": [[-1.5, 0.01]]}})
    assert "belong in `uncertainty`" in contract_problems(listed)[0]
    rows = Candidate({"x": -1.5 * x}, "nls", uncertainty={"x": [[-1.5, 0.01]]})
    assert "not term/value/stderr/inner" in contract_problems(rows)[0]
    good = Candidate({"x": -1.5 * x}, "nls", uncertainty={"x": [{"term": x, "value": -1.5, "stderr": 0.01,
                                                                   "inner": False, "simpler": -1.5 + 0.0}]})
    assert contract_problems(good) == []


def test_sindy_fit_returns_self(prepared):
    d = DISTILLERS["sindy"]({"bootstrap": 2})
    assert d.fit(prepared.samples()) is d and d.candidates_


@pytest.mark.parametrize("name", sorted(SURROGATES))
def test_surrogate_contract(name, prepared, tmp_path):
    cls = SURROGATES[name]
    s = cls(QUICK.get(name), random_state=0, device="cpu")
    with pytest.raises(NotFittedError):
        s.vector_field(np.zeros((1, 2)))
    assert clone(s).get_params()["settings"] == QUICK.get(name)
    assert s.fit(prepared) is s
    assert s.get_params()["settings"] == QUICK.get(name)  # fit never rewrites a parameter
    X = prepared.samples().states[:5]
    s.save(tmp_path / "model.pt")
    back = cls.load(tmp_path / "model.pt")
    np.testing.assert_allclose(back.vector_field(X), s.vector_field(X), rtol=1e-5, atol=1e-8)
    samples = s.distillation_samples(prepared)
    assert samples.states.shape == samples.derivatives.shape
    from discover.core.registry import settings_from

    assert settings_from(cls.Settings, _table(cls), name) == cls.Settings()


@pytest.mark.parametrize("name", sorted(DELAY))
def test_delay_model_contract(name):
    """Delay models are plug-ins like the others: a Plugin found by name, with settings read from its
    own table, and its report module declared with its name (the class says the same)."""
    from discover.core.plugin import Plugin
    from discover.core.registry import settings_from
    from discover.delay.base import BaseDelayModel

    cls = DELAY[name]
    assert issubclass(cls, Plugin) and issubclass(cls, BaseDelayModel) and cls.name == name
    assert clone(cls()).get_params() == cls().get_params()
    assert settings_from(cls.Settings, _table(cls), name) == cls.Settings()
    with pytest.raises(ConfigError, match=rf"\[{name}\] table"):
        settings_from(cls.Settings, {"no_such_setting": 1}, name)
    assert DELAY._reports[name] == cls.report


def test_a_delay_models_table_is_checked_before_anything_is_fitted():
    data = generate(get_system("lorenz"), points=400, seed=0)
    with pytest.raises(ConfigError, match=r"Unknown setting 'rank' in the \[havok\] table"):
        discover.Discoverer(methods="havok", settings={"havok": {"rank": 3}}).fit(data)


def test_a_plugins_extra_tables_and_help_are_declared_with_its_name():
    assert SURROGATES.owner("known") == SURROGATES.owner("params") == "pinn" and SURROGATES.owner("nothing") is None
    from cli.config import methods_help

    text = methods_help()
    assert all(n in text for n in (*DISTILLERS, *SURROGATES, *DELAY)) and SURROGATES.summary("pinn") in text


def test_discoverer_is_a_scikit_learn_estimator():
    model = discover.Discoverer(methods="sindy", random_state=3, settings={"sindy": {"bootstrap": 4}})
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    twin.set_params(random_state=5)
    assert twin.random_state == 5 and model.random_state == 3
    from sklearn.exceptions import NotFittedError as SkNotFitted
    from sklearn.utils.validation import check_is_fitted

    with pytest.raises(SkNotFitted):
        check_is_fitted(model)


def test_no_import_circle_in_the_package():
    import grimp

    graph = grimp.build_graph("discover")
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    state: dict[str, int] = {}

    def visit(m, path):
        state[m] = 1
        for n in edges.get(m, ()):
            if state.get(n) == 1:
                raise AssertionError("import circle: " + " -> ".join(path + [m, n]))
            if n not in state:
                visit(n, path + [m])
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m, [])


# ---------------------------------------------------------------------------- a toy plug-in
@dataclass(frozen=True)
class ToySettings:
    """Least squares of dx/dt on the states, coefficients below ``cutoff`` dropped."""

    cutoff: float = 0.0


@pytest.fixture
def toy():
    @register
    class Toy(BaseDistiller):
        name = "toy"
        Settings = ToySettings

        def _distill(self, samples, rng):
            X = np.column_stack([samples.states, np.ones(len(samples.states))])
            coef, *_ = np.linalg.lstsq(X, samples.derivatives, rcond=None)
            syms = [sp.Symbol(n) for n in samples.names] + [sp.Integer(1)]
            eqs = {v: sum((sp.Float(round(float(c), 4)) * s for c, s in zip(coef[:, i], syms)
                           if abs(c) > self.settings_.cutoff), sp.Integer(0))
                   for i, v in enumerate(samples.names)}
            self.facts_ = {"cutoff": self.settings_.cutoff}
            return [Candidate(eqs, self.name, {"cutoff": self.settings_.cutoff})]

    yield Toy
    DISTILLERS.unregister("toy")


def test_a_toy_distiller_runs_end_to_end_from_its_own_table(toy, tmp_path):
    import json

    from typer.testing import CliRunner

    from cli.main import app

    t = np.linspace(0, 4, 200)
    rows = "\n".join(f"{a},{np.exp(-0.5 * a)},{2 * np.exp(-1.5 * a)}" for a in t)
    (tmp_path / "decay.csv").write_text("t,x,y\n" + rows + "\n")
    (tmp_path / "toy.toml").write_text("[run]\nmethods = \"toy\"\n\n[toy]\ncutoff = 0.05\n")
    r = CliRunner().invoke(app, ["run", str(tmp_path / "decay.csv"), "--config", str(tmp_path / "toy.toml"),
                                 "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    eq = json.loads((tmp_path / "out" / "equations.json").read_text())
    assert eq["best"]["method"] == "toy"
    x = sp.sympify(eq["best"]["equations"]["x"], locals={"x": sp.Symbol("x"), "y": sp.Symbol("y")})
    assert abs(float(x.coeff(sp.Symbol("x"))) + 0.5) < 0.02 and sp.Symbol("y") not in x.free_symbols
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["settings"]["tables"] == {"toy": {"cutoff": 0.05}}
    assert run["settings"]["plan"][0]["routes"] == ["toy"]
