"""Every kind of bad input gives exit status 2 and one sentence that names the problem."""

from typer.testing import CliRunner

from cli.main import app
from tests.conftest import ramp_csv

runner = CliRunner()


def run_cli(*args):
    return runner.invoke(app, ["run", *map(str, args)])


def one_sentence(result):
    text = result.output.strip()
    assert "Traceback" not in text
    assert text.startswith("Error:"), text
    return " ".join(text.split())


def test_missing_file(tmp_path):
    r = run_cli(tmp_path / "nope.csv", "--out", tmp_path / "o")
    assert r.exit_code == 2
    assert "does not exist" in one_sentence(r)


def test_empty_file(csv, tmp_path):
    r = run_cli(csv(""), "--out", tmp_path / "o")
    assert r.exit_code == 2 and "is empty" in one_sentence(r)


def test_no_header(csv, tmp_path):
    r = run_cli(csv("0,1,2\n1,2,3\n2,3,5\n"), "--out", tmp_path / "o")
    assert r.exit_code == 2 and "no header row" in one_sentence(r)


def test_no_time_column(csv, tmp_path):
    r = run_cli(csv(ramp_csv(cols="s,x,y")), "--out", tmp_path / "o")
    msg = one_sentence(r)
    assert r.exit_code == 2 and "no time column" in msg and "--time" in msg


def test_named_time_column_missing(csv, tmp_path):
    r = run_cli(csv(ramp_csv()), "--time", "tim", "--out", tmp_path / "o")
    assert r.exit_code == 2 and "did you mean 'time'" not in one_sentence(r)  # suggests from real columns
    assert "no time column 'tim'" in one_sentence(r)


def test_non_numeric_column(csv, tmp_path):
    lines = ramp_csv().splitlines()
    lines[5] = lines[5].split(",")[0] + ",oops," + lines[5].split(",")[2]
    r = run_cli(csv("\n".join(lines)), "--out", tmp_path / "o")
    msg = one_sentence(r)
    assert r.exit_code == 2 and "'x'" in msg and "not numeric" in msg and "row 6" in msg


def test_constant_column(csv, tmp_path):
    lines = ["t,x,c"] + [f"{i * 0.1:.2f},{i * i * 0.01:.3f},5" for i in range(30)]
    r = run_cli(csv("\n".join(lines)), "--out", tmp_path / "o")
    msg = one_sentence(r)
    assert r.exit_code == 2 and "'c'" in msg and "constant" in msg


def test_time_not_increasing(csv, tmp_path):
    lines = ramp_csv().splitlines()
    lines[10], lines[11] = lines[11], lines[10]
    r = run_cli(csv("\n".join(lines)), "--out", tmp_path / "o")
    msg = one_sentence(r)
    assert r.exit_code == 2 and "time goes backwards" in msg


def test_duplicated_time(csv, tmp_path):
    lines = ramp_csv().splitlines()
    lines.insert(8, lines[7])
    r = run_cli(csv("\n".join(lines)), "--out", tmp_path / "o")
    msg = one_sentence(r)
    assert r.exit_code == 2 and "twice" in msg


def test_too_few_points(csv, tmp_path):
    r = run_cli(csv(ramp_csv(n=6)), "--out", tmp_path / "o")
    msg = one_sentence(r)
    assert r.exit_code == 2 and "6 points" in msg and "at least 10" in msg


def test_too_few_points_in_one_trajectory(csv, tmp_path):
    rows = ["trajectory,t,x,y"]
    rows += [f"a,{i * 0.1:.2f},{i * 0.3 + i * i * 0.01:.3f},{(i % 7) * 0.2:.2f}" for i in range(30)]
    rows += [f"b,{i * 0.1:.2f},{i * 0.2:.3f},{i * 0.1 + 1:.2f}" for i in range(5)]
    r = run_cli(csv("\n".join(rows)), "--out", tmp_path / "o")
    msg = one_sentence(r)
    assert r.exit_code == 2 and "trajectory 'b'" in msg


def test_unknown_state(csv, tmp_path):
    r = run_cli(csv(ramp_csv()), "--states", "x,yy", "--out", tmp_path / "o")
    msg = one_sentence(r)
    assert r.exit_code == 2 and "Unknown state 'yy'" in msg and "did you mean 'y'" in msg


def test_nan_rows_dropped_with_warning(csv, tmp_path):
    lines = ramp_csv(n=60).splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ","
    lines[9] = lines[9].split(",")[0] + ",,0.5"
    r = runner.invoke(app, ["run", str(csv("\n".join(lines))), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    assert "Dropped 2 rows with missing values" in r.output


def test_unknown_option(csv, tmp_path):
    r = runner.invoke(app, ["run", str(csv(ramp_csv())), "--bogus", "1"])
    assert r.exit_code == 2
    assert "No such option" in r.output and "Traceback" not in r.output


def test_unknown_method(csv, tmp_path):
    r = run_cli(csv(ramp_csv()), "--methods", "sindyy", "--out", tmp_path / "o")
    msg = one_sentence(r)
    assert r.exit_code == 2 and "Unknown method 'sindyy'" in msg and "did you mean 'sindy'" in msg


def test_failed_run_keeps_previous_report(csv, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "report.md").write_text("a good report")
    r = run_cli(csv(ramp_csv(n=6)), "--out", out)
    assert r.exit_code == 2
    assert (out / "report.md").read_text() == "a good report"


def test_bad_config(tmp_path, csv):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[run]\nmethod = 'sindy'\n")
    r = run_cli(csv(ramp_csv()), "--config", cfg, "--out", tmp_path / "o")
    msg = one_sentence(r)
    assert r.exit_code == 2 and "Unknown setting 'method'" in msg and "did you mean 'methods'" in msg


def test_malformed_known_part(tmp_path, csv):
    path = csv("t,x,y\n" + "\n".join(f"{i * 0.1},{1 + i * 0.01},{2 - i * 0.02}" for i in range(30)))
    r = run_cli(path, "--out", tmp_path / "o", "--methods", "pinn", "--known", "x: foo(x)")
    assert r.exit_code == 2 and "unknown function 'foo'" in one_sentence(r)
    r = run_cli(path, "--out", tmp_path / "o", "--methods", "pinn", "--known", "x: a*x", "--param", "q=1")
    assert r.exit_code == 2 and "names no parameter" in one_sentence(r)
    r = run_cli(path, "--out", tmp_path / "o", "--known", "x: a*x")
    assert r.exit_code == 2 and "methods pinn" in one_sentence(r)
    assert not (tmp_path / "o").exists()
