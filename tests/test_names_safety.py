"""Names are labels, never code: column names reach no eval, sympify or lambdify of text.

A CSV column may be called ``__import__('os').system('touch marker')``, ``S [mM]``, ``lambda``
or ``E``. Runs on such data must recover the same equations as on ``x, y, z``, write
``equations.json`` on identifiers with a ``symbols`` table, read it back through the restricted
parser, and run nothing.
"""

import json

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

import discover
from cli.main import app
from discover.core.candidates import Candidate
from discover.core.errors import ConfigError, DataError, DiscoverError
from discover.core.expressions import Limits, identifiers, parse_expression, safe_lambdify, symbol_table, to_text
from discover.core.structure import compare
from discover.report import load_run
from discover.systems import generate, get_system, to_frame

runner = CliRunner()
PAYLOAD = "__import__('os').system('touch marker')"
PAYLOAD2 = "__import__('os').system('touch marker2')"
x = sp.Symbol("x")


# ---------------------------------------------------------------- the parser
@pytest.mark.parametrize("text, words", [
    ("9**9**9*x", "exponent"),
    ("+".join(["x"] * 1000), "1000 terms"),
    ("1e999*x", "beyond floating-point range"),
    ("1e300*1e300*x", "beyond floating-point range"),
    ("exp(1e5)*x", "beyond floating-point range"),
    ("1/0*x", "infinite, undefined or complex"),
    ("sqrt(-1)*x", "infinite, undefined or complex"),
    ("x.real", "uses something other"),
    ("x.__class__", "uses something other"),
    ("(lambda: 1)()", "uses something other"),
    ("x[0]", "uses something other"),
    ("[x]", "uses something other"),
    ("x if x else x", "uses something other"),
    ("__import__('os').system('touch marker')", "uses something other"),
    ("__import__('os')", "unknown function '__import__'"),
    ("open('f')", "unknown function 'open'"),
    ("eval('1')", "unknown function 'eval'"),
    ("sin(x, x)", "takes one argument"),
    ("sin(x=1)", "uses something other"),
    ("'x'", "not a real number"),
    ("True*x", "not a real number"),
    ("1j*x", "not a real number"),
    ("y*x", "not a variable here"),
    ("sin", "is a function"),
    ("x**2^3", "uses something other"),
    ("x +", "not a formula"),
    ("sin(" * 60 + "x" + ")" * 60, "nested more than"),
    ("-" * 25_000 + "x", "characters"),
    ("x\x00", "not a formula"),
])
def test_parser_refuses_with_one_sentence(text, words):
    with pytest.raises(ConfigError, match=words) as info:
        parse_expression(text, {"x": x}, "test")
    msg = str(info.value)
    assert msg.startswith("test: ") and "\n" not in msg and len(msg) < 400


def test_parser_limits_and_error_class_are_settable():
    with pytest.raises(DataError, match="3 terms, more than the 2"):
        parse_expression("x + x**2 + x**3", {"x": x}, "f", error=DataError, limits=Limits(max_terms=2))
    assert parse_expression("x**3*x", {"x": x}, "f", limits=Limits(max_exponent=3)) == x**4
    with pytest.raises(ConfigError, match="exponent"):
        parse_expression("x**4", {"x": x}, "f", limits=Limits(max_exponent=3))


@pytest.mark.parametrize("expr", [
    -10.0 * x + sp.Float(1.2e-5) * x**2, sp.Rational(1, 3) * x + x**sp.Rational(1, 3), sp.Float(1e20) * sp.exp(-x),
    sp.sin(0.5 * x) / (x + 0.3), sp.sqrt(sp.Abs(x)) - sp.log(x) + sp.tanh(x) * sp.cosh(x) * sp.sinh(x) + sp.tan(x),
    sp.pi * x + sp.E * x**-2, sp.Integer(0), sp.Float(-2.5),
])
def test_parser_reads_what_sstr_writes(expr):
    assert parse_expression(sp.sstr(expr), {"x": x}, "test") == expr


def test_unknown_names_are_created_only_on_request():
    e = parse_expression("a*x - b^2", {"x": x}, "known", new_symbol=lambda n: sp.Symbol(n, real=True), caret=True)
    assert e == sp.Symbol("a", real=True) * x - sp.Symbol("b", real=True) ** 2
    with pytest.raises(ConfigError, match="'a' is not a variable"):
        parse_expression("a*x", {"x": x}, "test")


def test_constants_yield_to_variables_of_the_same_name():
    E, I = sp.Symbol("E"), sp.Symbol("I")
    assert parse_expression("E*x + pi", {"x": x}, "t") == sp.E * x + sp.pi
    got = parse_expression("E*I + exp(1)", {"E": E, "I": I}, "t")
    assert got == E * I + sp.E and not got.has(sp.I)


