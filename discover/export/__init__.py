"""Exports of a discovered system: a Python module, a LaTeX table, a callable, sympy expressions.

One module per format, as PySR's ``export_sympy``/``export_latex``. Each takes a fitted
:class:`~discover.pipeline.estimator.Discoverer`, a :class:`~discover.result.RunResult` (a run folder read
with :func:`discover.report.run_folder.load_run`) or a :class:`~discover.core.candidates.Candidate`,
and exports its selected system. Labels (column names) are never written as code: generated code
is printed on internal symbols, and labels appear only as escaped string literals (``repr``).
"""

from discover.export.callables import to_callable
from discover.export.latex import to_latex
from discover.export.python import to_python
from discover.export.symbolic import to_sympy, to_sympy_text
from discover.export.system import System, system_of

__all__ = ["System", "system_of", "to_callable", "to_latex", "to_python", "to_sympy", "to_sympy_text"]
