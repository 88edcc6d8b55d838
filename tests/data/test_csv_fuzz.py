"""Property-based fuzzing of the CSV loader (hypothesis).

Every file either loads into a data set that keeps the input rules (finite floats, strictly
increasing time in every run of at least 10 points, no constant state, unique names, the
magnitudes the fit can compute with) or is refused with discover's own DataError in one
line. Files written cleanly load, with the names and numbers that were written.

Files start from a clean table (a time column, states sin-like at a random magnitude from
1e-300 to 1e300, optionally a trajectory column) in a random dialect (separator, quoting,
CRLF, BOM, UTF-16 or Latin-1) and are then damaged a random number of times: bad cells
(NaN, inf, text, empty, overflowing integers), repeated or backward times, duplicate or
empty names, constant columns, ragged rows, a missing header. `make test` runs the seeded
"fast" profile, `make test-all` the "thorough" one (tests/conftest.py).
"""

import csv
import io
import unicodedata
import warnings

import numpy as np
from hypothesis import event, given, note
from hypothesis import strategies as st

from discover.core.errors import DataError
from discover.data import load_csv
from discover.data.checks import LARGEST, SMALLEST
from discover.data.csv import RUN_NAMES, TIME_NAMES
from discover.data.dataset import MIN_POINTS

RESERVED = {*TIME_NAMES, *RUN_NAMES}
BAD_CELLS = ["", " ", "nan", "NaN", "inf", "-inf", "Infinity", "1e999", "9" * 400, "abc", "1,5", "0x10", "--1",
             '"', "NULL", "1.5.2", "\u00a0", "１２", "1e-400"]
SPECIAL_NAMES = ["x", "y", "x ", " x", "", " ", "S [mM]", "λ", "e\u0301", "\u00e9", "lambda", "E", "I", "sin",
                 "1.5", "nan", "a,b", "a;b", 'q"uote', "tab\there", "line\nbreak", "\ufeffbom", "__import__('os')",
                 "<script>", "T", "time", "trajectory", "x" * 80]


def _expected_name(name: str) -> str:
    return unicodedata.normalize("NFC", name).replace("\ufeff", "").strip()


def _clean_name(name: str) -> bool:
    """A name the loader must accept as a state column, unchanged but for stripping."""
    e = _expected_name(name)
    return bool(e) and e.lower() not in RESERVED and not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in name)


_plain = st.text("abcxyzXYZ_ 0123456789", min_size=1, max_size=6)
names = st.one_of(  # each branch about equally often: plain names more often than odd ones
    _plain,
    _plain,
    _plain,
    st.sampled_from(SPECIAL_NAMES),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=0, max_size=12),
)


