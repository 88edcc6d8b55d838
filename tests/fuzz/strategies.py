"""Generators of bad and odd inputs for the fuzz suite: CSV bytes, .npz archives, DataFrames and arrays.

Each starts, more often than not, from something close to a valid input (a time column, a few
smooth states, a field on a grid) and damages or bends it, so that both the refusals deep in the
loaders and the paths that succeed are reached. Everything is drawn by hypothesis (seeded and
derandomised by the profiles of tests/conftest.py).
"""

from __future__ import annotations

import codecs
import io
import zipfile

import numpy as np
import pandas as pd
from hypothesis import strategies as st

NAMES = ["x", "y", "z", "t", "time", "T", "trajectory", "run", "u", "x ", "", " ", "λ", "e\u0301", "S [mM]", "1.5",
         "nan", "a,b", "a;b", 'q"uote', "tab\there", "line\nbreak", "\ufeffbom", "x\u202e", "\u2066y", "\x1b[31mred",
         "bell\x07", "__import__('os')", "<script>", "$x$", "=1+1", "sin", "E", "I", "x" * 300, "x" * 200]
CELLS = ["", " ", "nan", "NaN", "inf", "-inf", "Infinity", "1e999", "1e308", "-1e308", "1e-320", "9" * 400, "abc",
         "1,5", "0x10", "--1", '"', "NULL", "1.5.2", "\u00a0", "１２", "1e-400", "1e300", "-0", "+1", ".5", "5.",
         "1_000", "TRUE", "#N/A", "\x00", "\u202e1"]
FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-1e3, 1e3),
                   st.sampled_from([0.0, 1.0, -1.0, 1e300, -1e300, 1e-300, 5e-324, np.nan, np.inf, -np.inf]))


def sometimes(draw, tenths: int) -> bool:
    """True in about ``tenths`` draws out of ten."""
    return draw(st.integers(0, 9)) < tenths


def _smooth(n: int, k: int, scale: float, draw) -> tuple[np.ndarray, np.ndarray]:
    steps = np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n))) if n else np.zeros(0)
    t = np.cumsum(steps)
    x = np.sin(t[:, None] * (1 + np.arange(k))[None, :] + np.arange(k)[None, :]) * scale
    return t, x


