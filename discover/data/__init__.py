"""Data: trajectories and fields, CSV input with its checks, and derivative estimation.

Names load on first use, so that reading and refusing a CSV never imports scipy.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "Dataset": "discover.data.dataset",
    "Field": "discover.data.field",
    "FieldDataset": "discover.data.field",
    "Trajectory": "discover.data.dataset",
    "InputFormatWarning": "discover.data.table",
    "MissingValuesWarning": "discover.data.csv",
    "file_hash": "discover.data.csv",
    "load_csv": "discover.data.csv",
    "Derivatives": "discover.data.derivatives",
    "WeakForm": "discover.data.derivatives",
    "estimate_derivatives": "discover.data.derivatives",
    "weak_form": "discover.data.derivatives",
}

__all__ = [
    "Dataset",
    "Derivatives",
    "Field",
    "FieldDataset",
    "InputFormatWarning",
    "MissingValuesWarning",
    "Trajectory",
    "WeakForm",
    "estimate_derivatives",
    "file_hash",
    "load_csv",
    "weak_form",
]


def __getattr__(name):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'discover.data' has no attribute '{name}'")


def __dir__():
    return __all__