@st.composite
def csv_cases(draw):
    """(bytes of a file, whether it was left clean, what a clean file must load as)."""
    n_rows = draw(st.integers(0, 200))
    n_states = draw(st.integers(1, 3))
    state_names = [draw(names) for _ in range(n_states)]
    time_name = draw(st.sampled_from(["t", "time", "Time", " t ", "T"]))
    n_runs = draw(st.sampled_from([0, 0, 1, 2, 3]))
    magnitude = 10.0 ** draw(st.sampled_from([0, 0, 0, draw(st.integers(-300, 300))]))
    t_scale = 10.0 ** draw(st.sampled_from([0, 0, 0, draw(st.integers(-300, 300))]))
    steps = np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=n_rows, max_size=n_rows)))
    sizes = [n_rows // max(n_runs, 1) + (r < n_rows % max(n_runs, 1)) for r in range(max(n_runs, 1))]
    sizes = [s for s in sizes if s]
    # every run starts its own clock, so times repeat across runs as in real files
    t = np.concatenate([np.cumsum(b) for b in np.split(steps, np.cumsum(sizes)[:-1])]) * t_scale if n_rows else steps
    phase = np.arange(n_states)[None, :]
    x = np.sin(np.cumsum(steps)[:, None] + phase) * magnitude + (2.0 * magnitude if draw(st.booleans()) else 0.0)
    fmt = draw(st.sampled_from(["{!r}", "{:.6g}", "{:.17g}", "{:e}"]))
    header = [time_name] + state_names
    rows = [[fmt.format(float(v)) for v in (ti, *xi)] for ti, xi in zip(t, x)]
    k_time = 0
    if n_runs:
        header = ["trajectory"] + header
        labels = [f"run{r}" for r, size in enumerate(sizes) for _ in range(size)]
        rows = [[lab] + r for lab, r in zip(labels, rows)]
        k_time = 1
    damage = draw(st.one_of(st.just([]), st.lists(st.integers(0, 7), min_size=1, max_size=4)))
    for kind in damage:
        if kind == 0 and rows:  # a bad cell
            i = draw(st.integers(0, len(rows) - 1))
            j = draw(st.integers(0, len(rows[i]) - 1))
            rows[i][j] = draw(st.sampled_from(BAD_CELLS))
        elif kind == 1 and len(rows) > 1:  # time repeats or goes backwards
            i = draw(st.integers(1, len(rows) - 1))
            rows[i][k_time] = rows[i - 1][k_time] if draw(st.booleans()) else rows[0][k_time]
        elif kind == 2 and n_states > 1 and header is not None:  # a name equal to another after stripping
            header[-1] = header[-2] + " "
        elif kind == 3:  # a constant column
            for r in rows:
                r[-1] = "1.5"
        elif kind == 4 and rows:  # a ragged row
            i = draw(st.integers(0, len(rows) - 1))
            rows[i] = rows[i][:-1] if draw(st.booleans()) else rows[i] + ["7"]
        elif kind == 5:  # no header
            header = None
        elif kind == 6 and rows:  # rows shuffled
            order = draw(st.permutations(range(len(rows))))
            rows = [rows[i] for i in order]
        elif kind == 7 and header is not None:  # an empty name
            header[-1] = ""
    sep = draw(st.sampled_from([",", ",", ";", "\t"]))
    decimal_comma = sep != "," and draw(st.booleans())
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, quoting=quoting, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    if header is not None:
        writer.writerow(header)
    for r in rows:
        writer.writerow([c.replace(".", ",") if decimal_comma else c for c in r])
    text = buf.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        encoding, raw = "utf-8", text.encode("utf-8")
    clean = (not damage and header is not None and min(sizes, default=0) >= MIN_POINTS
             and all(_clean_name(n) for n in state_names)
             and len({_expected_name(n) for n in state_names}) == n_states
             and 1e-40 <= magnitude <= 1e40 and 1e-40 <= t_scale <= 1e40
             and (encoding != "latin-1" or text.isascii()))
    expected = {"names": tuple(_expected_name(n) for n in state_names), "x": x, "t": t, "runs": len(sizes)}
    note(f"encoding={encoding} sep={sep!r} decimal_comma={decimal_comma} damage={damage}\n{text[:600]}")
    return raw, clean, expected


def _check_rules(ds):
    assert len(set(ds.names)) == len(ds.names)
    for n in ds.names:
        assert n == n.strip() and n and not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in n)
    for tr in ds.trajectories:
        assert len(tr) >= MIN_POINTS
        assert np.all(np.isfinite(tr.t)) and np.all(np.isfinite(tr.x))
        assert np.all(np.diff(tr.t) > 0)
        assert SMALLEST <= tr.duration <= LARGEST
        assert tr.x.shape == (len(tr), len(ds.names))
    x = ds.stacked()[1]
    assert np.all(x.max(axis=0) > x.min(axis=0))
    assert np.all(np.abs(x) <= LARGEST) and np.all(x.max(axis=0) - x.min(axis=0) >= SMALLEST)


@given(csv_cases())
def test_loader_accepts_or_refuses_in_one_line(tmp_path_factory, case):
    raw, clean, expected = case
    path = tmp_path_factory.mktemp("fuzz") / "data.csv"
    path.write_bytes(raw)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            ds = load_csv(path)
    except DataError as exc:
        message = str(exc)
        note(message)
        event("refused: " + " ".join(w for w in message.split() if not w.startswith(("'", "(", "0", "1", "2", "3", "4",
                                                                                     "5", "6", "7", "8", "9")))[:60])
        assert message and len(message) < 600
        assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in message), "not one line"
        assert "Traceback" not in message
        assert not clean, f"a clean file was refused: {message}"
        return
    _check_rules(ds)
    event("loaded, clean" if clean else "loaded, damaged or unusual")
    if clean:
        assert ds.names == expected["names"]
        assert len(ds.trajectories) == expected["runs"]
        np.testing.assert_allclose(ds.stacked()[1], expected["x"], rtol=1e-5)
        np.testing.assert_allclose(ds.stacked()[0], expected["t"], rtol=1e-5)