@st.composite
def csv_bytes(draw, max_rows: int = 80):
    """The bytes of a CSV file: a table written in some dialect, then damaged at the text or byte level."""
    n = draw(st.integers(12, max_rows)) if sometimes(draw, 7) else draw(st.integers(0, max_rows))
    k = draw(st.integers(1, 4))
    scale = draw(st.sampled_from([1.0, 1.0, 1.0, 1.0, 1e-30, 1e45, 1e60, 1e300, 1e-300]))
    t, x = _smooth(n, k, scale, draw)
    names = [draw(st.sampled_from(["t", "t", "t", "time", "Time", "T", "x"]))]
    odd = sometimes(draw, 4)
    names += [draw(st.one_of(st.sampled_from(NAMES), st.text(min_size=0, max_size=8))) if odd and sometimes(draw, 5)
              else f"{draw(st.sampled_from(['x', 'y', 'z', 'w', 'S', 'λ']))}{j}" for j in range(k)]
    rows = [[repr(float(a))] + [f"{float(v):.8g}" for v in xi] for a, xi in zip(t, x)]
    if sometimes(draw, 3):  # a trajectory column
        labels = ["a", "b", "", "nan", "r\u202e", "x\n", "1"] if odd else ["a", "b", "1", "run 2"]
        runs = draw(st.lists(st.sampled_from(labels), min_size=1, max_size=3))
        names = ["trajectory"] + names
        rows = [[runs[i % len(runs)]] + r for i, r in enumerate(rows)]
    for _ in range(draw(st.integers(0, 4)) if sometimes(draw, 4) else 0):  # cell damage
        if rows:
            i = draw(st.integers(0, len(rows) - 1))
            j = draw(st.integers(0, len(rows[i]) - 1))
            rows[i][j] = draw(st.sampled_from(CELLS))
    sep = draw(st.sampled_from([","] * 8 + [";", "\t", " ", "|"]))
    lines = [sep.join(names)] + [sep.join(r) for r in rows]
    if sometimes(draw, 3) and len(lines) > 1:  # line damage: duplicated, dropped, shuffled, ragged, junk
        kind = draw(st.integers(0, 5))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == 0:
            lines.insert(i, lines[i])
        elif kind == 1:
            del lines[i]
        elif kind == 2:
            lines = [lines[0]] + draw(st.permutations(lines[1:]))
        elif kind == 3:
            lines[i] += sep + "7"
        elif kind == 4:
            lines.insert(i, draw(st.text(max_size=40)))
        else:
            lines = lines[: i + 1]
    if draw(st.integers(0, 4)) == 0:
        lines.insert(0, f"sep={sep}")
    if draw(st.integers(0, 5)) == 0:
        lines.insert(0, "")
    if sometimes(draw, 1):  # a separator ending every line (some exporters write one)
        lines = [ln + sep for ln in lines]
    text = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"])).join(lines) + draw(st.sampled_from(["\n", ""]))
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "utf-16", "utf-16-le", "latin-1", "utf-32"]))
    raw = text.encode(encoding, errors="replace")
    if sometimes(draw, 2):  # byte damage
        kind = draw(st.integers(0, 4))
        pos = draw(st.integers(0, len(raw)))
        if kind == 0:
            raw = raw[:pos] + draw(st.binary(min_size=1, max_size=16)) + raw[pos:]
        elif kind == 1:
            raw = raw[:pos]
        elif kind == 2:
            raw = raw[:pos] + raw[pos + draw(st.integers(1, 20)):]
        elif kind == 3:
            raw = draw(st.sampled_from([b"PK\x03\x04", b"\x1f\x8b", b"%PDF", codecs.BOM_UTF16_LE, b"\x00\x00"])) + raw
        else:
            raw = draw(st.binary(max_size=200))
    return raw


@st.composite
def csv_options(draw):
    """Keyword arguments of ``load_csv``: mostly none, sometimes odd names."""
    if sometimes(draw, 7):
        return {}
    pick = st.one_of(st.none(), st.none(), st.sampled_from(["x0", "y1", "t", "", ",", "x0,x0", "nope", "x\x1b"]))
    return {"time": draw(st.one_of(st.none(), st.none(), st.sampled_from(["t", "time", "x0", "", "nope"]))),
            "states": draw(pick), "inputs": draw(pick)}


def _array(draw, shape) -> np.ndarray:
    kind = draw(st.sampled_from(["float", "float", "float", "int", "bool", "complex", "str", "object", "datetime",
                                 "float32", "uint8"]))
    size = int(np.prod(shape)) if shape else 1
    values = np.array(draw(st.lists(FLOATS, min_size=size, max_size=size)), dtype=float).reshape(shape)
    if kind == "float":
        return values
    if kind == "float32":
        with np.errstate(over="ignore"):
            return values.astype(np.float32)
    if kind in ("int", "uint8", "bool"):
        return np.nan_to_num(values, posinf=1, neginf=-1).clip(-1e9, 1e9).astype(
            {"int": np.int64, "uint8": np.uint8, "bool": bool}[kind])
    if kind == "complex":
        return values + 1j
    if kind == "str":
        return values.astype(str)
    if kind == "datetime":
        return np.zeros(shape, dtype="datetime64[s]")
    out = np.empty(shape, dtype=object)
    out[...] = "a"
    return out


