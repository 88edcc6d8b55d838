"""Splitting a data set into the part distillers see and the part selection judges on."""

from __future__ import annotations

from dataclasses import dataclass

from discover.data.dataset import MIN_POINTS, Dataset, Trajectory

SHORT_SERIES = 50  # below this many points a single run is too short to split


@dataclass(frozen=True)
class Split:
    """Training data and held-out validation segments.

    Attributes
    ----------
    train : Dataset
    validation : tuple of Trajectory
    in_sample : bool
        True when the data were too short to hold anything out, so validation reuses
        the training data (the report says so).
    description : str
    """

    train: Dataset
    validation: tuple[Trajectory, ...]
    in_sample: bool
    description: str


def split(data: Dataset) -> Split:
    """Hold out whole runs when there are three or more, otherwise a block of time.

    * three or more trajectories: the last quarter of them (at least one) is held out;
    * one or two trajectories: samples between 60% and 80% of each run's duration are
      held out, and the pieces before and after are training runs; where that time block
      (or the piece before it) holds fewer than 10 samples, because sampling is sparse
      or stops there, the block from 60% to 80% of the run's samples is held out instead;
    * a run shorter than 50 points: nothing is held out (validation is in-sample).
    """
    trajs = data.trajectories

    def with_trajs(ts):
        return data.with_trajectories(ts)

    if len(trajs) >= 3:
        k = max(1, len(trajs) // 4)
        return Split(
            with_trajs(trajs[:-k]),
            tuple(trajs[-k:]),
            False,
            f"{k} of {len(trajs)} trajectories held out ({', '.join(t.label for t in trajs[-k:])})",
        )
    train, val, by_count = [], [], []
    for tr in trajs:
        n = len(tr)
        if n < SHORT_SERIES:
            train.append(tr)
            continue
        t0, T = tr.t[0], tr.duration
        a = int(((tr.t - t0) < 0.6 * T).sum())
        b = int(((tr.t - t0) < 0.8 * T).sum())
        if b - a < MIN_POINTS or a < MIN_POINTS:
            a, b = int(0.6 * n), int(0.8 * n)
            by_count.append(tr.label)
        val.append(tr.window(a, b, f"{tr.label} (held-out block)"))
        train.append(tr.window(0, a, f"{tr.label} (before)"))
        if n - b >= MIN_POINTS:
            train.append(tr.window(b, n, f"{tr.label} (after)"))
    if not val:
        return Split(with_trajs(train), tuple(trajs), True, "data too short to hold out; validation is in-sample")
    how = "time block from 60% to 80% of each run held out"
    if by_count:
        runs = ("runs " if len(by_count) > 1 else "run ") + ", ".join(by_count)
        how += f" (of the samples, not the duration, for {runs}: too few samples in that time)"
    return Split(with_trajs(train), tuple(val), False, how)
