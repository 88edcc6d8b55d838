"""The per-data-set task run in-process (no cluster): real SINDy on a small decay, its summary,
its skip on a second call, and every way a data set fails becoming one sentence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from discover.batch.html import write_html
from discover.batch.manifest import DataSet
from discover.batch.summary import summary_frame
from discover.batch.task import run_dataset
from tests.batch import plugins

SETTINGS = {"methods": "sindy", "seed": 0, "tables": {}}


def _decay(path, k=0.7, n=80, states=("x", "y")):
    t = np.linspace(0, 3, n)
    pd.DataFrame({"t": t, states[0]: np.exp(-k * t), states[1]: 2 * np.exp(-1.5 * t)}).to_csv(path, index=False)
    return DataSet(path.stem, path.stem, (str(path),), {"k": k})


def test_a_data_set_is_found_recorded_and_not_recomputed(tmp_path):
    ds = _decay(tmp_path / "d.csv")
    out = tmp_path / "out"
    first = run_dataset(ds, str(out), SETTINGS)
    assert first["status"] == "ok" and first["cached"] is False and first["reason"] == ""
    assert first["constants"]["dx/dt: x"] == pytest.approx(-0.7, rel=0.02)
    assert first["constants"]["dy/dt: y"] == pytest.approx(-1.5, rel=0.02)
    assert set(first["equations"]) == {"dx/dt", "dy/dt"} and first["confidence"] in ("high", "medium")
    run_json = out / "runs" / "d" / "run.json"
    stamp = run_json.stat().st_mtime_ns
    again = run_dataset(ds, str(out), SETTINGS)
    assert again["cached"] is True and run_json.stat().st_mtime_ns == stamp
    assert again["constants"] == first["constants"]
    # another seed is another result: computed again
    assert run_dataset(ds, str(out), {**SETTINGS, "seed": 3})["cached"] is False


def test_bad_input_a_raising_fit_and_a_timeout_each_give_one_sentence(tmp_path):
    out = tmp_path / "out"
    (tmp_path / "bad.csv").write_text("t,x\n0,1\n1,oops\n")
    bad = run_dataset(DataSet("bad", "bad", (str(tmp_path / "bad.csv"),)), str(out), SETTINGS)
    assert bad["status"] == "failed" and "bad.csv" in bad["reason"] and "\n" not in bad["reason"]
    missing = run_dataset(DataSet("gone", "gone", (str(tmp_path / "gone.csv"),)), str(out), SETTINGS)
    assert missing["status"] == "failed" and "does not exist" in missing["reason"]

    plugins.register()
    try:
        trip = _decay(tmp_path / "trip.csv", states=("boom", "y"))
        res = run_dataset(trip, str(out), {**SETTINGS, "methods": "sindy,tripwire"})
    finally:
        plugins.unregister()
    assert res["status"] == "failed" and "RuntimeError: tripwire hit" in res["reason"]
    assert "Traceback" in (out / "logs" / "trip.log").read_text() and str(out / "logs" / "trip.log") in res["reason"]

    slow = _decay(tmp_path / "slow.csv")
    timed = run_dataset(slow, str(out), SETTINGS, timeout=0.05)
    assert timed["status"] == "timed out" and "timeout of 0.05 s" in timed["reason"]
    assert not (out / "runs").exists() or not any((out / "runs").iterdir())  # nothing half-written


def test_the_summary_escapes_labels_and_marks_what_did_not_run(tmp_path):
    sets = [DataSet("<script>x</script>", "a", ("a.csv",), {"dose $": 1.0}),
            DataSet("b", "b", ("b.csv",), {"dose $": 2.0}), DataSet("c", "c", ("c.csv",), {"dose $": 3.0})]
    ok = {"status": "ok", "method": "sindy", "confidence": "high", "equations": {"dx/dt": "-x"}, "cached": False}
    results = {"<script>x</script>": {**ok, "constants": {"dx/dt: x": -1.0}, "standard_errors": {"dx/dt: x": 0.1}},
               "b": {**ok, "constants": {"dx/dt: x": -2.0}, "standard_errors": {"dx/dt: x": 0.2}}}
    frame = summary_frame(sets, results, tmp_path)
    assert list(frame["status"]) == ["ok", "ok", "not run"] and frame.loc[2, "reason"]
    assert list(frame["se dx/dt: x"][:2]) == [0.1, 0.2]
    write_html(frame, tmp_path / "summary.html")
    html = (tmp_path / "summary.html").read_text()
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "Against dose $" in html and "Error bars: one standard error" in html


@pytest.mark.slow
def test_a_driven_data_set_is_fitted_with_its_inputs(tmp_path):
    """`discover batch --inputs u` (or `inputs` in the config) reaches every data set's run."""
    from discover.systems import generate, get_system, to_frame

    system = get_system("heated_room")
    to_frame(generate(system, points=300, trajectories=3, seed=1)).to_csv(tmp_path / "room.csv", index=False)
    ds = DataSet("room", "room", (str(tmp_path / "room.csv"),))
    res = run_dataset(ds, str(tmp_path / "out"), {**SETTINGS, "inputs": "u"})
    assert res["status"] == "ok", res["reason"]
    assert set(res["equations"]) == {"dT/dt", "dW/dt"}  # u gets no equation of its own
    assert res["constants"]["dT/dt: u"] == pytest.approx(system.params["c"], rel=0.02)


