"""Measured inputs (``--inputs``): declared, carried separately from the states, refused when unknown,
interpolated when simulated, and refused by the methods that cannot model them."""

import json

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

import discover
from cli.main import app
from discover.core.errors import ConfigError, DataError
from discover.core.integrate import integrate
from discover.core.signals import InputSignal, as_signal
from discover.data.inputs import as_dataset
from discover.data.prepared import prepare
from discover.systems import generate, get_system

runner = CliRunner()


def _csv(tmp_path, name="c.csv"):
    t = np.linspace(0, 10, 400)
    u = (t > 3).astype(float)
    x = 4 * (1 - np.exp(-0.5 * np.clip(t - 3, 0, None)))  # dx/dt = -0.5 x + 2 u from x(0) = 0
    path = tmp_path / name
    path.write_text("t,x,u\n" + "\n".join(f"{a},{b},{c}" for a, b, c in zip(t, x, u)) + "\n")
    return path


def test_inputs_are_carried_apart_from_states(tmp_path):
    data = discover.load_csv(_csv(tmp_path), inputs="u")
    assert data.names == ("x",) and data.inputs == ("u",)
    assert data.trajectories[0].x.shape == (400, 1) and data.trajectories[0].u.shape == (400, 1)
    p = prepare(data)
    s = p.samples()
    assert s.states.shape[1] == 1 and s.derivatives.shape[1] == 1 and s.input_names == ("u",)
    assert all(v.u.shape[1] == 1 for v in p.validation)  # held-out segments keep their inputs


def test_unknown_input_is_refused_in_one_sentence(tmp_path):
    with pytest.raises(DataError, match=r"Unknown input 'w' in `--inputs`.*columns"):
        discover.load_csv(_csv(tmp_path), inputs="w")
    with pytest.raises(DataError, match="both in `--states` and in `--inputs`"):
        discover.load_csv(_csv(tmp_path), states="x,u", inputs="u")
    r = runner.invoke(app, ["run", str(_csv(tmp_path)), "--inputs", "uu", "-o", str(tmp_path / "r")])
    assert r.exit_code == 2 and "Unknown input 'uu'" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["run", str(_csv(tmp_path)), "--inputs", "u", "--input-hold", "cubic", "-o", str(tmp_path / "r")])
    assert r.exit_code == 2 and "linear or zoh" in r.output


def test_arrays_and_frames_take_inputs():
    t = np.linspace(0, 5, 100)
    data = as_dataset(np.c_[np.sin(t), np.cos(t)], t, ["a", "b"], inputs=np.sin(3 * t))
    assert data.inputs == ("u",) and data.trajectories[0].u.shape == (100, 1)
    named = as_dataset([np.c_[t, t], np.c_[t, -t]], [t, t], inputs={"p": [t, t]})
    assert named.inputs == ("p",) and len(named.trajectories) == 2
    import pandas as pd

    frame = as_dataset(pd.DataFrame({"t": t, "x": np.sin(t), "u": np.cos(2 * t)}), inputs="u")
    assert frame.names == ("x",) and frame.inputs == ("u",)
    with pytest.raises(DataError, match="rows"):
        as_dataset(np.c_[t, t], t, inputs=np.zeros(5))


def test_signal_is_linear_or_held():
    t, u = np.array([0.0, 1.0, 2.0]), np.array([[0.0], [1.0], [3.0]])
    assert InputSignal(t, u)(0.5)[0] == pytest.approx(0.5)
    assert InputSignal(t, u, "zoh")(1.9)[0] == 1.0
    assert InputSignal(t, u)(5.0)[0] == 3.0  # the last value is held beyond the data
    with pytest.raises(ConfigError):
        as_signal(np.zeros((2, 1)), t, 1)


def test_integrate_is_driven_by_each_runs_own_input():
    x, u = sp.symbols("x u")
    t = np.linspace(0, 4, 81)
    ones, twos = (lambda s: np.array([1.0])), InputSignal(t, np.full((81, 1), 2.0))
    sol = integrate([-x + u], [x], np.zeros((2, 1)), [t, t + 10], inputs=[ones, twos], input_symbols=[u])
    assert sol.ok
    np.testing.assert_allclose(sol.x[0][:, 0], 1 - np.exp(-t), atol=1e-4)
    np.testing.assert_allclose(sol.x[1][:, 0], 2 * (1 - np.exp(-t)), atol=1e-4)


