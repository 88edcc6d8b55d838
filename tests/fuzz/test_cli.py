"""Fuzz suite, command line: generated bad and odd files through
``discover run FILE --methods sindy --no-figures --out DIR`` end with exit status 0 (equations),
2 (one sentence: the input cannot be used) or 3 (no candidate survived), never 1 (an internal
error) or a traceback on the screen (issue 31).

`make test` runs a handful (``test_cli_fast``); `make test-all` runs 120 CSV files and 40 .npz
fields (``--space x``).
"""

from __future__ import annotations

import pytest
from hypothesis import event, given, note, settings
from typer.testing import CliRunner

from cli.main import app
from tests.fuzz.strategies import csv_bytes, npz_bytes

THOROUGH = settings.default.max_examples >= 1000
runner = CliRunner()


def run_property(tmp_path_factory, raw: bytes, suffix: str, extra: list[str]) -> None:
    folder = tmp_path_factory.mktemp("cli")
    path = folder / f"data{suffix}"
    path.write_bytes(raw)
    r = runner.invoke(app, ["run", str(path), "--methods", "sindy", "--no-figures", "--quiet", "--seed", "0",
                            "--out", str(folder / "out"), *extra],
                      env={"XDG_CACHE_HOME": str(folder / "cache")})  # an internal error's log stays here
    note(r.output)
    event(f"exit {r.exit_code}")
    assert r.exit_code in (0, 2, 3), f"exit {r.exit_code}: {r.output}"
    assert "Traceback" not in r.output and "internal error" not in r.output, r.output
    if r.exit_code == 2:
        assert len([ln for ln in r.output.splitlines() if ln.strip()]) == 1, r.output


@settings(max_examples=4)
@given(raw=csv_bytes(max_rows=200))
def test_cli_fast(tmp_path_factory, raw):
    run_property(tmp_path_factory, raw, ".csv", [])


@pytest.mark.slow
@settings(max_examples=120 if THOROUGH else 20)
@given(raw=csv_bytes(max_rows=200))
def test_cli_csv_whole(tmp_path_factory, raw):
    run_property(tmp_path_factory, raw, ".csv", [])


@pytest.mark.slow
@settings(max_examples=40 if THOROUGH else 10)
@given(raw=npz_bytes())
def test_cli_npz_whole(tmp_path_factory, raw):
    run_property(tmp_path_factory, raw, ".npz", ["--space", "x"])
