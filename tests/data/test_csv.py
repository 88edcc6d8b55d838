import numpy as np
import pytest

import discover
from discover.core.errors import DataError, DiscoverError
from discover.data import Dataset, MissingValuesWarning


def test_trajectory_column_and_time_detection(write_system):
    path, system = write_system("lotka_volterra", trajectories=3, points=200)
    data = discover.load_csv(path)
    assert data.names == ("x", "y")
    assert data.time_name == "t"
    assert len(data.trajectories) == 3
    assert all(len(tr) == 200 for tr in data.trajectories)


def test_several_files_are_several_runs(write_system, tmp_path):
    p1, _ = write_system("vanderpol", trajectories=1, points=100, seed=1)
    p2, _ = write_system("vanderpol", trajectories=1, points=150, seed=2)
    p2 = p2.rename(tmp_path / "second.csv")
    data = discover.load_csv([p1, p2])
    assert [len(tr) for tr in data.trajectories] == [100, 150]
    assert data.source == (str(p1), str(p2))


def test_states_selection_and_named_time(csv):
    t = np.linspace(0, 1, 20)
    text = "Time,a,b,c\n" + "\n".join(f"{v},{np.sin(v)},{v * v},{np.cos(v)}" for v in t)
    data = discover.load_csv(csv(text), states="c,a")
    assert data.names == ("c", "a") and data.time_name == "Time"
    data = discover.load_csv(csv(text.replace("Time", "clock")), time="clock")
    assert data.n_states == 3


def test_missing_values_warn_with_count(csv):
    t = np.linspace(0, 1, 30)
    rows = [f"{v},{np.sin(v)},{np.cos(v)}" for v in t]
    rows[4] = f"{t[4]},,{np.cos(t[4])}"
    rows[7] = f"{t[7]},{np.sin(t[7])},NaN"
    rows[8] = f"{t[8]},{np.sin(t[8])},"
    with pytest.warns(MissingValuesWarning, match="Dropped 3 rows"):
        data = discover.load_csv(csv("t,x,y\n" + "\n".join(rows)))
    assert data.n_samples == 27 and data.dropped_rows == 3


def test_entirely_empty_column_is_an_error(csv):
    t = np.linspace(0, 1, 30)
    text = "t,x,e\n" + "\n".join(f"{v},{np.sin(v)}," for v in t)
    with pytest.raises(DataError, match="'e'.*entirely empty"):
        discover.load_csv(csv(text))


def test_uneven_spacing_is_kept(write_system):
    path, _ = write_system("lorenz", trajectories=1, points=300, uneven=True)
    data = discover.load_csv(path)
    dt = np.diff(data.trajectories[0].t)
    assert dt.std() / dt.mean() > 0.3


def _rows(sep=",", decimal=".", n=30):
    t = np.linspace(0, 3, n)
    return [sep.join(f"{v:.6f}".replace(".", decimal) for v in (a, np.sin(a), np.cos(a))) for a in t]


@pytest.mark.parametrize("sep,decimal,how", [(";", ".", "semicolons"), (";", ",", "semicolons with decimal commas"),
                                             ("\t", ".", "tabs"), ("\t", ",", "tabs with decimal commas")])
def test_semicolons_and_tabs_are_read_with_a_warning(tmp_path, sep, decimal, how):
    from discover.data import InputFormatWarning

    path = tmp_path / "d.csv"
    path.write_text(sep.join(["t", "x [mM, 37 C]", "y"]) + "\n" + "\n".join(_rows(sep, decimal)) + "\n")
    with pytest.warns(InputFormatWarning, match=f"separated by {how}"):
        data = discover.load_csv(path)
    assert data.names == ("x [mM, 37 C]", "y")
    np.testing.assert_allclose(data.trajectories[0].x[:, 0], np.sin(data.trajectories[0].t), atol=1e-6)


def test_excel_sep_line_and_whitespace_tables(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("sep=;\nt;x;y\n" + "\n".join(_rows(";")) + "\n")
    with pytest.warns(UserWarning, match="separated by semicolons"):
        assert discover.load_csv(p).names == ("x", "y")
    p.write_text("t   x   y\n" + "\n".join(_rows("   ")) + "\n")
    with pytest.warns(UserWarning, match="separated by spaces"):
        assert discover.load_csv(p).names == ("x", "y")


@pytest.mark.parametrize("encoding,what", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16 text without"),
                                           ("latin-1", "read it as Latin-1")])
def test_utf16_and_latin1_are_read_with_a_warning(tmp_path, encoding, what):
    path = tmp_path / "d.csv"
    path.write_bytes(("t,µ [mM],y\n" + "\n".join(_rows()) + "\n").encode(encoding))
    with pytest.warns(UserWarning, match=what):
        data = discover.load_csv(path)
    assert data.names == ("µ [mM]", "y")


def test_utf8_bom_and_crlf_are_plain(tmp_path, recwarn):
    path = tmp_path / "d.csv"
    path.write_bytes(("t,x,y\r\n" + "\r\n".join(_rows()) + "\r\n").encode("utf-8-sig"))
    assert discover.load_csv(path).names == ("x", "y")
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]


@pytest.mark.parametrize("header,words", [
    ("t,x,x ", "two columns named 'x' (columns 2 and 3 once surrounding spaces are removed)"),
    ("t,\u00e9,e\u0301", "two columns named 'é'"),
    ("t,,y", "Column 2 of"),
    ('t,"a\nb",y', "line break or control character ('a\\nb')"),
    ("1.5,1.5,2", "no header row"),
])
def test_header_problems_are_named(tmp_path, header, words):
    path = tmp_path / "d.csv"
    path.write_text(header + "\n" + "\n".join(_rows()) + "\n")
    with pytest.raises(DataError) as info:
        discover.load_csv(path)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_an_unnamed_empty_trailing_column_is_ignored(csv):
    assert discover.load_csv(csv("t,x,y,\n" + "\n".join(r + "," for r in _rows()) + "\n")).names == ("x", "y")


@pytest.mark.parametrize("cell,words", [("inf", "infinity or a number too large for a float at row 6"),
                                        ("1e999", "too large for a float"), ("1,5", "Row 6 of")])
def test_bad_cells_are_named(csv, cell, words):
    rows = _rows()
    rows[4] = rows[4].split(",")[0] + "," + cell + ",0.5"
    with pytest.raises(DataError, match=words.replace("(", r"\(").replace(")", r"\)")):
        discover.load_csv(csv("t,x,y\n" + "\n".join(rows) + "\n"))


def test_empty_states_or_time_are_errors(csv):
    path = csv("t,x,y\n" + "\n".join(_rows()) + "\n")
    for states in ("", ",", []):
        with pytest.raises(DiscoverError, match="`--states` is empty"):
            discover.load_csv(path, states=states)
    with pytest.raises(DataError, match="`--time` is empty"):
        discover.load_csv(path, time=" ")


@pytest.mark.parametrize("scale,words", [(1e60, "values up to"), (1e-60, "varies by only")])
def test_magnitudes_beyond_the_fit_are_refused(scale, words):
    t = np.linspace(0, 3, 40)
    x = np.column_stack([np.sin(t), np.cos(t)]) * scale
    with pytest.raises(DataError, match=words):
        Dataset.from_arrays(t, x, ["x", "y"])
    Dataset.from_arrays(t, x / scale * 1e40, ["x", "y"])  # within bounds: fine