@st.composite
def npz_bytes(draw):
    """The bytes of an .npz field file: a field on a grid, bent or broken, or arrays of any kind, or no archive."""
    kind = draw(st.sampled_from(["field"] * 6 + ["arrays", "arrays", "broken"]))
    buf = io.BytesIO()
    if kind == "broken":
        good = io.BytesIO()
        np.savez(good, t=np.arange(12.0), x=np.arange(8.0), u=np.ones((12, 8)))
        raw = good.getvalue()
        cut = draw(st.integers(0, len(raw)))
        return draw(st.sampled_from([raw[:cut], raw[:cut] + b"\x00" * 8, b"PK\x03\x04" + raw[cut:], b""]))
    if kind == "arrays":
        arrays = {}
        for name in draw(st.lists(st.sampled_from(["t", "x", "u", "y", "v", "time", "\u202e"]), max_size=4,
                                  unique=True)):
            shape = tuple(draw(st.lists(st.integers(0, 12), max_size=3)))
            arrays[name] = _array(draw, shape)
        np.savez(buf, **arrays)
        return buf.getvalue()
    n_t, n_x = (draw(st.integers(8, 24)), draw(st.integers(8, 24))) if sometimes(draw, 8) else \
        (draw(st.integers(0, 24)), draw(st.integers(0, 24)))
    t = np.linspace(0, 1, n_t)
    x = np.linspace(0, 2 * np.pi, n_x, endpoint=False)
    u = np.sin(x[None, :] - t[:, None]) * draw(st.sampled_from([1.0, 1.0, 1e-60, 1e60, 0.0]))
    if draw(st.booleans()):
        u = np.stack([u, np.cos(u)], axis=-1)
    arrays = {"t": t, "x": x, "u": u}
    for _ in range(draw(st.integers(0, 3)) if sometimes(draw, 5) else 0):
        name = draw(st.sampled_from(["t", "x", "u"]))
        a = arrays[name]
        if a.dtype.kind != "f":  # already replaced by an array of another kind
            continue
        a = a.copy()
        change = draw(st.integers(0, 5))
        if a.size and change == 0:
            a.flat[draw(st.integers(0, a.size - 1))] = draw(FLOATS)
        elif change == 1:
            a = a[::-1]
        elif change == 2:
            a = a.reshape(-1)
        elif change == 3 and a.size:
            a = np.repeat(a, 2, axis=0)
        elif change == 4:
            a = _array(draw, a.shape)
        else:
            with np.errstate(all="ignore"):
                a = a * draw(FLOATS)
        arrays[name] = a
    if sometimes(draw, 1):
        arrays.pop(draw(st.sampled_from(["t", "x", "u"])))
    np.savez(buf, **arrays)
    return buf.getvalue()


def is_zip(raw: bytes) -> bool:
    return zipfile.is_zipfile(io.BytesIO(raw))


def _column(draw, n: int):
    kind = draw(st.sampled_from(["float"] * 12 + ["int", "bool", "str", "mixed", "none", "nullable", "category",
                                               "datetime", "timedelta", "complex", "numeric text"]))
    values = np.array(draw(st.lists(FLOATS, min_size=n, max_size=n)), dtype=float)
    smooth = np.sin(np.arange(n) * draw(st.floats(0.05, 2.0)))
    values = np.where(np.arange(n) % draw(st.integers(2, 50)) == 0, values, smooth) if sometimes(draw, 3) else smooth
    if kind == "float":
        return values
    if kind == "int":
        return np.arange(n) * draw(st.integers(-3, 3))
    if kind == "bool":
        return np.arange(n) % 2 == 0
    if kind == "str":
        return [draw(st.sampled_from(CELLS)) for _ in range(n)]
    if kind == "mixed":
        return [v if i % 3 else draw(st.sampled_from([None, "a", b"b", 1, 1.5, np.nan, [1], {"a": 1}]))
                for i, v in enumerate(values)]
    if kind == "none":
        return [None] * n
    if kind == "nullable":
        return pd.array([None if i % 4 == 0 else float(v) for i, v in enumerate(smooth)], dtype="Float64")
    if kind == "category":
        return pd.Categorical([str(i % 3) for i in range(n)])
    if kind == "datetime":
        return pd.date_range("2020-01-01", periods=n, freq="s")
    if kind == "timedelta":
        return pd.to_timedelta(np.arange(n), unit="s")
    if kind == "complex":
        return values + 1j
    return [f"{v:.6g}" for v in values]


