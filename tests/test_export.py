"""Exports: a NumPy module run in a fresh interpreter, a LaTeX table, callables, and `discover export`."""

import ast
import json
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

import discover
from cli.main import app
from discover.core.candidates import Candidate
from discover.core.errors import ConfigError
from discover.core.expressions import label_symbols, parse_expression
from discover.export import to_latex, to_python, to_sympy
from discover.systems import generate, get_system

PAYLOAD = "__import__('os').system('touch m')"
MARKUP = "<script>alert('y')</script> & \\input{z}"
T = np.linspace(0.0, 5.0, 60)
X0 = np.array([2.0, 1.0])
runner = CliRunner()

# Integrates an exported module with scipy as `Discoverer.simulate` does (RK45, rtol 1e-5, atol 1e-8).
SCRIPT = """
import importlib.util, json, sys
import numpy as np
from scipy.integrate import solve_ivp
spec = importlib.util.spec_from_file_location("exported", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
t = np.linspace(0.0, 5.0, 60)
sol = solve_ivp(m.rhs, (0.0, 5.0), [2.0, 1.0], method="RK45", rtol=1e-5, atol=1e-8, dense_output=True)
np.save(sys.argv[2], sol.sol(t).T)
print(json.dumps({"states": list(m.STATES), "modules": sorted(k for k in sys.modules if k.startswith("discover"))}))
"""


def _fit(names=("x", "y")):
    data = generate(get_system("lotka_volterra"), points=400, trajectories=3, noise=0.0, seed=0)
    data = discover.Dataset.from_arrays([tr.t for tr in data.trajectories], [tr.x for tr in data.trajectories],
                                        names=names)
    return discover.Discoverer(methods="sindy", random_state=0).fit(data)


@pytest.fixture(scope="module")
def model():
    return _fit()


def _run_exported(path, tmp_path):
    """Import and integrate ``path`` in a fresh interpreter whose working folder is ``tmp_path``."""
    out = tmp_path / "sim.npy"
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(path), str(out)], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    return np.load(out), json.loads(r.stdout)


