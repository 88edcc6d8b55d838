"""A run folder read back (`discover.load`, `discover report`, `discover export`) that is damaged or
holds links is refused with one sentence (DataError, exit 2), never a Python exception, and nothing
outside the folder is read or copied into it (issue 31)."""

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import discover
from cli.main import app
from discover.core.errors import DataError

runner = CliRunner()


@pytest.fixture
def run_folder(sindy_run_folder):
    return sindy_run_folder


def _edit(name, change):
    def apply(folder: Path):
        doc = json.loads((folder / name).read_text())
        change(doc)
        (folder / name).write_text(json.dumps(doc))
    return apply


def _object_array(folder: Path):
    with np.load(folder / "data.npz") as data:
        arrays = {k: data[k] for k in data.files}
    arrays["train/0/t"] = np.array(["a"] * len(arrays["train/0/t"]), dtype=object)
    np.savez(folder / "data.npz", **arrays)


DAMAGE = {
    "broken equations.json": lambda d: (d / "equations.json").write_text('{"variables": ["x", '),
    "equations.json a list": lambda d: (d / "equations.json").write_text("[]"),
    "equations.json not UTF-8": lambda d: (d / "equations.json").write_bytes(b"\xff\xfe{\x00"),
    "no selection": _edit("run.json", lambda doc: doc.pop("selection")),
    "selection a list": _edit("run.json", lambda doc: doc.__setitem__("selection", [])),
    "bogus confidence": _edit("run.json", lambda doc: doc["selection"].__setitem__("confidence", "certain")),
    "no variables": _edit("equations.json", lambda doc: doc.pop("variables")),
    "no split": _edit("run.json", lambda doc: doc.pop("split")),
    "a reason not text": _edit("run.json", lambda doc: doc["selection"].__setitem__("reasons", [{"a": 1}])),
    "a score not a number": _edit("equations.json",
                                  lambda doc: doc["candidates"][0]["scores"].__setitem__("short_r2", "high")),
    "a constant row without its error": _edit("equations.json", lambda doc: [
        r.pop("stderr") for rows in doc["candidates"][0]["uncertainty"].values() for r in rows]),
    "corrupt data.npz": lambda d: (d / "data.npz").write_bytes(b"PK\x03\x04" + b"\x00" * 200),
    "data.npz text": lambda d: (d / "data.npz").write_text("not an archive"),
    "object array in data.npz": _object_array,
    "data.npz without the training data": lambda d: np.savez(d / "data.npz", other=np.zeros(3)),
}


def one_line_exit_2(r):
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert r.exit_code == 2, r.output
    assert len(lines) == 1 and "Traceback" not in r.output and "internal error" not in r.output, r.output
    return lines[0]


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_run_folder_is_one_sentence(damage, run_folder, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(run_folder, folder)
    DAMAGE[damage](folder)
    with pytest.raises(DataError, match="damaged run folder") as info:
        discover.load(folder)
    assert "\n" not in str(info.value)
    for command in (["report", str(folder)], ["export", str(folder), "--to", "python"]):
        assert "damaged run folder" in one_line_exit_2(runner.invoke(app, command))


def test_the_undamaged_folder_still_loads_and_renders(run_folder, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(run_folder, folder)
    assert discover.load(folder).confidence_ in ("high", "medium", "low")
    assert runner.invoke(app, ["report", str(folder)]).exit_code == 0


def _link_model(folder: Path, secret: Path) -> Path:
    run = json.loads((folder / "run.json").read_text())
    run["surrogates"]["node"] = {}
    (folder / "run.json").write_text(json.dumps(run))
    (folder / "models").mkdir()
    os.symlink(secret, folder / "models" / "node.pt")
    return folder / "models" / "node.pt"


def test_report_never_copies_a_linked_model_out_of_the_folder(run_folder, tmp_path):
    secret = tmp_path / "id_rsa"
    secret.write_text("PRIVATE KEY\n")
    folder = tmp_path / "received"
    shutil.copytree(run_folder, folder)
    link = _link_model(folder, secret)
    line = one_line_exit_2(runner.invoke(app, ["report", str(folder)]))
    assert "symbolic link" in line
    assert link.is_symlink()  # the folder is left as it was, and no file anywhere holds the secret's content
    hits = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink() and p != secret
            and b"PRIVATE KEY" in p.read_bytes()]
    assert hits == []
    with pytest.raises(DataError, match="symbolic link"):
        discover.load(folder)


def test_a_linked_models_folder_or_run_file_is_refused(run_folder, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "node.pt").write_text("not a model of this run\n")
    folder = tmp_path / "received"
    shutil.copytree(run_folder, folder)
    run = json.loads((folder / "run.json").read_text())
    run["surrogates"]["node"] = {}
    (folder / "run.json").write_text(json.dumps(run))
    os.symlink(elsewhere, folder / "models")
    assert "symbolic link" in one_line_exit_2(runner.invoke(app, ["report", str(folder)]))
    with pytest.raises(DataError, match="symbolic link"):
        discover.load(folder)
    other = tmp_path / "other"
    shutil.copytree(run_folder, other)
    (other / "data.npz").rename(tmp_path / "data.npz")
    os.symlink(tmp_path / "data.npz", other / "data.npz")
    assert "symbolic link" in one_line_exit_2(runner.invoke(app, ["export", str(other)]))
