"""`discover.load` reads a run folder back into a fitted model; `score` is the report's metric."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import discover
from cli.main import app
from discover.core.errors import DataError
from tests.test_contracts import QUICK

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lotka_volterra.csv"


@pytest.fixture(scope="module")
def lv_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "lv"
    r = CliRunner().invoke(app, ["run", str(EXAMPLE), "--methods", "sindy", "--out", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    return out


def test_load_gives_a_model_that_simulates_as_the_original(lv_run):
    original = discover.Discoverer(methods="sindy", random_state=0).fit(discover.load_csv(EXAMPLE))
    loaded = discover.load(lv_run)
    assert {k: str(v) for k, v in loaded.equations_.items()} == {k: str(v) for k, v in original.equations_.items()}
    assert loaded.confidence_ == original.confidence_ and len(loaded.candidates_) == len(original.candidates_)
    assert loaded.best_.scores["short_r2"] == pytest.approx(original.best_.scores["short_r2"])
    assert loaded.get_params()["methods"] == "sindy" and loaded.random_state == 0
    t = np.linspace(0, 10, 200)
    x0 = np.array([1.0, 2.0])
    np.testing.assert_allclose(loaded.simulate(t, x0), original.simulate(t, x0), rtol=1e-6, atol=1e-9)
    states = np.array([[0.5, 1.0], [2.0, 3.0]])
    np.testing.assert_allclose(loaded.predict(states), original.predict(states), rtol=1e-9)


def test_load_reads_the_saved_surrogate(tmp_path):
    from discover.systems import generate, get_system

    data = generate(get_system("lotka_volterra"), points=120, trajectories=3, seed=1)
    model = discover.Discoverer(methods="node", random_state=0, device="cpu", settings={"node": QUICK["node"]}).fit(data)
    model.write_report(tmp_path / "run")
    loaded = discover.load(tmp_path / "run")
    X = data.trajectories[0].x[:5]
    assert set(loaded.surrogates_) == {"node"}
    np.testing.assert_allclose(loaded.surrogates_["node"].vector_field(X), model.surrogates_["node"].vector_field(X),
                               rtol=1e-5, atol=1e-8)


def test_load_refuses_a_folder_that_is_not_a_run(tmp_path):
    with pytest.raises(DataError, match="not a discover run folder"):
        discover.load(tmp_path)


def test_score_is_the_reports_short_horizon_r2():
    data = discover.load_csv(EXAMPLE)
    model = discover.Discoverer(methods="sindy", random_state=0).fit(data)
    report = model.best_.scores["short_r2"]
    assert report > 0.99
    on_all = model.score(data)
    # the same metric on all the data (the report's is on the held-out part only)
    assert on_all == pytest.approx(report, abs=0.01)
    # arrays take the fitted names by default
    tr = data.trajectories[0]
    assert model.score(tr.x, t=tr.t) > 0.98
    # a wrong model scores low on the same metric
    wrong = discover.Discoverer(methods="sindy", random_state=0).fit(data)
    wrong.best_ = type(model.best_)({n: 0 * e for n, e in model.best_.equations.items()}, "zero", {})
    assert wrong.score(data) < 0.5
    with pytest.raises(DataError, match="fitted on x, y"):
        model.score(tr.x, t=tr.t, feature_names=["a", "b"])


def test_run_json_records_every_engines_version(lv_run):
    import json
    import sys
    from importlib import metadata

    versions = json.loads((lv_run / "run.json").read_text())["provenance"]["versions"]
    assert versions["pyoperon"] == metadata.version("pyoperon")
    assert versions["pysindy"] == metadata.version("pysindy")
    try:
        pysr = metadata.version("pysr")
    except metadata.PackageNotFoundError:
        pysr = None
    assert versions.get("pysr") == pysr
    assert "pysr" not in sys.modules  # read from metadata, never imported (that would start Julia)
