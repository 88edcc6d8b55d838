"""data.npz: compressed for ordinary runs, stored as it is when its arrays are large."""

import zipfile

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.main import app
from discover.report import run_folder

runner = CliRunner()


@pytest.fixture(scope="module")
def lv_csv(lotka_volterra_csv):
    return lotka_volterra_csv(300, 1)


def _run(csv, out):
    r = runner.invoke(app, ["run", str(csv), "--out", str(out), "--methods", "sindy", "--no-figures"])
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(out / "data.npz") as z:
        kinds = {i.compress_type for i in z.infolist()}
    return kinds, run_folder.load_run(out)


def test_large_arrays_are_stored_uncompressed_and_read_back_the_same(lv_csv, tmp_path, monkeypatch):
    small_kinds, small = _run(lv_csv, tmp_path / "small")
    assert small_kinds == {zipfile.ZIP_DEFLATED}
    monkeypatch.setattr(run_folder, "COMPRESS_UP_TO", 0)  # as if the run had a million rows
    large_kinds, large = _run(lv_csv, tmp_path / "large")
    assert large_kinds == {zipfile.ZIP_STORED}
    for group in ("train", "validation", "train_smoothed", "validation_smoothed"):
        for a, b in zip(getattr(small, group), getattr(large, group)):
            assert np.array_equal(a.t, b.t) and np.array_equal(a.x, b.x)
    assert all(np.array_equal(a, b) for a, b in zip(small.train_derivatives, large.train_derivatives))
    assert (tmp_path / "small" / "equations.json").read_text() == (tmp_path / "large" / "equations.json").read_text()