def _relative(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def test_exported_module_reproduces_simulate_in_a_fresh_interpreter(model, tmp_path):
    path = tmp_path / "lv.py"
    code = model.to_python(path)
    assert path.read_text() == code
    imports = [n for n in ast.walk(ast.parse(code)) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert [a.name for n in imports for a in n.names] == ["numpy"]
    sim, info = _run_exported(path, tmp_path)
    assert info == {"states": ["x", "y"], "modules": []}  # discover is not imported, only NumPy
    assert _relative(sim, model.simulate(T, X0)) < 1e-6
    # another candidate exports and reproduces too
    third = tmp_path / "third.py"
    model.to_python(third, index=2)
    sim3, _ = _run_exported(third, tmp_path)
    assert _relative(sim3, model.simulate(T, X0, index=2)) < 1e-6 and _relative(sim3, sim) > 1e-6


def test_a_payload_label_is_only_ever_a_string_in_the_module(tmp_path):
    odd = _fit((PAYLOAD, MARKUP))
    path = tmp_path / "odd.py"
    code = odd.to_python(path)
    names = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
    assert "__import__" not in names and "os" not in names
    calls = {n.func.attr if isinstance(n.func, ast.Attribute) else n.func.id
             for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)}
    assert calls <= {"empty", "shape"}
    sim, info = _run_exported(path, tmp_path)
    assert not (tmp_path / "m").exists()  # importing and running it ran nothing of the label
    assert info["states"] == [PAYLOAD, MARKUP]
    assert _relative(sim, odd.simulate(T, X0)) < 1e-6


def test_latex_table_escapes_labels_and_shows_constants_with_errors():
    r, z = sp.Symbol("rate_%"), sp.Symbol("\\input{z}")
    c = Candidate({"rate_%": 1.3 * r - 0.9 * r * z, "\\input{z}": 0.8 * r * z - 1.8 * z}, "pinn+sindy",
                  {"parameters": {"a": 1.3}, "standard_errors": {"a": 0.0214}})
    tex = to_latex(c)
    assert r"\mathrm{rate\_\%}" in tex and r"\mathrm{\backslash{}input\{z\}}" in tex
    assert "\\input{z}" not in tex and "rate_%" not in tex
    assert r"$a$ & $1.3 \pm 0.0214$ \\" in tex
    assert tex.count(r"\begin{tabular}") == 2 and tex.startswith(r"\begin{table}")


def test_latex_of_a_fitted_model(model):
    tex = model.to_latex()
    assert tex.count(r"\frac{d") == 2 and r"\frac{dx}{dt}" in tex and "complexity" in tex
    assert model.to_latex(index=2) != tex


def test_callables_agree_with_predict(model):
    rng = np.random.default_rng(0)
    states = rng.uniform(0.5, 3.0, size=(20, 2))
    f = model.to_callable("numpy")
    np.testing.assert_allclose(f(states), model.predict(states), rtol=1e-12)
    np.testing.assert_allclose(f(states[0]), model.predict(states[:1])[0], rtol=1e-12)
    torch = pytest.importorskip("torch")
    g = model.to_callable("torch")
    x = torch.tensor(states, requires_grad=True)
    y = g(x)
    np.testing.assert_allclose(y.detach().numpy(), f(states), rtol=1e-12)
    y.sum().backward()
    assert torch.isfinite(x.grad).all()
    with pytest.raises(ConfigError, match="did you mean 'torch'"):
        model.to_callable("troch")


def test_to_sympy_gives_the_selected_equations(model):
    assert to_sympy(model) == model.equations_


def test_cli_export_reads_a_run_folder(model, tmp_path):
    run_dir = tmp_path / "run"
    model.write_report(run_dir)
    r = runner.invoke(app, ["export", str(run_dir), "--to", "python", "-o", str(tmp_path / "lv.py")])
    assert r.exit_code == 0, r.output
    sim, _ = _run_exported(tmp_path / "lv.py", tmp_path)
    assert _relative(sim, model.simulate(T, X0)) < 1e-6
    r = runner.invoke(app, ["export", str(run_dir), "--to", "latex"])
    assert r.exit_code == 0 and r.stdout.startswith(r"\begin{table}")
    r = runner.invoke(app, ["export", str(run_dir), "--to", "sympy"])
    doc = json.loads(r.stdout)
    table = label_symbols(doc["symbols"])
    back = {v: parse_expression(s, table, "test") for v, s in doc["equations"].items()}
    assert back == model.equations_


def test_cli_export_refuses_bad_input(tmp_path):
    r = runner.invoke(app, ["export", str(tmp_path), "--to", "julia"])
    assert r.exit_code == 2 and "`--to` must be one of python, latex, sympy" in r.output
    r = runner.invoke(app, ["export", str(tmp_path / "nowhere")])
    assert r.exit_code == 2 and "not a discover run folder" in r.output


def test_a_candidate_exports_in_the_order_asked(model, tmp_path):
    code = to_python(model.candidates_[0], names=["y", "x"])
    space = {}
    exec(compile(code, "exported", "exec"), space)  # the test's own generated module, checked above
    assert space["STATES"] == ("y", "x")
    np.testing.assert_allclose(space["rhs"](0.0, X0[::-1]), model.predict(X0[None])[0][::-1], rtol=1e-12)
    with pytest.raises(ConfigError, match="no equation for 'z'"):
        to_python(model.candidates_[0], names=["x", "z"])


def test_an_unfitted_model_has_nothing_to_export():
    from discover.core.errors import NotFittedError

    with pytest.raises(NotFittedError, match="not fitted"):
        discover.Discoverer().to_python()


def test_cli_export_never_overwrites_a_file_without_force(model, tmp_path):
    run_dir = tmp_path / "run"
    model.write_report(run_dir)
    target = tmp_path / "mine.py"
    target.write_text("my own module\n")
    r = runner.invoke(app, ["export", str(run_dir), "--to", "python", "-o", str(target)])
    assert r.exit_code == 2 and "already exists" in r.output and "--force" in r.output
    assert target.read_text() == "my own module\n"
    r = runner.invoke(app, ["export", str(run_dir), "--to", "python", "-o", str(target), "--force"])
    assert r.exit_code == 0, r.output
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("mine.py.old-")]
    assert len(aside) == 1 and aside[0].read_text() == "my own module\n"
    assert "def rhs" in target.read_text()
    r = runner.invoke(app, ["export", str(run_dir), "--to", "latex", "-o", str(tmp_path)])
    assert r.exit_code == 2 and "is a folder" in r.output
