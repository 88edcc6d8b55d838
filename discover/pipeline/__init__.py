"""The run: the plan of a run (:mod:`~discover.pipeline.plan`), the estimator that walks it
(:class:`~discover.pipeline.estimator.Discoverer`), what a run records (:mod:`~discover.pipeline.record`),
loading a run folder back (:mod:`~discover.pipeline.loading`), and for field data the field plan
(:mod:`~discover.pipeline.field_plan`) that the same estimator walks (:mod:`~discover.pipeline.field_fit`)
and the field loader before it (:mod:`~discover.pipeline.field_run`).

``Discoverer`` is re-exported lazily, so that the light modules here (the plan, checked before the
data are read) import nothing heavy.
"""

from __future__ import annotations

__all__ = ["Discoverer"]


def __getattr__(name):
    if name == "Discoverer":
        from discover.pipeline.estimator import Discoverer

        return Discoverer
    raise AttributeError(f"module 'discover.pipeline' has no attribute '{name}'")
