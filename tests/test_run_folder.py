"""Run folders are safe to point anywhere: `--out` is checked before fitting, nothing discover did
not write is deleted, a failed or terminated write leaves the earlier report as it was."""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import discover
from cli.main import app
from discover.core.errors import OutDirError
from discover.core.rundir import check_out, foreign_entries, is_run_folder

runner = CliRunner()
REPO = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def lv_csv(lotka_volterra_csv):
    return lotka_volterra_csv(200, 2)


@pytest.fixture(scope="module")
def first_run(lv_csv, tmp_path_factory):
    """A run folder written by `discover run --methods sindy` (copy it before changing it)."""
    out = tmp_path_factory.mktemp("first") / "run"
    r = runner.invoke(app, ["run", str(lv_csv), "--out", str(out), "--methods", "sindy", "--seed", "0"])
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture
def no_fit(monkeypatch):
    """Any fit or data loading fails the test: the refusal must come first."""

    def boom(*args, **kwargs):
        raise AssertionError("the data were loaded or fitted before `--out` was checked")

    monkeypatch.setattr("discover.pipeline.estimator.Discoverer.fit", boom)
    monkeypatch.setattr("discover.data.csv.load_csv", boom)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) with its bytes; folders as None."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


def user_project(folder: Path) -> Path:
    (folder / "raw").mkdir(parents=True)
    (folder / "thesis.tex").write_text("\\section{Results}\n")
    (folder / "raw" / "scope.dat").write_bytes(bytes(range(256)))
    return folder


def one_line_no_traceback(r):
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert r.exit_code == 2, r.output
    assert len(lines) == 1 and "Traceback" not in r.output, r.output
    return lines[0]


def test_foreign_folder_is_refused_before_fitting(tmp_path, lv_csv, no_fit):
    proj = user_project(tmp_path / "proj")
    before = snapshot(tmp_path)
    r = runner.invoke(app, ["run", str(lv_csv), "--out", str(proj), "--methods", "sindy"])
    line = one_line_no_traceback(r)
    assert str(proj) in line and "--force" in line and "'thesis.tex'" in line
    assert snapshot(tmp_path) == before  # every byte kept, and no temporary folder beside it


def test_api_checks_out_before_loading(tmp_path, lv_csv, no_fit):
    proj = user_project(tmp_path / "proj")
    with pytest.raises(OutDirError, match="did not write"):
        discover.run(lv_csv, proj, methods="sindy")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proj"]


def test_force_moves_the_content_aside(tmp_path, lv_csv):
    proj = user_project(tmp_path / "proj")
    before = snapshot(proj)
    r = runner.invoke(app, ["run", str(lv_csv), "--out", str(proj), "--methods", "sindy", "--force"])
    assert r.exit_code == 0, r.output
    assert is_run_folder(proj) and foreign_entries(proj) == []
    (aside,) = [p for p in tmp_path.iterdir() if p.name.startswith("proj.old-")]
    assert snapshot(aside) == before
    assert aside.name in r.output  # the user is told where it went
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proj", aside.name]


@pytest.mark.parametrize("case", ["file", "under a file", "dot", "dot-dot"])
def test_bad_out_is_one_line(case, tmp_path, lv_csv, no_fit, monkeypatch):
    (tmp_path / "notes.txt").write_text("mine\n")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work" if case == "dot-dot" else tmp_path)
    target = {"file": "notes.txt", "under a file": "notes.txt/run", "dot": ".", "dot-dot": ".."}[case]
    before = snapshot(tmp_path)
    line = one_line_no_traceback(runner.invoke(app, ["run", str(lv_csv), "--out", target, "--methods", "sindy"]))
    assert f"'{target}'" in line and "`--out`" in line
    assert snapshot(tmp_path) == before


def test_force_never_moves_the_current_folder(tmp_path, lv_csv, no_fit, monkeypatch):
    (tmp_path / "notes.txt").write_text("mine\n")
    monkeypatch.chdir(tmp_path)
    line = one_line_no_traceback(runner.invoke(app, ["run", str(lv_csv), "--out", ".", "--force"]))
    assert "current folder" in line and (tmp_path / "notes.txt").exists()


def test_what_check_out_accepts(tmp_path, first_run):
    assert check_out(tmp_path / "a" / "b").kind == "new"
    (tmp_path / "empty").mkdir()
    assert check_out(tmp_path / "empty").kind == "empty"
    assert check_out(first_run).kind == "run"
    fake = user_project(tmp_path / "fake")
    (fake / "run.json").write_text('{"schema": "someone.else/1", "settings": {}}')
    with pytest.raises(OutDirError):
        check_out(fake)
    assert check_out(fake, force=True).kind == "foreign"


