"""What a run imports: only what it uses (issue 23). Behaviour, not timing: each check runs in a
fresh interpreter and reads ``sys.modules``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "pyoperon", "matplotlib", "jinja2", "scipy.signal", "scipy.stats", "sklearn", "pysindy")


def _modules_after(code: str, cwd: Path) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, env=env, cwd=cwd, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_package_import_loads_nothing_heavy(tmp_path):
    loaded = _modules_after("import discover, discover.api, cli.main", tmp_path)
    assert not [m for m in HEAVY if m in loaded]


def test_sindy_only_run_never_imports_torch_and_no_figures_no_matplotlib(tmp_path):
    code = """
import numpy as np
from discover.api import run
from discover.systems import generate, get_system, to_frame
to_frame(generate(get_system("logistic"), points=300, trajectories=1, noise=0.0, seed=0)).to_csv("d.csv", index=False)
model = run("d.csv", "out", methods="sindy", figures=False)
assert model.best_ is not None
"""
    loaded = _modules_after(code, tmp_path)
    assert "torch" not in loaded
    assert "matplotlib" not in loaded
    assert "pysindy" in loaded  # the fit really ran
    assert (tmp_path / "out" / "equations.json").is_file()
    assert not list((tmp_path / "out").glob("figures/*.png"))
    html = (tmp_path / "out" / "report.html").read_text()
    assert "<img" not in html


def test_auto_fit_without_escalation_never_imports_torch(tmp_path):
    code = """
from discover.pipeline.estimator import Discoverer
from discover.systems import generate, get_system
data = generate(get_system("logistic"), points=300, trajectories=1, noise=0.0, seed=0)
model = Discoverer(random_state=0).fit(data)
assert model.best_ is not None
"""
    assert "torch" not in _modules_after(code, tmp_path)
