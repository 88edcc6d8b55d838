"""The command line in scripts: --version, --json, --quiet, exit status 3, no wrapping when piped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp
from typer.testing import CliRunner

import discover
from cli.main import app
from discover.core.candidates import Candidate
from discover.distillers import REGISTRY as DISTILLERS
from discover.distillers import BaseDistiller, register

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture
def exploding():
    """A distiller whose one candidate blows up from every held-out start."""

    @register
    class Exploding(BaseDistiller):
        name = "exploding"

        def _distill(self, samples, rng):
            syms = [sp.Symbol(n) for n in samples.names]
            return [Candidate({n: 50 * s**3 + 10 for n, s in zip(samples.names, syms)}, self.name, {})]

    yield Exploding
    DISTILLERS.unregister("exploding")


def test_version_prints_the_package_version():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.stdout.strip() == f"discover {discover.__version__}"


def test_json_prints_one_document_and_nothing_else(decay_csv, tmp_path):
    r = runner.invoke(app, ["run", str(decay_csv), "--methods", "sindy", "--out", str(tmp_path / "run"), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["best"]["method"] == "sindy" and doc["confidence"] in ("high", "medium", "low")
    assert doc["run_folder"] == str(tmp_path / "run") and "sindy" in doc["timings"]
    x = sp.sympify(doc["best"]["equations"]["x"], locals={"x": sp.Symbol("x"), "y": sp.Symbol("y")})
    assert abs(float(x.coeff(sp.Symbol("x"))) + 0.5) < 0.02
    saved = json.loads((tmp_path / "run" / "equations.json").read_text())
    assert doc["candidates"] == saved["candidates"]


def test_quiet_prints_nothing(decay_csv, tmp_path):
    r = runner.invoke(app, ["run", str(decay_csv), "--methods", "sindy", "--out", str(tmp_path / "run"), "--quiet"])
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == ""
    assert (tmp_path / "run" / "equations.json").exists()
    bad = runner.invoke(app, ["run", str(decay_csv), "--methods", "sindy", "--time", "when", "--quiet",
                              "--out", str(tmp_path / "bad")])
    assert bad.exit_code == 2 and bad.stdout == "" and "no time column 'when'" in bad.stderr


def test_nothing_surviving_exits_3(decay_csv, tmp_path, exploding):
    r = runner.invoke(app, ["run", str(decay_csv), "--methods", "exploding", "--out", str(tmp_path / "run"),
                            "--json"])
    assert r.exit_code == 3, r.output
    doc = json.loads(r.stdout)
    assert doc["best"] is None and doc["candidates"]
    plain = runner.invoke(app, ["run", str(decay_csv), "--methods", "exploding", "--out", str(tmp_path / "run")])
    assert plain.exit_code == 3 and "No candidate survived" in plain.stdout


def test_piped_json_from_a_real_process(tmp_path):
    """`discover run ... --json | python -c 'json.load(sys.stdin)'`, and long equations stay on one line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "20"}
    cmd = [sys.executable, "-m", "cli.main", "run", str(ROOT / "examples" / "lotka_volterra.csv"), "--methods",
           "sindy", "--out", str(tmp_path / "lv")]
    r = subprocess.run(cmd + ["--json"], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["best"]["equations"].keys() == {"x", "y"}
    plain = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert plain.returncode == 0, plain.stderr
    lines = [ln for ln in plain.stdout.splitlines() if ln.strip().startswith("dx/dt")]
    assert len(lines) == 1 and "x*y" in lines[0] and len(lines[0]) > 20
    assert f"Report: {tmp_path / 'lv' / 'report.html'}" in plain.stdout.splitlines()
