"""Batch discovery on a two-worker LocalCluster: real SINDy fits on small data sets.

Six data sets in a manifest: four decays dx/dt = -k x, dy/dt = -1.5 y with k from the
manifest, one bad file, one whose fit raises inside a distiller (the test's ``tripwire``
plug-in). The summary must hold four successes with the right k and two clear reasons; a
second batch computes nothing; a worker killed mid-batch is survived. A cluster and eight fits
take about a minute on two shared cores, so these are slow tests; tests/batch/test_task.py runs
the same task in-process, fast.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")

from distributed import Client, LocalCluster  # noqa: E402

import discover  # noqa: E402
from tests.batch import plugins  # noqa: E402

KS = [0.4, 0.7, 1.0, 1.3]
METHODS = "sindy,tripwire"


def _decay(path, k, n=80, states=("x", "y")):
    t = np.linspace(0, 3, n)
    frame = pd.DataFrame({"t": t, states[0]: np.exp(-k * t), states[1]: 2 * np.exp(-1.5 * t)})
    frame.to_csv(path, index=False)


@pytest.fixture(scope="module")
def client():
    plugins.register()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=50)
    c = Client(cluster)
    c.register_plugin(plugins.RegisterTripwire())
    yield c
    c.close()
    cluster.close()
    plugins.unregister()


@pytest.fixture
def six(tmp_path):
    """Six data sets and their manifest: four good, one bad file, one that trips the plug-in."""
    data = tmp_path / "data"
    data.mkdir()
    rows = []
    for i, k in enumerate(KS):
        _decay(data / f"d{i}.csv", k)
        rows.append((f"d{i}.csv", "<b>decay</b>" if i == 0 else f"decay{i}", k))
    (data / "bad.csv").write_text("t,x,y\n0,1,oops\n1,2,3\n")
    rows.append(("bad.csv", "bad", 2.0))
    _decay(data / "trip.csv", 0.5, states=("boom", "y"))
    rows.append(("trip.csv", "trip", 0.5))
    pd.DataFrame(rows, columns=["file", "name", "k"]).to_csv(data / "manifest.csv", index=False)
    return data


def _mtimes(out):
    return {p.parent.name: p.stat().st_mtime_ns for p in (out / "runs").glob("*/run.json")}


@pytest.mark.slow
def test_six_data_sets_four_successes_two_reasons_and_a_rerun_computes_nothing(client, six, tmp_path):
    out = tmp_path / "out"
    frame = discover.batch(six, client=client, out=out, methods=METHODS, seed=0)
    by = frame.set_index("dataset")
    assert list(frame["status"]).count("ok") == 4, frame[["dataset", "status", "reason"]]
    for i, k in enumerate(KS):
        row = by.loc["<b>decay</b>" if i == 0 else f"decay{i}"]
        assert row["k"] == k
        assert row["dx/dt: x"] == pytest.approx(-k, rel=0.02) and row["dy/dt: y"] == pytest.approx(-1.5, rel=0.02)
        assert row["confidence"] in ("high", "medium") and row["recomputed"]
        assert (out / row["run_folder"] / "report.html").is_file()
    bad, trip = by.loc["bad"], by.loc["trip"]
    assert bad["status"] == "failed" and "bad.csv" in bad["reason"] and "oops" in bad["reason"]
    assert trip["status"] == "failed" and "RuntimeError: tripwire hit" in trip["reason"]
    assert (out / "logs" / "trip.log").read_text().count("tripwire hit") >= 1
    for reason in (bad["reason"], trip["reason"]):
        assert "\n" not in reason and "Traceback" not in reason
    assert not (out / "runs" / "bad").exists() and not (out / "runs" / "trip").exists()

    csv = pd.read_csv(out / "summary.csv")
    assert list(csv["dataset"]) == list(frame["dataset"]) and "k" in csv and "dx/dt: x" in csv
    html = (out / "summary.html").read_text()
    assert "&lt;b&gt;decay&lt;/b&gt;" in html and "<b>decay</b>" not in html
    assert "Against k" in html and "data:image/png;base64," in html

    before = _mtimes(out)
    again = discover.batch(six, client=client, out=out, methods=METHODS, seed=0)
    assert _mtimes(out) == before and len(before) == 4
    ok = again[again["status"] == "ok"]
    assert len(ok) == 4 and not ok["recomputed"].any() and (ok["wall_s"] == 0).all()
    assert list(again["dx/dt: x"].dropna()) == list(frame["dx/dt: x"].dropna())

    changed = discover.batch(six, client=client, out=out, methods=METHODS, seed=1)  # another setting: recomputed
    assert changed[changed["status"] == "ok"]["recomputed"].all()


@pytest.mark.slow
def test_a_worker_killed_mid_batch_is_survived(client, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for i in range(6):
        _decay(data / f"d{i}.csv", 0.3 + 0.2 * i, n=400)
    out = tmp_path / "out"
    done = {}
    runner = threading.Thread(target=lambda: done.update(frame=discover.batch(data, client=client, out=out,
                                                                               methods="sindy")))
    runner.start()
    killed = None
    deadline = time.monotonic() + 120
    while killed is None and time.monotonic() < deadline:
        busy = [w for w, keys in client.processing().items() if any(str(k).startswith("discover-") for k in keys)]
        if busy:
            time.sleep(1.0)  # the fit is under way
            pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            killed = pid
        time.sleep(0.1)
    runner.join(timeout=600)
    assert killed is not None and not runner.is_alive()
    frame = done["frame"]
    assert (frame["status"] == "ok").all(), frame[["dataset", "status", "reason"]]
    for p in (out / "runs").glob("*/run.json"):
        assert json.loads(p.read_text())["provenance"]["batch"]["input_hash"]
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it (the other tests share the cluster)


@pytest.mark.slow
def test_an_existing_scheduler_runs_the_batch_by_its_address(client, tmp_path):
    _decay(tmp_path / "one.csv", 0.9)
    frame = discover.batch(tmp_path / "one.csv", out=tmp_path / "out", methods="sindy",
                           scheduler=client.scheduler.address)
    assert frame.loc[0, "status"] == "ok" and frame.loc[0, "dx/dt: x"] == pytest.approx(-0.9, rel=0.02)
    assert len(client.scheduler_info()["workers"]) == 2  # the cluster is left running for its owner


@pytest.mark.slow
def test_discover_batch_dir_inputs_u(tmp_path):
    """`discover batch DIR --inputs u` as a new user types it: every data set's equations read u."""
    from typer.testing import CliRunner

    from cli.main import app
    from discover.systems import generate, get_system, to_frame

    data = tmp_path / "rooms"
    data.mkdir()
    for seed in (1, 2):
        to_frame(generate(get_system("heated_room"), points=300, trajectories=3, seed=seed)).to_csv(
            data / f"room{seed}.csv", index=False)
    r = CliRunner().invoke(app, ["batch", str(data), "--inputs", "u", "--methods", "sindy", "-o", str(tmp_path / "out"),
                                 "--workers", "1"])
    assert r.exit_code == 0, r.output
    csv = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert list(csv["status"]) == ["ok", "ok"] and "dT/dt: u" in csv and "du/dt" not in csv
    assert csv["dT/dt: u"].tolist() == pytest.approx([2.0, 2.0], rel=0.02)
