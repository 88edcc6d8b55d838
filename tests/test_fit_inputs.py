"""What ``Discoverer.fit`` accepts: a Dataset, a DataFrame, arrays with ``t=``, lists of arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import discover
from discover.core.errors import DataError, DiscoverError
from discover.systems import generate, get_system

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lotka_volterra.csv"


def _text(model):
    return {k: str(v) for k, v in model.equations_.items()}


def test_a_dataframe_gives_the_equations_of_the_csv():
    from_csv = discover.Discoverer(random_state=0).fit(discover.load_csv(EXAMPLE))
    from_frame = discover.Discoverer(random_state=0).fit(pd.read_csv(EXAMPLE))
    assert _text(from_frame) == _text(from_csv)
    assert set(from_frame.equations_) == {"x", "y"}
    assert from_frame.result_.time_name == "t"


def test_a_dataframe_indexed_by_time_with_chosen_states():
    df = pd.read_csv(EXAMPLE)
    df = df[df["trajectory"] == df["trajectory"].iloc[0]].drop(columns="trajectory").set_index("t")
    df["noise"] = np.random.default_rng(0).normal(size=len(df))
    from discover.data.frames import from_frame

    data = from_frame(df, states=["x", "y"])
    assert data.names == ("x", "y") and len(data.trajectories) == 1


def test_arrays_with_t_recover_a_simple_system():
    # rates whose ratio is not an integer: with -0.5 and -1.5, b = a**3/8 on this one run, and
    # db/dt = -1.5*b and db/dt = -0.1875*a**3 fit it equally (the data cannot tell them apart)
    t = np.linspace(0, 4, 400)
    x = np.column_stack([2.0 * np.exp(-0.5 * t), np.exp(-1.2 * t)])
    model = discover.Discoverer(methods="sindy", random_state=0).fit(x, t=t, feature_names=["a", "b"])
    assert model.names_ == ("a", "b")
    a, b = (model.equations_[n] for n in ("a", "b"))
    import sympy as sp

    A, B = sp.symbols("a b")
    assert abs(float(a.coeff(A)) + 0.5) < 0.01 and abs(float(b.coeff(B)) + 1.2) < 0.02
    assert a.free_symbols == {A} and b.free_symbols == {B}


def test_a_list_of_arrays_is_several_runs():
    data = generate(get_system("lotka_volterra"), points=300, trajectories=3, seed=1)
    xs = [tr.x for tr in data.trajectories]
    ts = [tr.t for tr in data.trajectories]
    from discover.data.inputs import as_dataset

    ds = as_dataset(xs, t=ts, feature_names=["prey", "predator"])
    assert len(ds.trajectories) == 3 and ds.names == ("prey", "predator")
    model = discover.Discoverer(methods="sindy", random_state=0).fit(xs, t=ts)
    assert set(model.equations_) == {"x0", "x1"}
    assert model.best_.scores["short_r2"] > 0.99


@pytest.mark.parametrize("case, match", [
    ("nan", "NaN"),
    ("lengths", "has 50 rows of states but `t` has 49 times"),
    ("names", "`feature_names` gives 3 names but `X` has 2 state columns"),
    ("no_t", "needs its times"),
    ("text", "numbers only"),
    ("runs", "list of 2 arrays"),
    ("frame_time", "no time column 'tt'"),
    ("frame_text", "Column 'x' in the DataFrame is not numeric \\(row 49 holds 'oops'\\)"),
])
def test_bad_inputs_are_one_sentence(case, match):
    t = np.linspace(0, 1, 50)
    x = np.column_stack([np.sin(t), np.cos(t)])
    calls = {
        "nan": lambda: (np.where(np.arange(50)[:, None] == 7, np.nan, x), {"t": t}),
        "lengths": lambda: (x, {"t": t[:-1]}),
        "names": lambda: (x, {"t": t, "feature_names": ["a", "b", "c"]}),
        "no_t": lambda: (x, {}),
        "text": lambda: ([["a", "b"]] * 50, {"t": t}),
        "runs": lambda: ([x, x], {"t": [t]}),
        "frame_time": lambda: (pd.DataFrame({"s": t, "x": x[:, 0]}), {"t": "tt"}),
        "frame_text": lambda: (pd.DataFrame({"t": t, "x": ["1"] * 49 + ["oops"]}), {}),
    }
    X, kw = calls[case]()
    with pytest.raises(DiscoverError, match=match) as info:
        discover.Discoverer(methods="sindy").fit(X, **kw)
    assert isinstance(info.value, DataError)
    assert "\n" not in str(info.value)
