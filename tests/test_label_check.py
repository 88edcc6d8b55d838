"""One label check for every way a name comes in (issue 31): a CSV header, a DataFrame,
`fit(feature_names=...)`, the keys of `inputs`, a run label, `--space`; control characters (escape
sequences, BEL), line breaks and bidirectional overrides are refused with one sentence."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import discover
from cli.main import app
from discover.core.errors import DataError
from discover.core.labels import MAX_LABEL, label_problem
from discover.data import load_csv
from discover.fields.io import load_fields

HOSTILE = ["x\x1b[31m", "x\x07", "x\ny", "x\ry", "x\u202e", "\u2066x", "x\u2028y", "x\x00", "y\u200f"]
FINE = ["x", "λ", "S [mM]", "e\u0301", "x_1", "\U0001f468\u200d\U0001f4bb", "<b>x</b>", "x" * MAX_LABEL]

t = np.linspace(0, 6, 120)
X = np.column_stack([np.sin(t), np.cos(1.3 * t)])


@pytest.mark.parametrize("name", FINE)
def test_ordinary_names_are_labels(name):
    assert label_problem(name) is None


@pytest.mark.parametrize("name", HOSTILE)
def test_feature_names_are_checked(name):
    with pytest.raises(DataError, match="rename it") as info:
        discover.Discoverer(methods="sindy").fit(X, t=t, feature_names=[name, "y0"])
    assert "\n" not in str(info.value) and "\x1b" not in str(info.value)


@pytest.mark.parametrize("name", HOSTILE)
def test_input_names_are_checked(name):
    with pytest.raises(DataError, match="rename it"):
        discover.Discoverer(methods="sindy").fit(X, t=t, inputs={name: np.cos(t)})


@pytest.mark.parametrize("name", ["x\u202e", "\u2067y", "x\x1b[2J"])
def test_csv_and_dataframe_columns_are_checked(name, tmp_path):
    df = pd.DataFrame({"t": t, name: X[:, 0], "y": X[:, 1]})
    df.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(DataError, match="Column 2 .* rename it"):
        load_csv(tmp_path / "d.csv")
    with pytest.raises(DataError, match="Column 2 .* rename it"):
        discover.Discoverer(methods="sindy").fit(df)


def test_a_run_label_is_checked(tmp_path):
    df = pd.DataFrame({"trajectory": ["a\u202e"] * 60 + ["b"] * 60, "t": np.r_[t[:60], t[:60]], "x": X[:, 0],
                       "y": X[:, 1]})
    df.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(DataError, match="A run in .* bidirectional"):
        load_csv(tmp_path / "d.csv")


def test_a_long_name_in_a_dataframe_is_refused():
    df = pd.DataFrame({"t": t, "x" * 5_000_000: X[:, 0], "y": X[:, 1]})
    with pytest.raises(DataError, match="5000000 characters long") as info:
        discover.Discoverer(methods="sindy").fit(df)
    assert len(str(info.value)) < 600


def test_the_space_option_of_a_field_is_checked(tmp_path):
    tt = np.linspace(0, 1, 20)
    xx = np.linspace(0, 1, 16, endpoint=False)
    np.savez(tmp_path / "f.npz", t=tt, x=xx, u=np.sin(2 * np.pi * (xx[None] - tt[:, None])))
    with pytest.raises(DataError, match="spatial coordinate"):
        load_fields(tmp_path / "f.npz", space="x\x1b[31m")


def test_the_cli_refuses_a_bidi_column_with_exit_2(tmp_path):
    pd.DataFrame({"t": t, "x\u202e": X[:, 0], "y": X[:, 1]}).to_csv(tmp_path / "d.csv", index=False)
    r = CliRunner().invoke(app, ["run", str(tmp_path / "d.csv"), "--methods", "sindy", "--no-figures", "--out",
                                 str(tmp_path / "out")])
    assert r.exit_code == 2 and "\u202e" not in r.output and "U+202E" in r.output, r.output
