"""Data: trajectories, CSV input with its checks, and derivative estimation."""

from discover.data.csv import MissingValuesWarning, file_hash, load_csv
from discover.data.dataset import Dataset, Trajectory
from discover.data.derivatives import Derivatives, WeakForm, estimate_derivatives, weak_form

__all__ = [
    "Dataset",
    "Derivatives",
    "MissingValuesWarning",
    "Trajectory",
    "WeakForm",
    "estimate_derivatives",
    "file_hash",
    "load_csv",
    "weak_form",
]
