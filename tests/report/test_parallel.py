"""The report's figure worker (discover.report.parallel): the same run folder whichever process
draws the figures; an error while drawing reaches the caller as itself, with the worker's
traceback; an interrupted run leaves the earlier folder as it was and no drawing process behind."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from discover import api
from discover.report import figures, parallel

REPO = Path(__file__).parents[2]


@pytest.fixture(autouse=True)
def worker_whatever_the_load(monkeypatch):
    """The worker is started even on a busy machine (by default it is not: it would only add its cost)."""
    monkeypatch.setenv("DISCOVER_FIGURE_WORKER", "1")


@pytest.fixture(scope="module")
def lv_csv(lotka_volterra_csv):
    return lotka_volterra_csv(200, 2)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_worker_draws_the_same_figures_as_the_parent(lv_csv, tmp_path, monkeypatch):
    used = []
    send = parallel._Worker.send

    def counted(self, result, folder):
        used.append(send(self, result, folder))
        return used[-1]

    monkeypatch.setattr(parallel._Worker, "send", counted)
    api.run(lv_csv, tmp_path / "forked", methods="sindy")
    assert used == [True]  # the figures were handed to the worker
    monkeypatch.setenv("DISCOVER_FIGURE_WORKER", "0")
    api.run(lv_csv, tmp_path / "here", methods="sindy")
    assert used == [True]  # ... and not the second time
    forked, here = files(tmp_path / "forked"), files(tmp_path / "here")
    assert len([k for k in forked if k.startswith("figures/")]) >= 3
    assert forked.keys() == here.keys()
    for name in forked:
        if name.startswith("figures/") or name == "equations.json":
            assert forked[name] == here[name], name
    html = (tmp_path / "forked" / "report.html").read_text()
    assert html.count("data:image/png;base64,") == len([k for k in forked if k.startswith("figures/")])


def test_an_error_while_drawing_is_raised_here_with_the_workers_traceback(lv_csv, tmp_path, monkeypatch):
    def out_of_ink(result, path):
        raise ValueError("no ink left")

    monkeypatch.setattr(figures, "pareto", out_of_ink)  # before the fork: the worker draws with it
    with pytest.raises(ValueError, match="no ink left") as info:
        api.run(lv_csv, tmp_path / "run", methods="sindy")
    assert type(info.value.__cause__).__name__ == "_RemoteTraceback"
    assert "out_of_ink" in str(info.value.__cause__)
    assert not (tmp_path / "run").exists()  # nothing left half-written


def test_the_cli_says_one_sentence_and_logs_the_workers_traceback(lv_csv, tmp_path, monkeypatch):
    def out_of_ink(result, path):
        raise ValueError("no ink left")

    monkeypatch.setattr(figures, "trajectories", out_of_ink)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    r = CliRunner().invoke(app, ["run", str(lv_csv), "--out", str(tmp_path / "run"), "--methods", "sindy"])
    assert r.exit_code == 1
    assert "internal error" in r.output and "no ink left" in r.output and "Traceback" not in r.output
    logs = list((tmp_path / "cache" / "discover" / "logs").glob("discover-*.log"))
    assert len(logs) == 1 and "out_of_ink" in logs[0].read_text()


INTERRUPTED = """
import os, signal, sys, time
from pathlib import Path
from discover import api
from discover.report import figures, parallel

def slow(result, path):
    with open(sys.argv[3], "a") as f:
        f.write(f"{os.getpid()}\\n")
    time.sleep(60)
    path.write_bytes(b"late")

figures.trajectories = figures.pareto = slow

def ctrl_c(*_):
    raise KeyboardInterrupt

signal.signal(signal.SIGALRM, ctrl_c)
submit = parallel.submit

def submit_then_interrupt(result, folder):
    pending = submit(result, folder)
    signal.alarm(4)
    return pending

parallel.submit = submit_then_interrupt
try:
    api.run(sys.argv[1], sys.argv[2], methods="sindy")
except KeyboardInterrupt:
    print("interrupted")
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked on Linux")
def test_an_interrupted_run_keeps_the_earlier_folder_and_leaves_no_process(lv_csv, tmp_path):
    out = tmp_path / "run"
    api.run(lv_csv, out, methods="sindy")
    before = files(out)
    pids = tmp_path / "pids"
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-c", INTERRUPTED, str(lv_csv), str(out), str(pids)], env=env,
                          capture_output=True, timeout=300, check=False)
    assert proc.stdout.decode().strip() == "interrupted", proc.stderr.decode()
    drew = [int(p) for p in pids.read_text().split()]
    assert len(drew) == 2 and os.getpid() not in drew  # both figures were in the two drawing processes
    assert not any(_running(p) for p in drew)
    assert files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pids", "run"]  # no staging folder left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked on Linux")
def test_no_worker_on_a_saturated_machine_unless_asked(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    monkeypatch.setattr(os, "getloadavg", lambda: (2.5, 2.5, 2.5))
    monkeypatch.setenv("DISCOVER_FIGURE_WORKER", "auto")
    assert not parallel._can_fork()
    monkeypatch.setattr(os, "getloadavg", lambda: (0.6, 0.6, 0.6))
    assert parallel._can_fork()
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert not parallel._can_fork()  # one core: nothing to run beside the fit
    monkeypatch.setenv("DISCOVER_FIGURE_WORKER", "1")
    monkeypatch.setattr(os, "getloadavg", lambda: (9.0, 9.0, 9.0))
    assert parallel._can_fork()
    monkeypatch.setenv("DISCOVER_FIGURE_WORKER", "0")
    assert not parallel._can_fork()
