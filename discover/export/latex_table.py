"""The frame of a LaTeX table of equations, shared by the ODE and PDE exports (a module of its own so that
neither export imports the other)."""

from __future__ import annotations


def equation_table(rows: list[str]) -> list[str]:
    """The lines of a ``table`` with its ``tabular`` of equations (one row per line of ``rows``, already
    escaped), up to the end of the tabular: the same frame for ODEs and PDEs."""
    return [
        r"\begin{table}[h]",
        r"  \centering",
        r"  \begin{tabular}{@{}ll@{}}",
        r"    \toprule",
        r"    Derivative & Equation \\",
        r"    \midrule",
        *rows,
        r"    \bottomrule",
        r"  \end{tabular}",
    ]


def closing(caption: str) -> list[str]:
    """The caption (LaTeX already escaped) and the end of the table."""
    return [f"  \\caption{{{caption}}}", r"\end{table}", ""]