@st.composite
def frames(draw):
    """A DataFrame and the keyword arguments of ``fit`` for it (``t``, ``feature_names``, ``inputs``)."""
    n = draw(st.integers(12, 60)) if sometimes(draw, 8) else draw(st.integers(0, 60))
    t = np.cumsum(np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n)))) if n else np.zeros(0)
    columns = {draw(st.sampled_from(["t", "t", "time", "T", "x"])): t}
    for j in range(draw(st.integers(1, 4)) if sometimes(draw, 9) else 0):
        name = draw(st.one_of(st.sampled_from(NAMES), st.sampled_from([0, 1.5, None, ("a", "b"), True, np.nan]))) \
            if sometimes(draw, 2) else f"{draw(st.sampled_from(['x', 'y', 'z', 'w']))}{j}"
        columns[name] = _column(draw, n)
    try:
        df = pd.DataFrame(columns)
    except (ValueError, TypeError):
        df = pd.DataFrame({"t": t})
    if sometimes(draw, 1) and "t" in df.columns:
        df = df.set_index("t")
    if sometimes(draw, 1) and len(df.columns) > 1:
        df.columns = pd.MultiIndex.from_tuples([(str(c), "a") for c in df.columns])
    if sometimes(draw, 1) and len(df.columns) > 1:
        df.columns = [df.columns[0]] * len(df.columns)
    names = [str(c) for c in df.columns]
    if sometimes(draw, 6):
        return df, {}
    kw = {"t": draw(st.one_of(st.none(), st.none(), st.sampled_from(["t", "time", "x", "", "nope", 1.0, None]))),
          "feature_names": draw(st.one_of(st.none(), st.none(), st.lists(st.sampled_from(names + ["nope", ""]),
                                                                          max_size=3), st.sampled_from(names + [""]))),
          "inputs": draw(st.one_of(st.none(), st.none(), st.none(), st.sampled_from(names + ["nope", ""]),
                                   st.just(np.zeros(n))))}
    return df, kw


@st.composite
def arrays(draw):
    """Arguments of ``fit`` with arrays: ``X`` (one run or a list), ``t``, ``feature_names``, ``inputs``."""
    n = draw(st.integers(12, 60)) if sometimes(draw, 8) else draw(st.integers(0, 60))
    k = draw(st.integers(1, 3)) if sometimes(draw, 9) else 0
    t, x = _smooth(n, max(k, 1), draw(st.sampled_from([1.0, 1.0, 1.0, 1e-60, 1e60, 1e300])), draw)
    x = x[:, :k] if k else x[:, 0]
    if sometimes(draw, 3) and x.size:
        x = x.copy()
        x.flat[draw(st.integers(0, x.size - 1))] = draw(FLOATS)
    if sometimes(draw, 1):
        x = _array(draw, x.shape)
    several = sometimes(draw, 2)
    X = [x, x[: max(n // 2, 0)]] if several else x
    if sometimes(draw, 5):
        return X, {"t": [t, t[: max(n // 2, 0)]] if several else t}
    t_arg = draw(st.one_of(st.just(t), st.just(t), st.floats(allow_nan=True, allow_infinity=True), st.none(),
                           st.just([t, t[: n // 2]]), st.just(t[::-1]), st.just(np.zeros(n)), st.just(t[:-1]),
                           st.just("t"), st.just(True)))
    names = draw(st.one_of(st.none(), st.lists(st.sampled_from(NAMES + [1, None]), max_size=4),
                           st.sampled_from(["x,y", "x", "", ",,"])))
    inputs = draw(st.one_of(st.none(), st.none(), st.just(np.cos(t)), st.just({"u": np.cos(t)}),
                            st.just({"x": np.cos(t)}), st.just({"u\x07": np.cos(t)}), st.just(np.full(n, 1e300)),
                            st.just([np.cos(t)]), st.just("u")))
    return X, {"t": t_arg, "feature_names": names, "inputs": inputs}
