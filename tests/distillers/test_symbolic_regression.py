import importlib.util
import socket
import sys

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

import discover
from cli.main import app
from discover.core.structure import compare
from discover.distillers import sr_engines
from discover.distillers.clean import clean, read


def test_pysr_detection_is_offline_and_does_not_import(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    ok, why = sr_engines.pysr_status()
    assert not ok and why
    assert "pysr" not in sys.modules and "juliacall" not in sys.modules


def test_pysr_without_julia_says_so(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if name == "pysr" else real(name, *a))
    monkeypatch.setattr(sr_engines.shutil, "which", lambda name: None)
    monkeypatch.delenv("JULIA_EXE", raising=False)
    monkeypatch.delenv("PYTHON_JULIACALL_EXE", raising=False)
    ok, why = sr_engines.pysr_status()
    assert not ok and "Julia" in why


def test_asking_for_unusable_pysr_is_exit_2(tmp_path, write_system):
    path, _ = write_system("logistic", points=100, trajectories=1)
    r = CliRunner().invoke(app, ["run", str(path), "--methods", "sr", "--sr-engine", "pysr", "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert "pysr" in r.output and "--sr-engine operon" in r.output and "Traceback" not in r.output


def test_clean_snaps_and_refits():
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, (500, 2))
    y = -9.81 * np.sin(X[:, 0]) - 0.3 * X[:, 1]
    raw = "(0.0000 + (9.8100 * (sin(((-1.0000) * x0)) - (0.0306 * x1))))"  # engines see internal names
    theta, omega = sp.symbols("theta omega")
    expr = clean(read(raw, [theta, omega]), [theta, omega], X, y)
    assert compare({"w": expr}, {"w": -9.81 * sp.sin(theta) - 0.3 * omega})["exact"]
    assert expr.has(sp.sin(theta))  # the -1.0000 inside sin was snapped


@pytest.mark.parametrize("noise", [0.0, 0.01])
@pytest.mark.parametrize("name", ["pendulum", "michaelis_menten", "logistic"])
def test_sr_recovers_non_polynomial_structure(write_system, name, noise):
    path, system = write_system(name, noise=noise, points=1000, trajectories=3, seed=0)
    model = discover.Discoverer(methods="sr", random_state=0).fit(discover.load_csv(path))
    result = compare(model.equations_, system.equations())
    assert result["exact"], model.best_.strings()
    assert result["max_coef_error"] < 0.03


def test_auto_calls_sr_for_a_pendulum(write_system):
    path, system = write_system("pendulum", noise=0.01, points=1000, trajectories=3, seed=0)
    model = discover.Discoverer(random_state=0).fit(discover.load_csv(path))
    assert compare(model.equations_, system.equations())["exact"], model.best_.strings()
    assert any(c.method == "sr" for c in model.candidates_)
    assert any("symbolic regression was called" in r for r in model.result_.reasons)
