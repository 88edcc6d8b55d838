"""A run killed outright (SIGKILL) leaves its hidden temporary folder `.NAME.discover-tmp-*`; the
next run into the same place removes it, and nothing else (issue 31)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from discover.core.rundir import RunFolderWarning, clean_stale, replace_folder
from discover.core.stale import TEMP_MARKER

REPO = Path(__file__).parents[1]

KILLED_WHILE_BUILDING = """
import os, signal, sys
from discover.core.rundir import replace_folder

def build(tmp):
    (tmp / "report.md").write_text("half written")
    os.kill(os.getpid(), signal.SIGKILL)

replace_folder(sys.argv[1], build)
"""


def _killed_run(out: Path) -> Path:
    r = subprocess.run([sys.executable, "-c", KILLED_WHILE_BUILDING, str(out)], cwd=REPO, timeout=120)
    assert r.returncode == -signal.SIGKILL
    (left,) = [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.discover-tmp-")]
    return left


def _build(tmp: Path) -> None:
    (tmp / "run.json").write_text(json.dumps({"schema": "discover.run/1", "settings": {}}))


def test_the_next_run_removes_what_a_killed_run_left(tmp_path):
    out = tmp_path / "runs" / "lv"
    left = _killed_run(out)
    assert (left / TEMP_MARKER).is_file()
    replace_folder(out, _build)
    assert not left.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["lv"]
    assert not (out / TEMP_MARKER).exists()  # the finished folder carries no marker


def test_folders_discover_did_not_mark_or_still_writes_are_kept(tmp_path):
    out = tmp_path / "lv"
    lookalike = tmp_path / ".lv.discover-tmp-0badc0de"  # the name, without discover's marker
    lookalike.mkdir()
    (lookalike / "notes.txt").write_text("mine")
    live = tmp_path / ".lv.discover-tmp-12345678"  # a run still writing (this very process)
    live.mkdir()
    (live / TEMP_MARKER).write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                                "created": time.time(), "carrying": False}))
    other = tmp_path / ".other.discover-tmp-87654321"  # beside another folder
    other.mkdir()
    assert clean_stale(out) == []
    replace_folder(out, _build)
    assert (lookalike / "notes.txt").read_text() == "mine" and live.is_dir() and other.is_dir()


def test_a_users_files_caught_in_a_killed_swap_are_moved_aside_not_deleted(tmp_path, monkeypatch):
    out = tmp_path / "lv"
    left = tmp_path / ".lv.discover-tmp-abcdef01"
    (left / "figures").mkdir(parents=True)
    (left / "report.md").write_text("discover's")
    (left / "figures" / "pareto.png").write_bytes(b"png")
    (left / "thesis.tex").write_text("the user's")  # carried out of the old run folder when the run was killed
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (left / TEMP_MARKER).write_text(json.dumps({"pid": int(dead.stdout), "host": socket.gethostname(),
                                                "created": time.time(), "carrying": True}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert clean_stale(out) == []
    assert any(issubclass(w.category, RunFolderWarning) for w in caught)
    (aside,) = [p for p in tmp_path.iterdir() if p.name.startswith("lv.old-")]
    assert sorted(str(p.relative_to(aside)) for p in aside.rglob("*")) == ["thesis.tex"]
    assert (aside / "thesis.tex").read_text() == "the user's" and not left.exists()


@pytest.mark.parametrize("marker", ["not json", json.dumps({"pid": "x"}), json.dumps([1])])
def test_a_marker_that_cannot_be_read_keeps_the_folder(marker, tmp_path):
    left = tmp_path / ".lv.discover-tmp-abcdef01"
    left.mkdir()
    (left / TEMP_MARKER).write_text(marker)
    assert clean_stale(tmp_path / "lv") == [] and left.is_dir()