@pytest.mark.parametrize("place", ["read-only folder", "/proc"])
def test_unwritable_place_is_refused(place, tmp_path, lv_csv, no_fit):
    if place == "/proc":
        if not Path("/proc/self").exists():
            pytest.skip("no /proc here")
        target = Path("/proc/discover-test-run")
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into a 0o555 folder anyway")
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        target = locked / "run"
    try:
        line = one_line_no_traceback(runner.invoke(app, ["run", str(lv_csv), "--out", str(target)]))
    finally:
        if place != "/proc":
            locked.chmod(0o755)
    assert "not writable" in line and not target.exists()


def test_report_keeps_a_users_files(tmp_path, first_run):
    run = tmp_path / "run"
    shutil.copytree(first_run, run)
    (run / "notes.md").write_text("checked with Anna\n")
    (run / "figures" / "mine.svg").write_text("<svg/>")
    (run / "analysis").mkdir()
    (run / "analysis" / "fit.ipynb").write_text("{}")
    extras = {k: v for k, v in snapshot(run).items() if k.startswith(("notes", "analysis", "figures/mine"))}
    r = runner.invoke(app, ["report", str(run)])
    assert r.exit_code == 0, r.output
    assert {k: v for k, v in snapshot(run).items() if k in extras} == extras
    assert foreign_entries(run) == ["analysis", "figures/mine.svg", "notes.md"]
    assert (run / "equations.json").read_bytes() == (first_run / "equations.json").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # nothing hidden left beside it


def test_report_refuses_a_folder_that_is_not_a_run_folder(tmp_path):
    proj = user_project(tmp_path / "proj")
    (proj / "run.json").write_text('{"name": "my experiment"}')
    before = snapshot(tmp_path)
    line = one_line_no_traceback(runner.invoke(app, ["report", str(proj)]))
    assert "not a discover run folder" in line and snapshot(tmp_path) == before


def test_rerun_replaces_a_run_folder(tmp_path, first_run, lv_csv):
    run = tmp_path / "run"
    shutil.copytree(first_run, run)
    (run / "notes.md").write_text("keep me\n")
    (run / "havok.json").write_text("{}")  # a plug-in's file from a different earlier run (its run.json lists it): replaced
    record = json.loads((run / "run.json").read_text())
    (run / "run.json").write_text(json.dumps({**record, "written": [*record.get("written", []), "havok.json"]}))
    (run / "figures" / "sr_fronts.png").write_bytes(b"old")
    r = runner.invoke(app, ["run", str(lv_csv), "--out", str(run), "--methods", "sindy", "--seed", "1"])
    assert r.exit_code == 0, r.output
    assert '"seed": 1' in (run / "run.json").read_text()
    assert not (run / "havok.json").exists() and not (run / "figures" / "sr_fronts.png").exists()
    assert (run / "notes.md").read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


@pytest.mark.parametrize("umask, mode", [(0o022, 0o755), (0o027, 0o750)])
def test_folders_follow_the_umask(umask, mode, tmp_path, first_run):
    run = tmp_path / "run"
    shutil.copytree(first_run, run)
    run.chmod(0o700)  # as the earlier versions made it
    old = os.umask(umask)
    try:
        r = runner.invoke(app, ["report", str(run)])
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.output
    assert run.stat().st_mode & 0o777 == mode
    assert (run / "figures").stat().st_mode & 0o777 == mode
    assert (run / "report.html").stat().st_mode & 0o777 == mode & 0o666


def test_failure_while_writing_keeps_the_earlier_report(tmp_path, first_run, monkeypatch):
    from discover.report import rerender, run_folder

    run = tmp_path / "run"
    shutil.copytree(first_run, run)
    (run / "notes.md").write_text("keep me\n")
    before = snapshot(tmp_path)

    def broken(result, folder):
        (folder / "report.md").write_text("half")
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(run_folder, "render", broken)
    with pytest.raises(RuntimeError, match="disk trouble"):
        rerender(run)
    assert snapshot(tmp_path) == before  # same files, same bytes, no hidden temporary folder


def test_sigterm_while_writing_keeps_the_earlier_report(tmp_path, first_run):
    run = tmp_path / "run"
    shutil.copytree(first_run, run)
    before = snapshot(tmp_path)
    script = (
        "import os, signal, sys, time\n"
        "import discover.report.run_folder as rf\n"
        "real = rf.render\n"
        "def render(result, folder):\n"
        "    real(result, folder)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(30)\n"
        "rf.render = render\n"
        "rf.rerender(sys.argv[1])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-c", script, str(run)], env=env, capture_output=True, timeout=120,
                          check=False)
    assert proc.returncode == -signal.SIGTERM, proc.stderr.decode()
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "reports").iterdir() if p.is_dir()))
def test_discover_owns_every_file_it_writes(name):
    """The example reports hold every kind of file discover writes: none may look like a user's."""
    folder = REPO / "reports" / name
    assert is_run_folder(folder) and foreign_entries(folder) == []
