"""Every numeric setting of every plug-in, and every numeric option, has a range and a one-sentence refusal.

A value outside it used to crash the process (`[sr] population_size = 0`: a segmentation fault),
exhaust memory (`bootstrap = 1e9`), run without end (`[sr] max_length = 1e6`), or be taken
silently (`thresholds = [nan, inf, -1]`).
"""

from __future__ import annotations

import dataclasses
import typing

import pytest
from typer.testing import CliRunner

from cli.main import app
from discover.core.errors import ConfigError
from discover.core.registry import declared, settings_from

runner = CliRunner()


def _settings_classes():
    """(table, Settings dataclass) of every registered plug-in, and of the [delay] and [pde_pinn] tables."""
    from discover.delay import REGISTRY as DELAYS
    from discover.delay.base import DelaySettings
    from discover.distillers import REGISTRY as DISTILLERS
    from discover.fields.hidden import HiddenPDEConfig
    from discover.surrogates import REGISTRY as SURROGATES

    out = [("delay", DelaySettings), ("pde_pinn", HiddenPDEConfig)]
    for registry in (DISTILLERS, SURROGATES, DELAYS):
        for name in registry:
            settings = getattr(registry[name], "Settings", None)
            if settings is not None and dataclasses.is_dataclass(settings):
                out.append((name, settings))
    return out


def _numeric(cls, f) -> bool:
    hint = typing.get_type_hints(cls)[f.name]
    parts = typing.get_args(hint) or (hint,)
    inner = [a for p in parts for a in (typing.get_args(p) or (p,))]
    return any(a in (int, float) for a in inner)


def test_every_numeric_setting_of_every_plugin_declares_its_range():
    missing = []
    for table, cls in _settings_classes():
        ranges = declared(cls)
        for f in dataclasses.fields(cls):
            if _numeric(cls, f) and "bounds" not in ranges.get(f.name, {}):
                missing.append(f"[{table}] {f.name}")
    assert len(_settings_classes()) >= 9
    assert not missing, f"numeric settings without a declared range: {missing}"


@pytest.mark.parametrize("table, value, words", [
    ("sr", {"population_size": 0}, "'population_size' in the [sr] table must be a whole number from 1"),
    ("sr", {"population_size": 10**9}, "population_size"),
    ("sr", {"max_length": 10**6}, "max_length"),
    ("sindy", {"max_rows": 0}, "max_rows"),
    ("sindy", {"bootstrap": 10**9}, "bootstrap"),
    ("sindy", {"bootstrap": -1}, "bootstrap"),
    ("sindy", {"ridge": float("nan")}, "'ridge' in the [sindy] table must be a number"),
    ("sindy", {"thresholds": [float("nan")]}, "thresholds"),
    ("sindy", {"thresholds": [float("inf")]}, "thresholds"),
    ("sindy", {"thresholds": [-1.0]}, "thresholds"),
    ("sindy", {"forms": ["bogus"]}, "must be one of strong, weak"),
    ("sindy", {"forms": ["stong"]}, "did you mean 'strong'"),
    ("sindy", {"degrees": []}, "is empty"),
    ("pinn", {"width": 10**6}, "width"),
    ("pinn", {"adam_steps": 10**9}, "adam_steps"),
    ("node", {"solver": "rk5"}, "did you mean 'rk4'"),
])
def test_settings_out_of_range_are_refused_with_one_sentence(table, value, words):
    cls = dict(_settings_classes())[table]
    with pytest.raises(ConfigError) as info:
        settings_from(cls, value, table)
    message = str(info.value)
    assert words in message and "\n" not in message


def test_a_settings_instance_built_in_python_is_checked_too():
    from discover.distillers.sindy import SindyConfig

    with pytest.raises(ConfigError, match="bootstrap"):
        settings_from(SindyConfig, SindyConfig(bootstrap=-1), "sindy")


def test_defaults_lie_within_their_declared_ranges():
    for table, cls in _settings_classes():
        assert settings_from(cls, {}, table) == cls()


def test_a_config_value_out_of_range_is_exit_2_before_any_fit(tmp_path, lotka_volterra_csv):
    lv_csv = lotka_volterra_csv(200, 1)
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[sr]\npopulation_size = 0\n")
    r = runner.invoke(app, ["run", str(lv_csv), "--methods", "sr", "--config", str(cfg), "-o", str(tmp_path / "r"),
                            "--no-figures"])
    assert r.exit_code == 2 and "population_size" in r.output
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("option, value", [("--trajectories", "1000000000"), ("--t-end", "1e308"),
                                           ("--points", "1000000000000"), ("--noise", "1e308"), ("--noise", "nan"),
                                           ("--t-end", "inf")])
def test_generate_options_out_of_range_are_exit_2(tmp_path, option, value):
    r = runner.invoke(app, ["generate", "lotka_volterra", "-o", str(tmp_path / "g.csv"), option, value])
    assert r.exit_code == 2, r.output
    assert option in r.output and not (tmp_path / "g.csv").exists()


@pytest.mark.parametrize("option, value", [("--points", "1000000000000"), ("--noise", "1e308"),
                                           ("--positions", "3"), ("--t-end", "1e308")])
def test_generate_pde_options_out_of_range_are_exit_2(tmp_path, option, value):
    r = runner.invoke(app, ["generate", "burgers", "-o", str(tmp_path / "g.csv"), option, value])
    assert r.exit_code == 2, r.output
    assert option in r.output and not (tmp_path / "g.csv").exists()


@pytest.mark.parametrize("args", [["prose", "eval", "--beam", "0"], ["prose", "eval", "--noise", "nan"],
                                  ["prose", "train", "-o", "x.pt", "--lr", "nan"],
                                  ["prose", "train", "-o", "x.pt", "--batch", "1000000000"],
                                  ["prose", "train", "-o", "x.pt", "--minutes", "inf"]])
def test_prose_options_out_of_range_are_exit_2(args):
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and "must be" in r.output, r.output


def test_batch_timeout_must_be_finite(tmp_path, lotka_volterra_csv):
    r = runner.invoke(app, ["batch", str(lotka_volterra_csv(200, 1)), "-o", str(tmp_path / "b"), "--timeout", "inf"])
    assert r.exit_code == 2 and "--timeout" in r.output
