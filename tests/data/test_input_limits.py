"""Inputs that would exhaust memory, block, or reach the fit as numbers it cannot compute with are
refused at once with one sentence (issue 31): devices, FIFOs, sparse or binary files, headers too long
or too wide, input columns near 1e300; and row numbers count Excel's `sep=` line."""

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import discover
from discover.core.errors import DataError
from discover.data import load_csv
from discover.data.text import MAX_COLUMNS
from tests.conftest import ramp_csv

REPO = Path(__file__).parents[2]


def _refused_quickly(path, match):
    """Refused with one sentence, and without reading the file whole."""
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match=match) as info:
            load_csv(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "\n" not in str(info.value)
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB read before refusing"
    return str(info.value)


LIMITED = """
import resource
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from discover.core.errors import DataError
from discover.data import load_csv
from discover.fields.io import load_fields
try:
    {call}
except DataError as exc:
    print("refused:", exc)
"""


def refused_in_a_child(call: str, limit: int = 3 * 2**30) -> str:
    """Run ``call`` in a child process with at most ``limit`` bytes of memory and 60 s: a loader that
    reads a device whole or allocates a huge grid fails there (MemoryError), a blocked one times out,
    and neither takes this machine's memory with it."""
    script = LIMITED.format(limit=limit, call=call)
    try:
        r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=REPO)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{call} blocked for more than 60 s") from None
    assert r.stdout.startswith("refused:"), r.stdout + r.stderr[-2000:]
    return r.stdout


def test_a_device_is_refused_without_reading_it():
    assert os.path.exists("/dev/zero")
    assert "is a device" in refused_in_a_child("load_csv('/dev/zero')")


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    assert "FIFO" in refused_in_a_child(f"load_csv({str(fifo)!r})")
    assert "FIFO" in refused_in_a_child(f"load_fields({str(fifo)!r}, space='x')")


def test_the_cli_refuses_a_device_with_exit_2(tmp_path):
    r = subprocess.run([sys.executable, "-m", "cli.main", "run", "/dev/zero", "--methods", "sindy", "--no-figures",
                        "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert r.returncode == 2 and "device" in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_a_sparse_file_is_refused_from_its_first_bytes(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "wb") as fh:
        fh.write(b"t,x\n")
        fh.truncate(3 * 2**30)  # claims 3 GiB, holds NUL bytes
    assert "binary data" in refused_in_a_child(f"load_csv({str(path)!r})", limit=int(1.5 * 2**30))


def test_a_header_too_long_or_too_wide_is_refused_before_parsing(tmp_path):
    long_name = tmp_path / "long_name.csv"
    long_name.write_text("t," + "x" * 5_000_000 + "\n1,2\n")
    _refused_quickly(long_name, "header row longer than")
    wide = tmp_path / "wide.csv"
    wide.write_text("t," + ",".join("a" for _ in range(MAX_COLUMNS + 10)) + "\n")
    _refused_quickly(wide, f"more than discover reads \\({MAX_COLUMNS}\\)")
    name = tmp_path / "name.csv"
    name.write_text(ramp_csv(cols="t," + "x" * 1000 + ",y"))
    _refused_quickly(name, "is 1000 characters long")


def _input_rows(scale=1e300):
    t = np.linspace(0, 10, 200)
    return t, np.column_stack([np.sin(t), np.cos(t)]), (scale * np.cos(3 * t))[:, None]


def test_an_input_near_1e300_is_refused_every_way_in(tmp_path):
    t, x, u = _input_rows()
    df = pd.DataFrame({"t": t, "x": x[:, 0], "y": x[:, 1], "u": u[:, 0]})
    df.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(DataError, match="Input 'u' .* up to 1e\\+300"):
        load_csv(tmp_path / "d.csv", inputs="u")
    model = discover.Discoverer(methods="sindy")
    with pytest.raises(DataError, match="Input 'u'"):
        model.fit(df, inputs="u")
    with pytest.raises(DataError, match="Input 'u'"):
        model.fit(x, t=t, inputs=u)


def test_an_input_of_ordinary_size_is_kept(tmp_path):
    t, x, u = _input_rows(scale=3.0)
    pd.DataFrame({"t": t, "x": x[:, 0], "y": x[:, 1], "u": u[:, 0]}).to_csv(tmp_path / "d.csv", index=False)
    ds = load_csv(tmp_path / "d.csv", inputs="u")
    assert ds.inputs == ("u",) and np.allclose(ds.stacked_inputs()[:, 0], u[:, 0])


@pytest.mark.parametrize("before, line", [("", 3), ("sep=,\n", 4), ("\n\n", 5), ("sep=,\r\n\r\n", 5)])
def test_row_numbers_are_the_files_lines(before, line, csv):
    path = csv(before + "t,x\n0,1\n1,abc\n")
    with pytest.raises(DataError, match=f"row {line} holds 'abc'"):
        load_csv(path)
    ragged = csv(before + "t,x\n0,1\n1,2,3\n", name="ragged.csv")
    with pytest.raises(DataError, match=f"Row {line} of .* has 3 fields"):
        load_csv(ragged)


@pytest.mark.parametrize("body, line", [("0,1\n\n1,abc\n", 4), ("0,1\n  \n\t\n1,abc\n", 5), ("0,1\r\n\r\n1,abc\r\n", 4),
                                        ("\n0,1\n\n1,2\n2,abc\n", 6)])
def test_row_numbers_count_blank_lines_within_the_data(body, line, csv):
    # the parser skips blank lines; messages still name the file's line
    path = csv("t,x\n" + body)
    with pytest.raises(DataError, match=f"row {line} holds 'abc'"):
        load_csv(path)
    path = csv("sep=,\nt,x\n" + body.replace("abc", "inf"), name="inf.csv")
    with pytest.raises(DataError, match=f"at row {line + 1}"):
        load_csv(path)