# ---------------------------------------------------------------- identifiers, text, lambdify
def test_labels_get_unique_safe_identifiers():
    names = ["x", "hare", "E", "I", "N", "beta", "γ", "S [mM]", "S_mM", "lambda", "sin", "pi", "1x", "a b", "a-b", PAYLOAD]
    ids = identifiers(names)
    assert {n: ids[n] for n in ["x", "hare", "E", "I", "N", "beta", "γ", "S_mM"]} == {
        n: n for n in ["x", "hare", "E", "I", "N", "beta", "γ", "S_mM"]}
    assert ids["S [mM]"] == "S_mM_2" and ids["lambda"] == "lambda_" and ids["sin"] == "sin_"
    assert ids["pi"] == "pi_" and ids["1x"] == "v_1x" and {ids["a b"], ids["a-b"]} == {"a_b", "a_b_2"}
    assert len(set(ids.values())) == len(names) and all(i.isidentifier() for i in ids.values())
    assert symbol_table(["S [mM]"]) == {"S_mM": "S [mM]"}


def test_text_round_trips_for_awkward_names():
    names = ["S [mM]", "lambda", "E", "I", "sin", PAYLOAD]
    ids = identifiers(names)
    s = {n: sp.Symbol(n) for n in names}
    expr = (-0.5 * s["S [mM]"] * s["E"] + sp.E * sp.sin(s["sin"]) + s["lambda"] ** 2 / (s["I"] + 0.3)
            + 2 * s[PAYLOAD])
    text = to_text(expr, ids)
    assert "exp(1)" in text and "[" not in text and "(" + "'" not in text
    table = {i: sp.Symbol(label) for label, i in ids.items()}
    assert parse_expression(text, table, "t") == expr
    assert to_text(3 * x**2 - x, identifiers(["x"])) == sp.sstr(3 * x**2 - x)  # plain names: text as before


def test_safe_lambdify_never_prints_labels():
    S, lam, bad = sp.Symbol("S [mM]"), sp.Symbol("lambda"), sp.Symbol(PAYLOAD)
    f = safe_lambdify([S, lam, bad], [S * lam + bad, sp.Integer(2)])
    assert f(2.0, 3.0, 1.0) == [7.0, 2]
    g = safe_lambdify([[S, lam], [bad]], S - bad)
    assert g([5.0, 0.0], [1.0]) == 4.0
    with pytest.raises(ValueError, match="not an argument"):
        safe_lambdify([S], S * bad)
    with pytest.raises(ValueError, match="not an argument"):
        safe_lambdify([S], sp.Function(PAYLOAD)(S))
    with pytest.raises(TypeError):
        safe_lambdify([S], "S*2")


def test_old_files_without_symbols_read_with_names_as_identifiers():
    d = {"method": "sindy", "equations": {"x": "-x + 2.0*x*y", "y": "E*y"}}
    c = Candidate.from_dict(d, ["x", "y", "E"])
    assert c.equations["y"] == sp.Symbol("E") * sp.Symbol("y")
    with pytest.raises(DataError, match="uses something other"):
        Candidate.from_dict({"method": "m", "equations": {"x": PAYLOAD}}, ["x"])
    with pytest.raises(DataError, match="symbols"):
        Candidate.from_dict(d, ["x"], symbols={"os.system": "x"})


# ---------------------------------------------------------------- whole runs
def _frame(system, rename, **kw):
    df = to_frame(generate(get_system(system), **kw))
    return df.rename(columns=rename)


def _renamed_truth(system, rename):
    truth = get_system(system).equations()
    subs = {sp.Symbol(a): sp.Symbol(b) for a, b in rename.items()}
    return {rename[v]: e.xreplace(subs) for v, e in truth.items()}


def test_payload_columns_run_nothing_through_run_and_report(tmp_path, monkeypatch):
    """`discover run --methods sindy,sr` and `discover report` on a payload header create no file."""
    monkeypatch.chdir(tmp_path)
    # a smaller search than the default, from the [sr] table: this test is about names, not search quality
    (tmp_path / "small.toml").write_text("[sr]\ngenerations = 15\npopulation_size = 120\n")
    rename = {"x": PAYLOAD, "y": PAYLOAD2}
    _frame("lotka_volterra", rename, points=200, trajectories=2, noise=0.0, seed=0).to_csv("p.csv", index=False)
    r = runner.invoke(app, ["run", "p.csv", "--methods", "sindy,sr", "--out", "out", "--seed", "0",
                            "--config", "small.toml"])
    assert r.exit_code == 0, r.output
    r2 = runner.invoke(app, ["report", "out"])
    assert r2.exit_code == 0, r2.output
    assert not list(tmp_path.rglob("marker*"))
    doc = json.loads((tmp_path / "out" / "equations.json").read_text())
    assert doc["symbols"] == {"import_os_system_touch_marker": PAYLOAD, "import_os_system_touch_marker2": PAYLOAD2}
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    fronts = [e["expr"] for k, v in run["fronts"].items() if k.startswith("sr:") for e in v]
    assert fronts and not any("(" + "'" in f for f in fronts)  # sr ran; its formulas are on identifiers too
    # each front is named as the headline names the equation: d(label)/dt, the label whole
    from discover.core.printing import derivative_text

    assert set(run["fronts"]) == {f"sr: {derivative_text(n, 't')}" for n in rename.values()}
    best = Candidate.from_dict(doc["best"], doc["variables"], doc["symbols"])
    assert compare(best.equations, _renamed_truth("lotka_volterra", rename))["exact"]
    # a payload planted in equations.json is refused, not run
    doc["candidates"][0]["equations"][PAYLOAD] = "__import__('os').system('touch marker3')"
    (tmp_path / "out" / "equations.json").write_text(json.dumps(doc))
    r3 = runner.invoke(app, ["report", "out"])
    assert r3.exit_code == 2 and "Traceback" not in r3.output and "uses something other" in r3.output
    assert not list(tmp_path.rglob("marker*"))


