"""Every command that writes follows the `--out` rules: nothing is overwritten without `--force`,
`--force` moves the earlier output aside (never deletes it), and never moves a system folder or
something the user does not own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from discover.core.errors import OutDirError
from discover.core.outfile import check_out_file
from discover.core.rundir import check_out

runner = CliRunner()


@pytest.mark.parametrize("system", ["lotka_volterra", "burgers"])
def test_generate_never_overwrites_a_file_without_force(tmp_path, system):
    target = tmp_path / "data.csv"
    target.write_text("t,x\n0,1\n")
    args = ["generate", system, "-o", str(target), "--points", "20"]
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and "already exists" in r.output
    assert target.read_text() == "t,x\n0,1\n"
    r = runner.invoke(app, [*args, "--force"])
    assert r.exit_code == 0, r.output
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("data.csv.old-")]
    assert len(aside) == 1 and aside[0].read_text() == "t,x\n0,1\n"
    assert target.read_text().startswith("t,")


def test_generate_into_an_existing_folder_is_one_sentence(tmp_path):
    r = runner.invoke(app, ["generate", "lotka_volterra", "-o", str(tmp_path), "--points", "20"])
    assert r.exit_code == 2 and "is a folder" in r.output and "Traceback" not in r.output


def test_a_file_under_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutDirError, match="is a file"):
        check_out_file(tmp_path / "f" / "data.csv")


@pytest.mark.parametrize("place", ["/", "/etc", "/usr", "/usr/share", "/home", "/var/lib"])
def test_force_never_moves_a_system_folder(place):
    if not Path(place).is_dir() or not any(Path(place).iterdir()):
        pytest.skip(f"{place} is absent or empty here")
    with pytest.raises(OutDirError, match="never moves such a place aside|is a mount point"):
        check_out(place, force=True)


def test_force_never_moves_the_home_folder_or_a_system_file(monkeypatch, tmp_path):
    home = tmp_path / "home"
    (home / "project").mkdir(parents=True)
    (home / "notes.txt").write_text("x")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path / "home" / "project")
    with pytest.raises(OutDirError):
        check_out(home, force=True)
    with pytest.raises(OutDirError, match="never moves such a place aside"):
        check_out_file("/etc/hostname" if Path("/etc/hostname").exists() else "/etc/passwd", force=True)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a folder away")
def test_force_never_moves_a_folder_of_another_user(tmp_path):
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "data.txt").write_text("x")
    os.chown(theirs, 4242, 4242)
    with pytest.raises(OutDirError, match="owned by another user"):
        check_out(theirs, force=True)
    (tmp_path / "their.csv").write_text("x")
    os.chown(tmp_path / "their.csv", 4242, 4242)
    with pytest.raises(OutDirError, match="owned by another user"):
        check_out_file(tmp_path / "their.csv", force=True)


def test_force_still_moves_the_users_own_folder_aside(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "data.txt").write_text("x")
    assert check_out(mine, force=True).kind == "foreign"
