"""Fields are data: `Discoverer.fit` walks a field data set with the field plan, as it walks trajectories.

Burgers' u_t = -u u_x + 0.1 u_xx at 1% noise on a small grid: the estimator finds what the field
regressions' composition (`discover_pde`) finds, exposes it as for ODEs, and writes the PDE run folder.
"""

import json

import numpy as np
import pytest

import discover
from discover.core.errors import ConfigError, DataError
from discover.data.field import FieldDataset
from discover.fields.catalog import generate_field
from discover.fields.catalog_systems import SYSTEM_PDES, generate_system
from discover.fields.fit import PdeConfig, discover_pde
from discover.fields.io import load_field_data


@pytest.fixture(scope="module")
def burgers():
    return generate_field("burgers", noise=0.01, seed=0, n_x=64, n_t=41)


@pytest.fixture(scope="module")
def fitted(burgers):
    return discover.Discoverer(methods="weak", random_state=0).fit([burgers])


def test_the_estimator_finds_what_the_field_regressions_find(burgers, fitted):
    direct = discover_pde([burgers], PdeConfig(forms=("weak",)), seed=0)
    assert fitted.kind_ == "field" and fitted.result_.kind == "field"
    assert fitted.best_.terms == direct.best.terms  # the same monomials, every coefficient as fitted
    assert fitted.confidence_ == direct.confidence
    assert [c.terms for c in fitted.candidates_] == [c.terms for c in direct.candidates]
    coef = {r["term"]: r["value"] for r in fitted.coefficients_}
    assert set(coef) == {"u*u_x", "u_xx"}
    assert coef["u*u_x"] == pytest.approx(-1.0, rel=0.05) and coef["u_xx"] == pytest.approx(0.1, rel=0.05)
    labels = {str(s): lab for s, lab in fitted.symbols_.items()}
    assert {labels[str(s)] for s in fitted.equations_["u"].free_symbols} == {"u", "u_x", "u_xx"}
    assert fitted.names_ == ("u",) and fitted.lhs_ == {"u": "u_t"}
    assert fitted.equivalent_ == [] and fitted.suggestion_ is None
    assert [s.name for s in fitted.plan_.stages] == ["weak"]
    assert "u_t = " in str(fitted)


def test_ode_operations_refuse_a_field_model_in_one_sentence(fitted):
    with pytest.raises(ConfigError, match="field data"):
        fitted.simulate(np.linspace(0, 1, 5), np.zeros(1))
    with pytest.raises(ConfigError, match="field data"):
        fitted.use(1)
    with pytest.raises(ConfigError, match="has no meaning for field data"):
        discover.Discoverer(methods="weak").fit(FieldDataset.of(fitted.result_.fields), t=[0.0, 1.0])
    with pytest.raises(ConfigError, match="--methods"):
        discover.Discoverer(methods="sindy_pi").fit(fitted.result_.fields)


def test_the_run_folder_records_the_walked_field_plan(fitted, tmp_path):
    fitted.write_report(tmp_path / "run", provenance={"command": "test"})
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["kind"] == "field"
    assert [(s["stage"], s["outcome"]) for s in run["settings"]["plan"]] == [("weak", "ran")]
    eq = json.loads((tmp_path / "run" / "equations.json").read_text())
    assert set(eq["best"]["std"]) == {"u*u_x", "u_xx"}
    loaded = discover.load(tmp_path / "run")
    assert loaded.coefficients_ == fitted.coefficients_


def test_a_pde_run_folder_loads_as_the_estimator_fitted_on_fields(fitted, tmp_path):
    fitted.write_report(tmp_path / "run")
    loaded = discover.load(tmp_path / "run")
    assert isinstance(loaded, discover.Discoverer) and loaded.kind_ == "field"
    assert loaded.get_params()["methods"] == "weak" and loaded.random_state == 0
    assert loaded.best_.terms == fitted.best_.terms and loaded.confidence_ == fitted.confidence_
    assert {str(s): lab for s, lab in loaded.symbols_.items()} == {str(s): lab for s, lab in fitted.symbols_.items()}
    assert loaded.equations_ == fitted.equations_ and loaded.lhs_ == fitted.lhs_ and str(loaded) == str(fitted)
    # the PDE integrated over the stored run, from the fitted estimator and from the folder alike
    field = fitted.result_.fields[0]
    sim = loaded.simulate()
    assert sim.shape == field.values.shape and np.allclose(sim, fitted.simulate(run=0))
    assert np.sqrt(np.mean((sim - field.values) ** 2)) < 0.1 * np.std(field.values)
    for bad in ((np.linspace(0, 1, 5), np.zeros(1)), (0, np.zeros(1))):  # ODE arguments: one sentence
        with pytest.raises(ConfigError, match="field data"):
            loaded.simulate(*bad)
    with pytest.raises(ConfigError, match="`run` must be from 0 to 0"):
        loaded.simulate(3)
    loaded.write_report(tmp_path / "again", figures=False)  # the folder read back writes its folder again
    assert json.loads((tmp_path / "again" / "equations.json").read_text()) == \
        json.loads((tmp_path / "run" / "equations.json").read_text())


def test_api_run_with_space_chooses_the_loader_and_nothing_else(burgers, tmp_path):
    np.savez(tmp_path / "b.npz", t=burgers.t, x=burgers.coords[0], u=burgers.values[..., 0])
    model = discover.run(tmp_path / "b.npz", tmp_path / "run", methods="weak", space="x")
    assert model.kind_ == "field" and set(model.result_.timings) >= {"load_s", "fit_s", "total_s"}
    assert (tmp_path / "run" / "equations.json").is_file()


def test_a_system_walks_the_weak_form_alone_and_refuses_a_hook_before_training(tmp_path):
    f = generate_system(SYSTEM_PDES["nls"], noise=0.01, seed=3, n_x=128, n_t=51, solver_points=256)
    np.savez(tmp_path / "nls.npz", t=f.t, x=f.coords[0], u=f.values[..., 0], v=f.values[..., 1])
    data = load_field_data(tmp_path / "nls.npz", space="x")
    assert data.kind == "field" and data.names == ("u", "v") and data.source == (str(tmp_path / "nls.npz"),)
    with pytest.raises(DataError, match="one field on a line"):
        discover.Discoverer(methods="pinn").fit(data)
    model = discover.Discoverer(methods="strong").fit(data)
    assert [s.name for s in model.plan_.stages] == ["weak"]
    assert model.best_ is not None and len(model.equations_) == 2
