"""PROSE-style transformer: reads a trajectory (and optionally a symbolic guess) and writes
the equations that generated it.

Modules, one idea each:

- :mod:`~discover.prose.grammar`: the expression family the model writes (a sum of terms,
  each a coefficient times monomials and at most one sin/cos/exp/rational factor), and its
  tokens in prefix notation with sign-mantissa-exponent numbers.
- :mod:`~discover.prose.generator`: random systems of that family, solved in batches, with
  noise and uneven sampling as augmentation.
- :mod:`~discover.prose.model`: data encoder, symbol encoder, fusion, symbolic decoder with
  beam search, operator decoder.
- :mod:`~discover.prose.train`: the seeded, resumable training schedule.
- :mod:`~discover.prose.checkpoint`: the shipped weights and their provenance.
- :mod:`~discover.prose.propose`: from a user's trajectories to candidate systems.
- :mod:`discover.bench.prose` (beside the benchmark, since it runs the distillers): structure-recovery
  rates on generated and reference data.

This package imports neither pysindy nor pyoperon, so training runs on a bare PyTorch machine.
"""
