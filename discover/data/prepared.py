"""Prepared data: everything computed once from a data set before any model sees it.

The split into training runs and held-out segments, smoothed states and their derivatives,
the weak form, the smoothed held-out segments, the noise estimate and the validation
horizon. Surrogates, distillers and selection all read this one object; nothing downstream
estimates derivatives again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from discover.data.dataset import Dataset, Trajectory
from discover.data.derivatives import WeakForm, estimate_derivatives, weak_form
from discover.data.samples import Samples
from discover.data.split import split
from discover.data.timescales import decorrelation_time

HORIZON_DECORRELATIONS = 3.0


@dataclass(frozen=True)
class Prepared:
    """A data set split and differentiated, ready for surrogates, distillers and selection.

    Attributes
    ----------
    data : Dataset
        All the data as given.
    train : Dataset
        The runs (or pieces of runs) models are fitted on.
    train_smoothed : tuple of Trajectory
        ``train`` smoothed with the widths chosen by cross-validation.
    derivatives : tuple of ndarray, each (n_samples, n_states)
        dx/dt of each training run.
    half_widths : ndarray of shape (n_runs, n_states)
        Chosen smoothing half-widths (samples).
    weak : WeakForm or None
        Integral form of the training runs.
    validation, validation_smoothed : tuple of Trajectory
        Held-out segments as measured and smoothed.
    in_sample : bool
        Nothing could be held out; validation reuses the training data.
    split : str
        How data were held out, as a sentence.
    variance : ndarray of shape (n_states,)
        Each variable's variance over the whole data set.
    noise : float
        Share of the variance the smoother removed (the noise's share, averaged).
    horizon : float
        Short-horizon length for scoring: a few decorrelation times, at most a segment.
    """

    data: Dataset
    train: Dataset
    train_smoothed: tuple[Trajectory, ...]
    derivatives: tuple[np.ndarray, ...]
    half_widths: np.ndarray
    weak: WeakForm | None
    validation: tuple[Trajectory, ...]
    validation_smoothed: tuple[Trajectory, ...]
    in_sample: bool
    split: str
    variance: np.ndarray
    noise: float
    horizon: float
    _samples: list = field(default_factory=list, repr=False, compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        return self.data.names

    @property
    def inputs(self) -> tuple[str, ...]:
        """Names of the measured inputs (none for an autonomous system)."""
        return self.data.inputs

    def samples(self) -> Samples:
        """Smoothed training states and their derivatives, stacked, with the weak form and runs."""
        if not self._samples:
            X = np.concatenate([s.x for s in self.train_smoothed])
            Y = np.concatenate(self.derivatives)
            runs = tuple((s.t, s.x, d) for s, d in zip(self.train_smoothed, self.derivatives))
            inputs = {}
            if self.inputs:  # measured, not smoothed: a switched input keeps its steps
                inputs = dict(inputs=np.concatenate([s.u for s in self.train_smoothed]), input_names=self.inputs,
                              raw_inputs=self.train.stacked_inputs())
            self._samples.append(Samples(X, Y, self.names, weak=self.weak, raw_states=self.train.stacked()[1],
                                         trajectories=runs, **inputs))
        return self._samples[0]


def prepare(data: Dataset) -> Prepared:
    """Split ``data``, smooth and differentiate it, and measure its noise and time scale."""
    sp_ = split(data)
    der = estimate_derivatives(sp_.train)
    val_der = estimate_derivatives(data.with_trajectories(sp_.validation))
    smooth = tuple(t.with_states(x) for t, x in zip(sp_.train.trajectories, der.smoothed))
    val_smooth = tuple(s.with_states(x) for s, x in zip(sp_.validation, val_der.smoothed))
    variance = data.stacked()[1].var(axis=0)
    raw = sp_.train.stacked()[1]
    noise_var = np.mean((raw - np.concatenate(der.smoothed)) ** 2, axis=0)
    noise = float(np.mean(noise_var / np.where(variance > 0, variance, 1.0)))
    horizon = HORIZON_DECORRELATIONS * decorrelation_time(sp_.train.trajectories, data.n_states)
    horizon = min(horizon, max(s.duration for s in val_smooth))
    return Prepared(
        data=data, train=sp_.train, train_smoothed=smooth, derivatives=tuple(der.derivatives),
        half_widths=der.half_widths, weak=weak_form(sp_.train, der.half_widths), validation=tuple(sp_.validation),
        validation_smoothed=val_smooth, in_sample=sp_.in_sample, split=sp_.description, variance=variance,
        noise=noise, horizon=horizon,
    )
