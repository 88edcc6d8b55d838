"""The design box: parsed from text without evaluating it, checked, and its default."""

import pytest

from discover.core.designbox import check_names, default_box, parse_design_box
from discover.core.errors import ConfigError


def test_text_lists_and_dicts_give_the_same_box():
    assert parse_design_box("x: 0..10, y: -1.5..2e3") == {"x": (0.0, 10.0), "y": (-1.5, 2000.0)}
    assert parse_design_box(["x: 0..10", "y: -1.5..2e3"]) == parse_design_box({"x": (0, 10), "y": (-1.5, 2000)})
    # a label is data: brackets, spaces and colons before the last one belong to it
    assert parse_design_box("S [mM]: .5..2") == {"S [mM]": (0.5, 2.0)}
    assert parse_design_box(None) == {}


@pytest.mark.parametrize("bad, words", [
    ("x 0..10", "no colon"), ("x: 10..0", "not below"), ("x: a..2", "not a finite number"),
    ("x: __import__('os')..2", "not a finite number"), ("x: 0..1, x: 2..3", "twice"), ("x: 0..inf", "finite"),
    ("x: 0-10", "NAME: LOW..HIGH"),
])
def test_a_bad_box_is_one_sentence(bad, words):
    with pytest.raises(ConfigError, match=words):
        parse_design_box(bad)


def test_a_box_naming_an_unknown_state_is_refused():
    with pytest.raises(ConfigError, match="not a state of the data"):
        check_names({"q": (0, 1)}, ["x", "y"])


def test_the_default_doubles_the_range_away_from_zero_and_keeps_the_signs():
    assert default_box(6.0, 7.7) == (0.0, 15.4)  # positive data: never below zero
    assert default_box(-3.0, -1.0) == (-6.0, 0.0)
    assert default_box(-2.0, 5.0) == (-4.0, 10.0)
    lo, hi = default_box(0.0, 0.0)
    assert lo < 0.0 < hi
