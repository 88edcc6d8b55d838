"""A PDE run folder is a run folder like any other: --json, discover.load, discover report, discover export."""

import importlib.util
import json

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

import discover
from cli.main import app
from discover.core.expressions import safe_lambdify

runner = CliRunner()


@pytest.fixture(scope="module")
def burgers_run(tmp_path_factory):
    """`discover generate burgers` on a coarse grid at 1% noise, then `discover run --space x --json`."""
    tmp = tmp_path_factory.mktemp("burgers")
    data, out = tmp / "b.csv", tmp / "run"
    gen = runner.invoke(app, ["generate", "burgers", "-o", str(data), "--noise", "0.01", "--points", "41",
                              "--positions", "64"])
    assert gen.exit_code == 0, gen.output
    res = runner.invoke(app, ["run", str(data), "--space", "x", "--methods", "weak", "--json", "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out, res


def test_json_prints_the_equations_document(burgers_run):
    out, res = burgers_run
    doc = json.loads(res.stdout)  # one document and nothing else on stdout
    saved = json.loads((out / "equations.json").read_text())
    assert doc["candidates"] == saved["candidates"] and doc["best"] == saved["best"]
    assert doc["space"] == ["x"] and doc["lhs"] == {"u": "u_t"} and doc["run_folder"] == str(out)
    assert doc["confidence"] == "high" and doc["reasons"] and doc["timings"]["fit_s"] > 0
    u, ux, uxx = sp.symbols("u u_x u_xx")
    rhs = sp.sympify(doc["best"]["equations"]["u"], locals={"u": u, "u_x": ux, "u_xx": uxx})
    assert abs(float(rhs.coeff(u * ux)) + 1.0) < 0.02 and abs(float(rhs.coeff(uxx)) - 0.1) < 0.005


def test_load_gives_equations_coefficients_and_a_simulation(burgers_run):
    out, _ = burgers_run
    model = discover.load(out)
    assert model.confidence_ == "high" and model.lhs_ == {"u": "u_t"}
    labels = {lab: s for s, lab in model.symbols_.items()}
    rhs = model.equations_["u"]
    assert rhs.free_symbols == {labels["u"], labels["u_x"], labels["u_xx"]}  # internal symbols, never labels
    assert abs(float(rhs.coeff(labels["u"] * labels["u_x"])) + 1.0) < 0.02
    rows = {r["term"]: r for r in model.coefficients_}
    assert set(rows) == {"u*u_x", "u_xx"} and all(0 < r["stderr"] < 0.01 for r in rows.values())
    stored = json.loads((out / "equations.json").read_text())["best"]["equations"]["u"]
    assert repr(rows["u_xx"]["value"]) in stored  # the coefficient as fitted, full precision
    field = model.result_.fields[0]
    sim = model.simulate()
    assert sim.shape == field.values.shape
    assert 1 - np.mean((sim - field.values) ** 2) / np.var(field.values) > 0.99


def test_report_renders_again_and_keeps_a_users_files(burgers_run, tmp_path):
    out, _ = burgers_run
    before = {n: (out / n).read_text() for n in ("report.md", "equations.json")}
    (out / "notes.txt").write_text("mine")
    (out / "report.html").unlink()
    (out / "figures" / "spacetime.png").unlink()
    res = runner.invoke(app, ["report", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "figures" / "spacetime.png").is_file() and "<math" in (out / "report.html").read_text()
    assert {n: (out / n).read_text() for n in before} == before  # the same report from the folder alone
    assert discover.load(out).confidence_ == "high"


def test_exported_rhs_matches_the_stored_equation_on_the_data(burgers_run, tmp_path):
    out, _ = burgers_run
    path = tmp_path / "burgers_rhs.py"
    res = runner.invoke(app, ["export", str(out), "--to", "python", "-o", str(path)])
    assert res.exit_code == 0, res.output
    spec = importlib.util.spec_from_file_location("burgers_rhs", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.ARGUMENTS == ("u", "u_x", "u_xx") and mod.FIELDS == ("u",)
    model = discover.load(out)
    field = model.result_.fields[0]
    u = field.values[..., 0]
    dx = field.spacing(0)
    ux = np.gradient(u, dx, axis=1)
    uxx = np.gradient(ux, dx, axis=1)
    labels = {lab: s for s, lab in model.symbols_.items()}
    stored = safe_lambdify([labels["u"], labels["u_x"], labels["u_xx"]], model.equations_["u"])(u, ux, uxx)
    assert np.allclose(mod.rhs(u, ux, uxx), stored, rtol=1e-12, atol=1e-12)
    assert sorted(mod.CONSTANTS.values()) == sorted(r["value"] for r in model.coefficients_)
    latex = runner.invoke(app, ["export", str(out), "--to", "latex"])
    assert latex.exit_code == 0 and r"\mathrm{u\_xx}" in latex.stdout
    text = json.loads(runner.invoke(app, ["export", str(out), "--to", "sympy"]).stdout)
    assert text["equations"]["u"] == json.loads((out / "equations.json").read_text())["best"]["equations"]["u"]


def test_a_folder_without_a_model_or_with_a_bad_formula_is_one_sentence(burgers_run, tmp_path):
    out, _ = burgers_run
    import shutil

    none = tmp_path / "none"
    shutil.copytree(out, none)
    eq = json.loads((none / "equations.json").read_text())
    (none / "equations.json").write_text(json.dumps({**eq, "best": None}))
    res = runner.invoke(app, ["export", str(none), "--to", "python"])
    assert res.exit_code == 2 and "no PDE to export" in res.output and "Traceback" not in res.output
    bad = tmp_path / "bad"
    shutil.copytree(out, bad)
    eq["candidates"][0]["equations"]["u"] = "__import__('os').system('echo hi')"
    (bad / "equations.json").write_text(json.dumps(eq))
    res = runner.invoke(app, ["report", str(bad)])
    assert res.exit_code == 2 and "Traceback" not in res.output
    eq["candidates"][0]["equations"]["u"] = "sin(u)*u_x"
    (bad / "equations.json").write_text(json.dumps(eq))
    res = runner.invoke(app, ["export", str(bad)])
    assert res.exit_code == 2 and "not a polynomial" in res.output


def test_a_system_of_two_fields_prints_json_loads_and_exports(tmp_path):
    """The nonlinear Schrödinger equation as two real fields (u, v), coarse grid, 1% noise."""
    data, out = tmp_path / "n.npz", tmp_path / "run"
    gen = runner.invoke(app, ["generate", "nls", "-o", str(data), "--noise", "0.01", "--points", "41",
                              "--positions", "64"])
    assert gen.exit_code == 0, gen.output
    res = runner.invoke(app, ["run", str(data), "--space", "x", "--json", "-o", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc["best"]["equations"]) == {"u", "v"} and doc["lhs"] == {"u": "u_t", "v": "v_t"}
    model = discover.load(out)
    assert set(model.equations_) == {"u", "v"} and all(r["stderr"] is not None for r in model.coefficients_)
    assert model.simulate().shape == model.result_.fields[0].values.shape
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0
    path = tmp_path / "nls_rhs.py"
    assert runner.invoke(app, ["export", str(out), "-o", str(path)]).exit_code == 0
    spec = importlib.util.spec_from_file_location("nls_rhs", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rng = np.random.default_rng(0)
    args = {lab: rng.normal(size=5) for lab in mod.ARGUMENTS}
    labels = {lab: s for s, lab in model.symbols_.items()}
    for name, got in zip(mod.FIELDS, mod.rhs(*args.values())):
        expr = model.equations_[name]
        syms = sorted(expr.free_symbols, key=lambda s: s.name)
        want = safe_lambdify(syms, expr)(*[args[model.symbols_[s]] for s in syms])
        assert np.allclose(got, want, rtol=1e-12), name
    assert labels["v_xx"] in model.equations_["u"].free_symbols  # u_t = -v_xx/2 - ...


def test_hostile_labels_reach_the_exported_module_only_as_string_literals(tmp_path):
    import ast

    from discover.fields.catalog import generate_field, to_long_frame

    payload = "__import__('os').system('echo hi')"
    df = to_long_frame([generate_field("heat", noise=0.01, seed=0, n_x=32, n_t=31)]).rename(
        columns={"u": payload, "x": "pos|*"})
    data, out = tmp_path / "h.csv", tmp_path / "run"
    df.to_csv(data, index=False)
    assert runner.invoke(app, ["run", str(data), "--space", "pos|*", "--methods", "weak", "-o", str(out)]).exit_code == 0
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0
    code = runner.invoke(app, ["export", str(out), "--to", "python"]).stdout
    tree = ast.parse(code)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert all(ast.unparse(c.func).startswith("numpy.") for c in calls)  # no call but numpy's
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "__import__"]
    mod = {}
    exec(compile(code, "rhs", "exec"), mod)  # noqa: S102 - the module under test, checked above
    assert mod["FIELDS"] == (payload,) and mod["ARGUMENTS"][0] == payload
    model = discover.load(out)
    assert set(model.equations_) == {payload} and model.confidence_ in ("high", "medium", "low")
