"""The PROSE training data: deterministic, usable, and kept apart from the reference systems."""

import numpy as np

from discover.prose.generator import is_reference, make_examples
from discover.prose.grammar import from_sympy, system_tokens
from discover.systems import SYSTEMS


def test_same_seed_same_systems():
    a = make_examples(3, 0, 60)
    b = make_examples(3, 0, 60)
    c = make_examples(4, 0, 60)
    assert len(a) > 5
    assert [system_tokens(e.system) for e in a] == [system_tokens(e.system) for e in b]
    assert all(np.allclose(e.traj, f.traj) for e, f in zip(a, b))
    assert [system_tokens(e.system) for e in a] != [system_tokens(e.system) for e in c]


def test_examples_are_normalised_moving_and_finite():
    for e in make_examples(5, 0, 60):
        x = e.traj[:, : e.dim]
        assert np.all(np.isfinite(x)) and np.all(np.isfinite(e.deriv))
        assert np.allclose(np.sqrt(np.mean(x**2, axis=0)), 1.0, rtol=1e-3)
        assert np.all(x[len(x) // 4:].std(axis=0) > 0.01)
        assert np.all(e.traj[:, e.dim:] == 0)


def test_reference_systems_are_rejected():
    for s in SYSTEMS.values():
        if s.inputs:
            continue
        eqs = s.equations()
        try:
            system = from_sympy([eqs[v] for v in s.variables], s.variables)
        except ValueError:
            continue  # outside the family PROSE generates (a Hill or Holling term): never generated
        assert is_reference(system)
    lv = SYSTEMS["lotka_volterra"]
    shifted = lv.equations({"alpha": 2.6, "beta": 0.9, "gamma": 0.8, "delta": 1.8})
    assert not is_reference(from_sympy([shifted[v] for v in lv.variables], lv.variables))
