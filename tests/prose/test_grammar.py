"""Tokens of the PROSE model: every reference system survives encode -> decode."""

import numpy as np
import pytest
import sympy as sp

from discover.core.structure import compare
from discover.prose.grammar import VOCAB, decode_number, encode_number, from_sympy, parse_tokens, system_tokens, to_sympy
from discover.systems import SYSTEMS
from discover.systems.biology import BIOLOGY


@pytest.mark.parametrize("name", sorted(n for n, s in SYSTEMS.items() if not s.inputs))
def test_reference_systems_round_trip(name):
    system = SYSTEMS[name]
    truth = system.equations()
    try:
        ref = from_sympy([truth[v] for v in system.variables], system.variables)
    except ValueError:
        if name in {s.name for s in BIOLOGY}:
            pytest.skip("a Hill, Holling or sigmoid term is outside the family PROSE generates")
        raise
    encoded = system_tokens(ref)
    assert all(t in VOCAB for t in encoded)
    back = to_sympy(parse_tokens(encoded, len(system.variables)), system.variables)
    result = compare(dict(zip(system.variables, back)), truth)
    assert result["exact"]
    assert result["max_coef_error"] < 0.005  # three significant digits


@pytest.mark.parametrize("value", [1.0, -2.5, 8 / 3, 0.0123, 28.0, -981.0, 1e-4])
def test_numbers_keep_three_digits(value):
    assert decode_number(encode_number(value)) == pytest.approx(value, rel=5e-3)


def test_malformed_sequences_are_rejected():
    with pytest.raises(ValueError):
        parse_tokens(["add", "x0"], 1)  # ends early
    with pytest.raises(ValueError):
        parse_tokens(["x1"], 1)  # variable beyond the dimension
    with pytest.raises(ValueError):
        parse_tokens(["x0", "|", "x0"], 1)  # two equations for one variable


def test_outside_the_family_is_refused():
    x = sp.Symbol("x")
    with pytest.raises(ValueError):
        from_sympy([sp.sin(x) * sp.cos(x)], ["x"])
    with pytest.raises(ValueError):
        from_sympy([sp.log(x)], ["x"])


def test_scaling_keeps_structure_and_values():
    names = ["x", "y"]
    x, y = sp.symbols(names)
    system = from_sympy([1.3 * x - 0.9 * x * y, 0.8 * x * y - 1.8 * y + 0.5 * sp.sin(2 * x)], names)
    sigma, span = np.array([2.0, 5.0]), 3.0
    scaled = system.scaled(sigma, span)
    assert scaled.shapes() == system.shapes()
    # d(x/s)/d(t/T) = T/s f(s x~): compare at one state
    xs = {x: 0.7, y: 0.4}
    orig = [float(e.subs({x: 0.7 * 2.0, y: 0.4 * 5.0})) for e in to_sympy(system, names)]
    new = [float(e.subs(xs)) for e in to_sympy(scaled, names)]
    assert np.allclose(new, [span / s * v for s, v in zip(sigma, orig)])
