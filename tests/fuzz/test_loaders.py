"""Fuzz suite, loaders: generated bad and odd CSV files, .npz fields, DataFrames and arrays
(tests/fuzz/strategies.py) either load into data that keep the input rules or are refused with
discover's own DataError or ConfigError in one line; no other exception, ever (issue 31).

`make test` runs a few seconds of it (``*_fast``); `make test-all` (HYPOTHESIS_PROFILE=thorough)
runs the whole: 1,000 CSV files, 500 .npz fields, 500 DataFrames and 500 array arguments.
Run one part with e.g. ``pytest tests/fuzz -m slow -k csv``.
"""

from __future__ import annotations

import unicodedata
import warnings

import numpy as np
import pytest
from hypothesis import event, given, note, settings
from hypothesis import strategies as st

from discover.core.errors import ConfigError, DataError
from discover.data import load_csv
from discover.data.checks import LARGEST
from discover.data.inputs import as_dataset
from discover.fields.io import load_fields
from tests.fuzz.strategies import arrays, csv_bytes, csv_options, frames, npz_bytes

THOROUGH = settings.default.max_examples >= 1000
FAST = 15  # examples per loader in `make test`


def whole(n: int) -> int:
    """Examples of the slow run: ``n`` under the thorough profile, a tenth otherwise (``pytest -m slow``)."""
    return n if THOROUGH else max(n // 10, FAST)


def refused_in_one_line(exc: Exception) -> None:
    message = str(exc)
    note(message)
    assert isinstance(exc, (DataError, ConfigError)), f"{type(exc).__name__}: {message}"
    assert message and len(message) < 1200, message
    assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in message), f"not one line: {message!r}"
    assert "\u202e" not in message and "Traceback" not in message


def dataset_rules(ds) -> None:
    for name in (*ds.names, *ds.inputs):
        assert name and not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in name)
    assert len(set(ds.names)) == len(ds.names)
    for tr in ds.trajectories:
        assert len(tr) >= 10 and np.all(np.diff(tr.t) > 0)
        assert np.all(np.isfinite(tr.t)) and np.all(np.isfinite(tr.x)) and np.all(np.isfinite(tr.u))
    x = ds.stacked()[1]
    assert np.all(np.abs(x) <= LARGEST) and np.all(x.max(axis=0) > x.min(axis=0))


def _load(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = call()
        except Exception as exc:  # noqa: BLE001 - the property: only discover's own errors
            refused_in_one_line(exc)
            event(f"refused: {type(exc).__name__}")
            return None
    event("loaded")
    return out


def csv_property(tmp_path_factory, raw, options):
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    path.write_bytes(raw)
    note(repr(raw[:400]))
    ds = _load(lambda: load_csv(path, **options))
    if ds is not None:
        dataset_rules(ds)


def npz_property(tmp_path_factory, raw, space, periodic):
    path = tmp_path_factory.mktemp("npz") / "field.npz"
    path.write_bytes(raw)
    fields = _load(lambda: load_fields(path, space=space, periodic=periodic))
    for f in fields or ():
        assert np.all(np.isfinite(f.values)) and np.all(np.diff(f.t) > 0) and np.all(np.isfinite(f.t))
        assert np.ptp(f.values) > 0


def frame_property(case):
    df, kw = case
    note(f"{df.dtypes}\n{kw}")
    ds = _load(lambda: as_dataset(df, **kw))
    if ds is not None:
        dataset_rules(ds)


def array_property(case):
    X, kw = case
    ds = _load(lambda: as_dataset(X, **kw))
    if ds is not None:
        dataset_rules(ds)


SPACES = st.sampled_from([None, "x", "y", "x\x1b", "x,x", ""])
PERIODIC = st.sampled_from([None, True, False])


@settings(max_examples=FAST)
@given(raw=csv_bytes(), options=csv_options())
def test_csv_fast(tmp_path_factory, raw, options):
    csv_property(tmp_path_factory, raw, options)


@settings(max_examples=FAST)
@given(raw=npz_bytes(), space=SPACES, periodic=PERIODIC)
def test_npz_fast(tmp_path_factory, raw, space, periodic):
    npz_property(tmp_path_factory, raw, space, periodic)


@settings(max_examples=FAST)
@given(frames())
def test_frame_fast(case):
    frame_property(case)


@settings(max_examples=FAST)
@given(arrays())
def test_array_fast(case):
    array_property(case)


@pytest.mark.slow
@settings(max_examples=whole(1000))
@given(raw=csv_bytes(), options=csv_options())
def test_csv_whole(tmp_path_factory, raw, options):
    csv_property(tmp_path_factory, raw, options)


@pytest.mark.slow
@settings(max_examples=whole(500))
@given(raw=npz_bytes(), space=SPACES, periodic=PERIODIC)
def test_npz_whole(tmp_path_factory, raw, space, periodic):
    npz_property(tmp_path_factory, raw, space, periodic)


@pytest.mark.slow
@settings(max_examples=whole(500))
@given(frames())
def test_frame_whole(case):
    frame_property(case)


@pytest.mark.slow
@settings(max_examples=whole(500))
@given(arrays())
def test_array_whole(case):
    array_property(case)
