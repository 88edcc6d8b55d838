"""What the plug-in families leave in a run's result besides candidates, as typed plain data.

- :class:`SurrogateRecord`: one surrogate route's training facts, its forecasts of the held-out
  segments and the curves it fitted (``RunResult.surrogates``, by surrogate name);
- :class:`DelayResult`: the delay models' comparison (``RunResult.delay``).

Each knows how ``run.json`` writes its numbers (:meth:`summary`) and which arrays go to
``data.npz`` (:meth:`arrays`), and is read back from the two (:meth:`read`), the same way
for run folders written before these types existed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The facts every surrogate route records, in the order run.json writes them.
_COMMON = ("epochs", "validation_loss", "seconds", "nfe_per_forecast")


@dataclass
class SurrogateRecord:
    """One surrogate route's facts for the report.

    Attributes
    ----------
    epochs, validation_loss : training length and the held-out window loss (None if not recorded).
    seconds : training time; ``nfe_per_forecast`` vector-field evaluations per forecast (None if not counted).
    forecasts : list of ndarray
        Its forecast of each held-out segment from the segment's first state.
    curves : list of dict of str to ndarray
        Fitted curves along the runs (a hidden-term PINN's ``t``, states ``u``, hidden term ``G``,
        known part ``F``; measured inputs ``w``), for its figure.
    facts : dict
        The surrogate's other facts (:meth:`BaseSurrogate.facts`), numbers and text for ``run.json``.
    """

    epochs: int | None = None
    validation_loss: float | None = None
    seconds: float | None = None
    nfe_per_forecast: float | None = None
    forecasts: list = field(default_factory=list)
    curves: list = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    @classmethod
    def from_facts(cls, facts: dict) -> "SurrogateRecord":
        """A record from a surrogate's facts dict (the common keys, ``forecasts``, ``curves`` and the rest)."""
        rest = {k: v for k, v in facts.items() if k not in (*_COMMON, "forecasts", "curves")}
        return cls(**{k: facts.get(k) for k in _COMMON}, forecasts=list(facts.get("forecasts") or []),
                   curves=list(facts.get("curves") or []), facts=rest)

    def summary(self) -> dict:
        """The numbers ``run.json`` holds (arrays go to ``data.npz``)."""
        out = {k: getattr(self, k) for k in _COMMON if k != "nfe_per_forecast" or self.nfe_per_forecast is not None}
        return {**out, **self.facts}

    def arrays(self, label: str) -> dict:
        """``data.npz`` entries of the forecasts and curves."""
        out = {f"forecasts/{label}/{i}": f for i, f in enumerate(self.forecasts)}
        for i, curve in enumerate(self.curves):
            out.update({f"curves/{label}/{i}/{k}": v for k, v in curve.items()})
        return out

    @classmethod
    def read(cls, label: str, summary: dict, data) -> "SurrogateRecord":
        """The record of ``label`` from its ``run.json`` summary and the arrays of ``data.npz``."""
        forecasts, i = [], 0
        while f"forecasts/{label}/{i}" in data:
            forecasts.append(data[f"forecasts/{label}/{i}"])
            i += 1
        curves, i = [], 0
        while f"curves/{label}/{i}/t" in data:
            prefix = f"curves/{label}/{i}/"
            curves.append({k[len(prefix):]: data[k] for k in data if k.startswith(prefix)})
            i += 1
        return cls.from_facts({**summary, "forecasts": forecasts, "curves": curves})


@dataclass
class DelayResult:
    """Everything the report shows of the delay models, as plain data.

    Attributes
    ----------
    delays, spacing, rank : the embedding; ``dt`` sampling interval, ``window`` its span in time.
    horizons : forecast horizons in time units.
    rows : list of dict
        ``method``, ``parameters``, ``seconds``, ``operations``, ``rmse`` (one per horizon), ``note``.
    models : dict of str to dict
        Per fitted delay model that has equations, its plain description (written by its section
        as ``<name>.json``).
    arrays : dict of str to ndarray
        What the figures draw (``<model>/...``: a model's own arrays; ``example/...``: each model's
        forecast of the first held-out segment).
    methods : tuple of str
        The delay models that ran (their names in the registry).
    """

    delays: int
    spacing: int
    dt: float
    rank: int
    window: float
    horizons: list[float]
    rows: list[dict] = field(default_factory=list)
    models: dict = field(default_factory=dict)
    arrays: dict = field(default_factory=dict)
    methods: tuple = ()

    def summary(self) -> dict:
        """The numbers for ``run.json`` (arrays go to ``data.npz``)."""
        return {"delays": self.delays, "spacing": self.spacing, "dt": self.dt, "rank": self.rank,
                "window": self.window, "horizons": self.horizons, "rows": self.rows,
                "methods": list(self.methods)}

    @classmethod
    def read(cls, summary: dict, data, models: dict, methods=()) -> "DelayResult":
        """The comparison from its ``run.json`` summary, the models' descriptions (``<name>.json``) and
        the ``delay/...`` arrays of ``data.npz``; ``methods`` for folders whose run.json did not hold them."""
        known = ("delays", "spacing", "dt", "rank", "window", "horizons", "rows")
        arrays = {k[len("delay/"):]: data[k] for k in data if k.startswith("delay/")}
        return cls(**{k: summary[k] for k in known}, models=models, arrays=arrays,
                   methods=tuple(summary.get("methods", methods)))
