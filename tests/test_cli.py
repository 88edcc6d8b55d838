from typer.testing import CliRunner

import discover
from cli.main import app

runner = CliRunner()


def test_systems_lists_every_reference_system():
    r = runner.invoke(app, ["systems"])
    assert r.exit_code == 0
    for name in ["lorenz", "rossler", "lotka_volterra", "vanderpol", "duffing", "pendulum", "sir", "logistic",
                 "brusselator", "michaelis_menten"]:
        assert name in r.output


def test_generate_writes_input_format(tmp_path):
    out = tmp_path / "d.csv"
    r = runner.invoke(app, ["generate", "lorenz", "--noise", "0.01", "--points", "200", "--trajectories", "3",
                            "--seed", "0", "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = discover.load_csv(out)
    assert len(data.trajectories) == 3 and data.names == ("x", "y", "z")
    assert data.n_samples == 600


def test_generate_is_seeded(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for p in (a, b):
        runner.invoke(app, ["generate", "vanderpol", "--noise", "0.05", "--points", "50", "--seed", "7", "-o", str(p)])
    assert a.read_text() == b.read_text()


def test_generate_unknown_system(tmp_path):
    r = runner.invoke(app, ["generate", "lorentz", "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 2 and "did you mean 'lorenz'" in r.output


def test_help_is_understandable():
    r = runner.invoke(app, ["run", "--help"])
    assert r.exit_code == 0 and "--methods" in r.output and "--states" in r.output


def test_help_shows_every_bracketed_table_name():
    """rich read `[run]`, `[sindy]` in option help as markup and dropped them."""
    import re

    import click
    import typer

    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            continue
        r = runner.invoke(app, [name, "--help"], terminal_width=400, env={"COLUMNS": "400"})
        assert r.exit_code == 0, (name, r.output)
        shown = " ".join(r.output.split())
        for param in command.params:
            for table in re.findall(r"\[[a-z_]+\]", getattr(param, "help", None) or ""):
                assert table in shown, (name, param.name, table)
