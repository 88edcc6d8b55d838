"""The bottom layer: what every other layer builds on, and which imports none of them.

Expressions and their restricted parser (:mod:`~discover.core.expressions`), printing for every
medium (:mod:`~discover.core.printing`), structure and complexity (:mod:`~discover.core.structure`),
the :class:`~discover.core.candidates.Candidate`, integration (:mod:`~discover.core.integrate`),
plug-in registries and settings (:mod:`~discover.core.registry`, :mod:`~discover.core.plugin`),
errors, option checks, progress, devices, threads, and the run folder's atomic writer
(:mod:`~discover.core.rundir`). Nothing here imports numpy-heavy libraries at package import.
"""
