import json

import numpy as np
from typer.testing import CliRunner

from cli.main import app
from discover.bench.recovery import BASELINE, BenchConfig, markdown_table, run_benchmark, score_case
from discover.systems import generate, get_system

runner = CliRunner()


def test_perfect_candidate_scores_perfectly():
    system = get_system("lotka_volterra")
    clean = generate(system, points=300, trajectories=1, seed=0)
    s = score_case(system.equations(), system, clean, np.array([1.0, 2.0]))
    assert s["exact"] and s["f1"] == 1.0 and s["coef_error"] == 0.0
    assert s["r2_train"] > 0.999999 and s["r2_new"] > 0.999999


def test_wrong_candidate_scores_worse():
    import sympy as sp

    system = get_system("lotka_volterra")
    clean = generate(system, points=300, trajectories=1, seed=0)
    x, y = sp.symbols("x y")
    s = score_case({"x": 1.3 * x, "y": 0.8 * x * y - 1.8 * y}, system, clean, np.array([1.0, 2.0]))
    assert not s["exact"] and s["precision"] == 1.0 and s["recall"] == 0.75
    assert s["r2_train"] < 0.9


def test_benchmark_runs_with_baseline(tmp_path):
    rows = run_benchmark(BenchConfig(systems=("logistic",), noises=(0.0,), methods=("sindy",), trajectories=2,
                                     points=300))
    assert [r["method"] for r in rows] == ["sindy", BASELINE]
    assert rows[0]["exact"] and rows[0]["r2_new"] > 0.999
    assert rows[0]["confidence"] == "high" and rows[1]["confidence"] is None
    table = markdown_table(rows)
    assert "| logistic | 0 | sindy | yes |" in table and BASELINE in table
    assert "| high | 1 | 100% | 100% |" in table and "| low | 0 | — | — |" in table


def test_calibration_counts_levels_and_targets():
    from discover.bench.calibration import calibration

    rows = [{"confidence": "high", "exact": True, "r2_new": 0.99}] * 9 + [
        {"confidence": "high", "exact": False, "r2_new": 0.5},
        {"confidence": "medium", "exact": True, "r2_new": 0.95},
        {"confidence": "low", "exact": False, "r2_new": float("-inf")},
        {"confidence": None, "exact": True, "r2_new": 1.0},  # the baseline gives no confidence
    ]
    cal = calibration(rows)
    assert cal["levels"]["high"] == {"runs": 10, "exact": 0.9, "generalises": 0.9}
    assert cal["levels"]["medium"]["runs"] == 1 and cal["levels"]["low"]["generalises"] == 0.0
    assert cal["exact_rated_high"] == 0.9 and cal["met"]
    assert not calibration(rows[9:])["met"]


def test_bench_cli_writes_files(tmp_path):
    r = runner.invoke(app, ["bench", "--systems", "logistic", "--noise", "0", "--methods", "sindy",
                            "--points", "300", "--trajectories", "2", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "bench.csv").exists() and (tmp_path / "bench.md").exists()
    rows = json.loads((tmp_path / "bench.json").read_text())
    assert {row["method"] for row in rows} == {"sindy", BASELINE}
    # a second bench into the same folder is refused before any work, unless --force moves the first aside
    first = (tmp_path / "bench.md").read_text()
    args = ["bench", "--systems", "logistic", "--noise", "0", "--methods", "sindy", "--points", "300",
            "--trajectories", "2", "--out", str(tmp_path)]
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and "already exists" in r.output
    r = runner.invoke(app, [*args, "--force"])
    assert r.exit_code == 0, r.output
    assert [p.read_text() for p in tmp_path.glob("bench.md.old-*")] == [first]


def test_bench_bad_options():
    r = runner.invoke(app, ["bench", "--noise", "a,b"])
    assert r.exit_code == 2 and "--noise" in r.output
    for option, value in (("--noise", "nan"), ("--noise", "1e308"), ("--points", "1000000000000"),
                          ("--trajectories", "1000000000")):
        r = runner.invoke(app, ["bench", option, value])
        assert r.exit_code == 2 and option in r.output, (option, r.output)
    r = runner.invoke(app, ["bench", "--systems", "lorentz"])
    assert r.exit_code == 2 and "did you mean 'lorenz'" in r.output