@pytest.mark.parametrize("system, rename", [
    ("sir", {"S": "S [mM]", "I": "lambda", "R": "E"}),
    ("lotka_volterra", {"x": "I", "y": "sin"}),
    ("lotka_volterra", {"x": "N", "y": "γ [1/s]"}),
])
def test_awkward_names_recover_the_structure_and_round_trip(tmp_path, system, rename):
    data_path = tmp_path / "d.csv"
    _frame(system, rename, points=300, trajectories=3, noise=0.0, seed=0).to_csv(data_path, index=False)
    model = discover.Discoverer(methods="sindy", random_state=0).fit(discover.load_csv(data_path))
    truth = _renamed_truth(system, rename)
    assert compare(model.equations_, truth)["exact"], model.best_.strings()
    for e in model.equations_.values():
        assert not e.has(sp.E, sp.I) and {s.name for s in e.free_symbols} <= set(rename.values())
    model.write_report(tmp_path / "run")
    doc = json.loads((tmp_path / "run" / "equations.json").read_text())
    assert doc["variables"] == list(rename.values())
    assert set(doc["symbols"].values()) == set(rename.values())
    back = Candidate.from_dict(doc["best"], doc["variables"], doc["symbols"])
    assert back.equations == model.best_.equations
    again = load_run(tmp_path / "run")
    assert again.best.equations == model.best_.equations
    assert runner.invoke(app, ["report", str(tmp_path / "run")]).exit_code == 0


def test_known_part_names_a_state_by_its_identifier():
    from discover.surrogates.known import parse_known

    k = parse_known(["S_mM: a*S_mM - lambda_*b"], ("S [mM]", "lambda"), ["b=2"])
    S, lam = sp.Symbol("S [mM]", real=True), sp.Symbol("lambda", real=True)
    assert k.exprs["S [mM]"] == sp.Symbol("a", real=True) * S - lam * sp.Symbol("b", real=True)
    assert k.learned == ("a",) and k.describe() == {"S [mM]": "S_mM*a - 2.0*lambda_"}
    np.testing.assert_allclose(k.numpy()(np.array([[2.0, 1.0]]), [3.0]), [[4.0, 0.0]])
    with pytest.raises(DiscoverError, match="exponent"):
        parse_known(["S_mM: 9**9**9*S_mM"], ("S [mM]", "lambda"))
    with pytest.raises(DiscoverError, match="terms"):
        parse_known(["S_mM: " + " + ".join(f"a{i}*S_mM" for i in range(1000))], ("S [mM]", "lambda"))


@pytest.mark.slow
@pytest.mark.parametrize("methods", ["node", "prose"])
def test_payload_columns_run_nothing_through_node_and_prose(tmp_path, monkeypatch, methods):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "small.toml").write_text("[node]\nepochs = 5\npretrain = 50\nwidth = 16\ndepth = 2\n"
                                         "max_windows = 200\n")
    rename = {"x": PAYLOAD, "y": PAYLOAD2}
    runs = 1 if methods == "prose" else 2  # the transformer reads every run in several windows: keep it small
    _frame("lotka_volterra", rename, points=150, trajectories=runs, noise=0.0, seed=0).to_csv("p.csv", index=False)
    r = runner.invoke(app, ["run", "p.csv", "--methods", methods, "--out", "out", "--seed", "0", "--device", "cpu",
                            "--config", "small.toml"])
    assert r.exit_code in (0, 3), r.output
    assert runner.invoke(app, ["report", "out"]).exit_code == 0
    assert not list(tmp_path.rglob("marker*"))
    doc = json.loads((tmp_path / "out" / "equations.json").read_text())
    assert any(c["method"].startswith(methods) for c in doc["candidates"]), [c["method"] for c in doc["candidates"]]
    for c in doc["candidates"]:
        Candidate.from_dict(c, doc["variables"], doc["symbols"])


def test_no_text_reaches_eval_sympify_or_lambdify_in_the_package():
    """A guard: only discover/core/expressions.py calls sympy.lambdify, and nothing calls eval, exec,
    sympify or parse_expr (``module.eval()`` of torch is a method, not the builtin)."""
    import ast
    from pathlib import Path

    root = Path(__file__).parents[1]
    found = []
    for path in [*root.joinpath("discover").rglob("*.py"), *root.joinpath("cli").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            banned = {"sympify", "parse_expr", "lambdify"} | ({"eval", "exec"} if isinstance(f, ast.Name) else set())
            if name in banned and not (name == "lambdify" and path.name == "expressions.py"):
                found.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    assert not found
