"""Benchmarks of recovery: generated data in, scores against the truth out.

:mod:`~discover.bench.recovery` runs ``discover bench`` over the reference systems,
:mod:`~discover.bench.odebench` runs ``discover bench --suite odebench`` over the 63 published
ODEBench systems at ODEFormer's protocol (tables: :mod:`~discover.bench.odebench_report`),
:mod:`~discover.bench.calibration` tabulates how often each confidence level was right,
:mod:`~discover.bench.prose` scores the PROSE model, and :mod:`~discover.bench.baselines` and
:mod:`~discover.bench.sindyc` are the peers (PySINDy, the SR engine on derivatives, SINDYc) run on the same data.
"""
