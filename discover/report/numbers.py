"""Scores written so that different values read differently."""

from __future__ import annotations

import math


def r2_text(value) -> str:
    """R² with three decimals, or, where three decimals would round to 1.000, as ``1 − 3.21e-05``
    (the unexplained fraction), so that candidates of different accuracy never all read 1.000."""
    if value is None or not isinstance(value, (int, float)) or value != value:
        return "—"
    if math.isinf(value):
        return "failed"
    if value >= 0.9995:
        gap = 1.0 - float(value)
        return "1" if gap <= 0 else f"1 − {gap:.2e}"
    return f"{value:.3f}"