@pytest.mark.slow
def test_a_field_data_set_gets_its_pde(tmp_path):
    """`discover batch --space x`: each data set is a field and its row holds the PDE's terms."""
    from discover.fields.catalog import generate_field, get_pde, to_long_frame

    field = generate_field(get_pde("burgers"), seed=0, n_t=60, n_x=64)
    to_long_frame([field]).to_csv(tmp_path / "burgers.csv", index=False)
    ds = DataSet("burgers", "burgers", (str(tmp_path / "burgers.csv"),))
    res = run_dataset(ds, str(tmp_path / "out"), {"methods": "auto", "seed": 0, "tables": {}, "space": "x"})
    assert res["status"] == "ok", res["reason"]
    assert res["constants"]["u_t: u*u_x"] == pytest.approx(-1.0, rel=0.05)
    assert res["constants"]["u_t: u_xx"] == pytest.approx(0.1, rel=0.05)


def test_every_science_option_of_run_reaches_each_data_set(tmp_path, monkeypatch):
    """`discover batch DIR --inputs u --input-hold zoh --sr-engine ... --known ... --param ...` passes each
    to the data set's `discover.api.run` (and to its settings hash: changing one computes again)."""
    from typer.testing import CliRunner

    import discover.api
    from cli.main import app
    from discover.batch.resume import settings_hash

    seen = {}

    def fake_run(paths, out, **kwargs):
        seen.update(kwargs)
        raise RuntimeError("stop here")

    monkeypatch.setattr(discover.api, "run", fake_run)
    ds = _decay(tmp_path / "d.csv")
    run_dataset(ds, str(tmp_path / "out"), {**SETTINGS, "inputs": "y", "input_hold": "zoh"})
    assert seen["inputs"] == "y" and seen["input_hold"] == "zoh"
    assert settings_hash({**SETTINGS, "inputs": "y"}) != settings_hash(SETTINGS)
    assert settings_hash({**SETTINGS, "inputs": None}) == settings_hash(SETTINGS)  # older batches keep their hash

    import cli.batch
    import discover.batch as batch_package

    captured = {}
    monkeypatch.setattr(batch_package, "batch", lambda data, **kw: captured.update(kw) or (_ for _ in ()).throw(
        RuntimeError("stop")))
    r = CliRunner().invoke(app, ["batch", str(tmp_path), "-o", str(tmp_path / "b"), "--inputs", "u", "--input-hold",
                                 "zoh", "--space", "x", "--sr-engine", "operon", "--known", "x: a*x",
                                 "--param", "a=1"])
    assert cli.batch is not None and r.exit_code == 1
    assert captured["inputs"] == "u" and captured["input_hold"] == "zoh" and captured["space"] == "x"
    assert captured["sr"] == {"engine": "operon"} and captured["pinn"] == {"known": ["x: a*x"], "params": ["a=1"]}