def test_prose_and_delay_models_say_they_do_not_support_inputs(tmp_path):
    data = discover.load_csv(_csv(tmp_path), inputs="u")
    for methods in ("prose", "havok"):
        with pytest.raises(ConfigError, match="support measured inputs"):
            discover.Discoverer(methods=methods).fit(data)


def test_generate_drives_each_run_with_its_own_seeded_input(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for p in (a, b):
        r = runner.invoke(app, ["generate", "heated_room", "--input", "prbs", "--points", "200", "--trajectories", "2",
                                "-o", str(p)])
        assert r.exit_code == 0, r.output
    assert a.read_text() == b.read_text()
    data = discover.load_csv(a, inputs="u")
    u0, u1 = (tr.u[:, 0] for tr in data.trajectories)
    assert not np.allclose(u0, u1) and set(np.round(u0, 6)) <= {0.0, 1.0}
    r = runner.invoke(app, ["generate", "lorenz", "--input", "sine", "-o", str(tmp_path / "l.csv")])
    assert r.exit_code == 2 and "has none" in r.output
    r = runner.invoke(app, ["generate", "chemostat_dilution", "--input", "square", "-o", str(tmp_path / "l.csv")])
    assert r.exit_code == 2 and "step, sine, chirp, prbs" in r.output


def test_input_design_warnings_name_the_input():
    from discover.pipeline.driven import design_warnings

    sys = get_system("heated_room")
    data = generate(sys, points=300, trajectories=2, seed=0, input_signal="sine")
    flat = data.with_trajectories([type(tr)(tr.t, tr.x, tr.label, np.full_like(tr.u, 0.7)) for tr in data.trajectories])
    assert any("'u' is constant over every run" in w for w in design_warnings(flat))
    twin = data.with_trajectories([type(tr)(tr.t, tr.x, tr.label, 2 * tr.x[:, :1] + 1) for tr in data.trajectories])
    assert any("'u' moves in step with state 'T'" in w for w in design_warnings(twin))
    assert design_warnings(data) == []


def test_switched_column_without_inputs_is_named(tmp_path):
    from discover.pipeline.driven import looks_like_input

    data = discover.load_csv(_csv(tmp_path))
    warnings = looks_like_input(prepare(data), None)
    assert any("Column 'u' is piecewise constant" in w and "--inputs u" in w for w in warnings)


@pytest.mark.slow
def test_run_with_inputs_writes_them_and_simulates_with_them(tmp_path):
    path = _csv(tmp_path)
    r = runner.invoke(app, ["run", str(path), "--inputs", "u", "--input-hold", "zoh", "--methods", "sindy",
                            "-o", str(tmp_path / "run")])
    assert r.exit_code == 0, r.output
    eq = json.loads((tmp_path / "run" / "equations.json").read_text())
    assert eq["variables"] == ["x"] and eq["inputs"] == ["u"]
    best = eq["best"]["equations"]
    assert set(best) == {"x"} and "u" in best["x"]
    assert (tmp_path / "run" / "figures" / "inputs.png").exists()
    model = discover.load(tmp_path / "run")
    t = np.linspace(0, 10, 201)
    sim = model.simulate(t, [0.0], u=lambda s: np.array([1.0]))
    assert sim[-1, 0] == pytest.approx(4 * (1 - np.exp(-5)), rel=0.02)
    with pytest.raises(ConfigError, match="give their values"):
        model.simulate(t, [0.0])
    namespace = {}
    exec(compile(model.to_python(), "export", "exec"), namespace)  # noqa: S102 (our own generated module)
    assert namespace["INPUTS"] == ("u",)
    assert namespace["rhs"](0.0, np.array([1.0]), lambda s: [1.0])[0] == pytest.approx(1.5, rel=0.02)
    assert model.to_callable()([1.0], [1.0])[0] == pytest.approx(1.5, rel=0.02)  # f(x, u), as rhs(t, x, u)

