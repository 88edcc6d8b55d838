"""The estimator that runs the whole flow: data -> surrogates -> distillers -> selection.

:class:`Discoverer` follows scikit-learn's conventions: settings in the constructor,
``fit(data)`` returns ``self``, learned results end with an underscore. ``fit`` prepares the
data once (:func:`~discover.data.prepared.prepare`), walks the run plan
(:func:`~discover.pipeline.plan.build_plan`) stage by stage, judges every new candidate on held-out
data, and selects once more after each stage. It knows no plug-in by name: plug-ins are found
in their registries and read their settings from the table of their own name.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from sklearn.base import BaseEstimator

from discover.core.budget import active, check_budget, start_time
from discover.core.candidates import Candidate, merge_duplicates
from discover.core.errors import ConfigError, NotFittedError
from discover.core.expressions import identifiers, to_text
from discover.core.firewall import gate
from discover.core.options import check_device, check_seed
from discover.core.progress import NullProgress
from discover.core.threads import small_problems
from discover.data.prepared import Prepared, prepare
from discover.data.samples import Samples
from discover.pipeline.budget import Budget, cut_why, estimate
from discover.pipeline.delay_baselines import check_delay_room, delay_models
from discover.pipeline.model_view import ModelView
from discover.pipeline.plan import CONDITIONS, FORM_TEST, Plan, Route, Stage, build_plan, library_extras
from discover.pipeline.record import settings_record, surrogate_facts
from discover.pipeline.tables import check_tables
from discover.result import RunResult


@dataclass
class _Run:
    """What a fit accumulates while it walks the plan."""

    prepared: Prepared
    validation: object
    progress: object
    candidates: list = field(default_factory=list)
    selection: object = None
    fitted: dict = field(default_factory=dict)
    surrogate_facts: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)
    fronts: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    stages: list = field(default_factory=list)
    by_stage: dict = field(default_factory=dict)
    verdicts: dict = field(default_factory=dict)
    reasons: list = field(default_factory=list)
    budget: Budget = None

    @contextmanager
    def timed(self, name):
        t0 = time.perf_counter()
        yield
        self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - t0, 3)


class Discoverer(ModelView, BaseEstimator):
    """Find governing equations dx/dt = f(x) in trajectory data, or PDEs u_t = N(u, u_x, ...) in field data.

    ``fit`` dispatches on the data's kind: trajectories (a :class:`~discover.data.dataset.Dataset`,
    a DataFrame, arrays) walk the run plan; fields (a :class:`~discover.data.field.FieldDataset` or
    the list of fields :func:`discover.fields.io.load_fields` returns) walk the field plan
    (:mod:`discover.pipeline.field_fit`), whose stages are the field regressions and the field
    methods' hooks; ``methods`` then names one field method (``auto``, ``sindy``, ``weak``,
    ``strong`` or a method with candidates of its own).

    After fitting, :class:`~discover.pipeline.model_view.ModelView` adds ``predict``/``simulate`` (any
    candidate with ``index=``), ``candidates_frame()``, ``use(i)``, ``print(model)``, a notebook
    display, ``score`` and the exports ``to_python``, ``to_latex`` and ``to_callable``.

    Parameters
    ----------
    methods : str or list of str, default "auto"
        Routes such as ``"sindy"`` or ``"node+sindy"`` and delay models, comma-separated (the
        registered names: ``discover systems`` and ``--methods``' help list them); ``"auto"`` is
        SINDy, escalating to symbolic regression when needed.
    random_state : int, default 0
        Seeds every random step; the same data, settings and seed give the same result.
    device : {"auto", "cpu", "cuda"}, default "auto"
        Where networks train.
    settings : dict, optional
        Settings per plug-in, keyed by its registered name: ``{"sindy": {"degrees": [1, 2]},
        "sr": {"engine": "operon"}}``; a value may also be the plug-in's settings dataclass. A field
        method's hook reads its own tables from here.
    progress : Progress, optional
        Receives progress of long steps (the CLI passes a rich one).
    design_box : str, list of str or dict, optional
        Where a next experiment may start, per state: ``"x: 0..10, y: -1..1"`` or
        ``{"x": (0, 10)}``; a state not named gets twice its observed range, clipped to the data's
        signs. The structures the data cannot tell apart are compared there, and the suggested
        experiment starts there.
    budget : float, optional
        Seconds the fit may take (from 1 s to a week). Each stage is estimated before it runs and
        skipped when it cannot fit; each search stops when its share is spent and returns what it
        has; selection and the uncertainty always run. Default: generous but finite, scaled with
        the data's size (:func:`discover.core.budget.default_budget`). ``run.json`` records each
        stage's estimate, seconds and outcome.

    Attributes
    ----------
    equations_ : dict of str to sympy.Expr
        The selected right-hand sides.
    best_ : Candidate or None
    candidates_ : list of Candidate
        Every candidate with its held-out scores, best first.
    confidence_ : str
        ``"high"``, ``"medium"`` or ``"low"``.
    equivalent_ : list of Alternative
        The structures the data cannot tell apart, the selected one first.
    suggestion_ : dict or None
        The experiment that separates them (two or more): ``initial_state``, ``duration`` and each
        model's predicted trajectory.
    result_ : RunResult or FieldResult
        Everything the report needs, as plain data (a :class:`~discover.fields.result.FieldResult`
        for field data).
    surrogates_ : dict of str to BaseSurrogate
        The fitted surrogates, by name (saved into the run folder).
    kind_ : str
        The kind of data fitted: ``"trajectories"`` or ``"field"``. For field data ``equations_``
        holds one PDE right-hand side per field on internal symbols (``symbols_`` gives their labels:
        ``u``, ``u_x``, ...), ``coefficients_`` each term with its bootstrap standard error, ``lhs_``
        each field's ``u_t``; ``equivalent_`` is empty and ``suggestion_`` None; ``predict``,
        ``simulate``, ``score`` and ``use`` are for ODEs and refuse in one sentence.

    Examples
    --------
    >>> import discover
    >>> data = discover.load_csv("examples/lorenz.csv")            # doctest: +SKIP
    >>> model = discover.Discoverer(random_state=0).fit(data)      # doctest: +SKIP
    >>> model.equations_["x"]                                      # doctest: +SKIP
    -10.0*x + 10.0*y
    """

    def __init__(self, methods="auto", random_state: int = 0, device: str = "auto", settings: dict | None = None,
                 progress=None, design_box=None, budget=None):
        self.design_box = design_box
        self.budget = budget
        self.methods = methods
        self.random_state = random_state
        self.device = device
        self.settings = settings
        self.progress = progress

    # ------------------------------------------------------------------ fitting
    def fit(self, X, t=None, feature_names=None, inputs=None, input_hold: str = "linear") -> "Discoverer":
        """Walk the run plan on the data and select one candidate; return ``self``.

        ``X`` is a :class:`Dataset`; a pandas DataFrame, read as a CSV is (``t`` may name its
        time column, ``feature_names`` choose its state columns); an array of shape
        (n_samples, n_states) with its times ``t`` (or one time step) for one run; or a list of
        arrays with a list of times for several runs. ``feature_names`` names array columns.
        Data the program cannot use raise :class:`~discover.core.errors.DataError` in one sentence
        (see :func:`discover.data.inputs.as_dataset`).

        ``inputs`` declares measured driving signals (control or forcing): the names of input
        columns of a DataFrame, or arrays of shape (n_samples, n_inputs) beside array data.
        They enter the models as variables, get no equation and are never differentiated;
        ``input_hold`` says how they are read between samples when a model is simulated
        (``"linear"``, or ``"zoh"``, zero-order hold, for piecewise-constant inputs).

        Field data (a :class:`~discover.data.field.FieldDataset`, a :class:`~discover.data.field.Field`
        or a list of them) walk the field plan instead, under the same time budget; ``t``,
        ``feature_names`` and ``inputs`` do not apply to them.
        """
        from discover.data.field import FieldDataset

        fields = FieldDataset.of(X)
        if fields is not None:  # data of the kind "field": the field plan
            return self._fit_fields(fields, t, feature_names, inputs)
        from discover.data.inputs import as_dataset

        started = start_time()  # discover.api.run starts the clock before it reads the data
        check_seed(self.random_state, "`random_state`")
        check_device(self.device)
        check_budget(self.budget, "`budget`")
        plan = build_plan(self.methods)
        data = as_dataset(X, t, feature_names, inputs, input_hold)
        tables = check_tables(self.settings, plan, data)
        from discover.core.designbox import check_names

        check_names(self._box(), data.names)
        run = _Run(prepared=None, validation=None, progress=self.progress or NullProgress())
        with small_problems():
            with run.timed("split_and_derivatives"):
                from discover.selection import Validation

                run.prepared = prepare(data)
                run.validation = Validation.from_prepared(run.prepared)
            run.budget = Budget(self.budget, sum(len(tr.t) for tr in run.prepared.train.trajectories),
                                len(run.prepared.names) + len(run.prepared.inputs), started)
            note = getattr(run.progress, "note", None)
            if note is not None:
                note(run.budget.announce())
            if plan.delay:  # the delay embedding must fit the held-out data: refused before anything trains
                check_delay_room(run.prepared, tables, plan.delay)
            for i, stage in enumerate(plan.stages):
                self._walk(stage, run, tables, plan.stages[i + 1:])
            delay = None
            if plan.delay:
                with run.timed("delay models"):
                    delay = delay_models(run.prepared, run.validation, plan.delay, tables, self.random_state,
                                         self.device, run.progress)
            self._finish(plan, run, delay)
        return self

    def _fit_fields(self, data, t, feature_names, inputs) -> "Discoverer":
        """Walk the field plan on a field data set (:func:`discover.pipeline.field_fit.fit_fields`)."""
        from discover.pipeline.field_fit import fit_fields

        given = [n for n, v in (("t", t), ("feature_names", feature_names), ("inputs", inputs)) if v is not None]
        if given:
            raise ConfigError(f"`{given[0]}` has no meaning for field data: the fields carry their times, names "
                              "and grid (load them with `discover.fields.io.load_field_data`).")
        with small_problems():
            self.plan_, result = fit_fields(self, data)
        self._adopt(result, {})
        return self

    def _box(self) -> dict:
        """The design box the user gave, parsed (:func:`discover.core.designbox.parse_design_box`)."""
        from discover.core.designbox import parse_design_box

        return parse_design_box(self.design_box)

    def _walk(self, stage: Stage, run: _Run, tables: dict, later=()) -> None:
        """Run one stage if its condition holds and its estimated cost fits the budget (with a deadline
        for its share), then judge its new candidates and select again."""
        from discover.distillers import REGISTRY as DISTILLERS

        entry = stage.describe()
        n, d = run.budget.n, run.budget.d
        cost = estimate(stage.routes, n, d, run.fitted)

        def not_run(why: str, outcome: str = "not run") -> None:
            run.stages.append(run.budget.record({**entry, "ran": False, "why": why}, cost, None, outcome))

        why = None
        if stage.when:
            # a condition is judged once, on the first stage that asks: later stages of the same
            # strategy (SINDy with the terms symbolic regression found) follow the same verdict
            if stage.when not in run.verdicts:
                run.verdicts[stage.when] = CONDITIONS[stage.when](run.selection, run.prepared.noise, run.facts,
                                                                  run.prepared, self._box())
            why = run.verdicts[stage.when]
            if why is None:
                test = run.facts.get(FORM_TEST, {})
                return not_run("its condition did not hold" + (f": {test['why']}" if test.get("why") else ""),
                               "not needed")
        missing = [DISTILLERS[r.distiller].unavailable(tables.get(r.distiller)) for r in stage.routes]
        if stage.when and any(missing):
            return not_run(next(m for m in missing if m))
        samples = self._stage_samples(stage, run)
        if stage.library_from and not samples.library_terms:
            return not_run(f"{stage.library_from} found no term to offer" if stage.library_from in run.by_stage
                           else f"{stage.library_from} did not run")
        deadline, skipped = run.budget.admit(cost, sum(estimate(s.routes, n, d, run.fitted) for s in later),
                                             first=run.selection is None or run.selection.best is None)
        if deadline is None:
            run.stages.append(run.budget.record({**entry, "ran": False, "why": skipped, "budget": skipped}, cost,
                                                None, "skipped"))
            return
        deadline.per_part = cost / max(1, len(run.prepared.names))  # one equation's part of the estimate
        found, t0 = [], time.monotonic()
        with active(deadline):
            for route in stage.routes:
                clock = route.label if not (stage.when or stage.guess_from) else f"{route.label} ({stage.name})"
                with run.timed(clock), run.progress.task(f"{route.label}: distilling") as task:
                    found += self._route(route, samples, run, tables)
                    task.advance()
        run.by_stage[stage.name] = (stage.routes, found)
        new = [c for c in merge_duplicates(run.candidates + found) if c not in run.candidates]
        self._judge_and_select(new, run)  # always, whatever the deadline: the best so far stays current
        cut = {"budget": cut_why(deadline, t0)} if deadline.reached else {}
        run.stages.append(run.budget.record({**entry, "ran": True, **({"why": why} if why else {}), **cut}, cost,
                                            time.monotonic() - t0, "cut" if cut else "ran"))
        if why and stage.note:
            run.reasons.append(f"{stage.note} because {why}")

    def _stage_samples(self, stage: Stage, run: _Run) -> Samples:
        """The prepared samples, with a guess or library terms when the stage reads them."""
        from dataclasses import replace

        samples = run.prepared.samples()
        if stage.guess_from:
            from discover.selection import select

            own = [c for c in run.candidates if c.method == stage.guess_from]
            guess = select(own, run.prepared.in_sample, noise=run.prepared.noise).best if own else None
            samples = replace(samples, guess=guess)
        if stage.library_from:
            routes, found = run.by_stage.get(stage.library_from, ((), []))
            samples = replace(samples, library_terms=library_extras(found),
                              library_source="terms found by " + ", ".join(r.label for r in routes),
                              library_by=", ".join(r.label for r in routes))
        return samples

    def _route(self, route: Route, samples: Samples, run: _Run, tables: dict) -> list[Candidate]:
        """Candidates of one route: fit its surrogate (once per run) and distill."""
        from dataclasses import replace

        from discover.core.printing import derivative_text
        from discover.distillers import get_distiller
        from discover.selection.provenance import GIVEN, stamp

        surrogate = self._surrogate(route.surrogate, run, tables) if route.surrogate else None
        if surrogate is not None:
            samples = surrogate.distillation_samples(run.prepared)
            samples = replace(samples, library_terms=surrogate.library_terms(), library_by=GIVEN)
        distiller = get_distiller(route.distiller)(tables.get(route.distiller), self.random_state, self.device)
        found = distiller.fit(samples).candidates_
        if distiller.facts_:
            run.facts[route.label] = distiller.facts_
        ids = identifiers(run.prepared.names + run.prepared.inputs)  # formulas in run.json are written as in equations.json
        for var, front in distiller.fronts_.items():
            run.fronts[f"{route.label}: {derivative_text(var, run.prepared.data.time_name)}"] = [
                {"complexity": e["complexity"], "mse": e["mse"], "expr": to_text(e["expr"], ids)} for e in front]
        if surrogate is not None:
            found = self._post_process(surrogate, found, run)
            V, names = samples.variables()
            found, dropped = gate(found, V, names)
            if dropped:
                run.facts.setdefault(route.label, {}).setdefault("dropped", []).extend(dropped)
        for c in found:
            c.method = route.label
        stamp(found, route.label, samples.library_terms, samples.library_by, run.prepared.names + run.prepared.inputs)
        return found

    def _surrogate(self, name: str, run: _Run, tables: dict):
        from discover.surrogates import get_surrogate

        if name not in run.fitted:
            t0 = time.perf_counter()
            model = get_surrogate(name)(tables.get(name), self.random_state, self.device, run.progress)
            run.fitted[name] = model.fit(run.prepared)
            run.surrogate_facts[name] = surrogate_facts(model, run.prepared, time.perf_counter() - t0)
        return run.fitted[name]

    @staticmethod
    def _post_process(surrogate, found: list[Candidate], run: _Run) -> list[Candidate]:
        """The surrogate's own post-processing, weak-form refits, and the likelihood screen."""
        from discover.distillers.refit import refit_on_data
        from discover.selection.likelihood import drop_rejected

        with run.progress.task(f"{surrogate.name}: post-processing candidates"):
            found = surrogate.post_process(found, run.prepared)
        samples = run.prepared.samples()
        if surrogate.refit_on_data and samples.weak is not None:
            refits = (refit_on_data(c, samples.weak, samples.raw_variables(), samples.names, samples.input_names)
                      for c in found)
            found = found + [c for c in refits if c is not None]
        return drop_rejected(found)

    @staticmethod
    def _judge_and_select(new: list[Candidate], run: _Run) -> None:
        from discover.selection import select
        from discover.selection.judge import judge

        with run.timed("selection"):
            judge(new, run.prepared, run.validation, run.progress)
        run.candidates += new
        run.selection = select(run.candidates, run.prepared.in_sample, noise=run.prepared.noise)

    # ------------------------------------------------------------------ results
    def _finish(self, plan: Plan, run: _Run, delay) -> None:
        from discover.pipeline.driven import input_warnings
        from discover.selection import select
        from discover.selection.verdict import assess

        chosen = run.selection or select([], run.prepared.in_sample)
        prepared = run.prepared
        suggestion = None
        if chosen.best is not None:
            with run.timed("selection"), active(run.budget.deadline):  # the likelihood's fits keep to the budget
                chosen = assess(chosen, prepared, run.validation, self._box())
            if len(chosen.equivalent) > 1:
                suggestion = self._suggest(chosen, run, [a.candidate for a in chosen.equivalent], "equivalent")
            elif chosen.missing and chosen.missing.get("rival") is not None:
                # the data ask for a term the pick lacks: the measurement that tells the pick from its
                # nested rival with that term (their fields part ways outside the data)
                suggestion = self._suggest(chosen, run, [chosen.best, chosen.ranked[chosen.missing["rival"]]],
                                           "missing_term")
            elif chosen.confidence != "high":
                # not sure of the pick, though nothing ties with it: the measurement that tells it from the
                # best candidate of another structure
                from discover.selection.experiment import strongest_rival

                rival = strongest_rival(chosen.best, chosen.ranked, prepared.names, prepared.samples().states)
                if rival is not None:
                    suggestion = self._suggest(chosen, run, [chosen.best, rival], "rival")
        reasons = list(chosen.reasons) if plan.stages else [
            "only time-delay methods were asked for: they model the measured signals, not equations in the CSV's "
            "variables"]
        self.plan_ = plan
        self._adopt(RunResult(
            names=prepared.names, time_name=prepared.data.time_name, candidates=chosen.ranked, best=chosen.best,
            confidence=chosen.confidence, reasons=reasons + run.reasons,
            agreement=chosen.agreement, rule=chosen.rule, train=list(prepared.train.trajectories),
            train_smoothed=list(prepared.train_smoothed), train_derivatives=list(prepared.derivatives),
            validation=list(prepared.validation), validation_smoothed=list(prepared.validation_smoothed),
            split=prepared.split, in_sample=prepared.in_sample,
            settings={**settings_record(self, plan, run),
                      **({"missing_term": chosen.missing} if chosen.missing else {}),
                      **({"likelihood": chosen.likelihood} if chosen.likelihood else {})}, timings=run.timings, fronts=run.fronts,
            warnings=([f"Dropped {prepared.data.dropped_rows} rows with missing values."]
                      if prepared.data.dropped_rows else []) + input_warnings(prepared, chosen.best),
            surrogates=run.surrogate_facts, delay=delay, deciding=chosen.deciding, inputs=prepared.inputs,
            hold=prepared.data.hold, equivalent=chosen.equivalent, design_box=chosen.design_box,
            suggestion=suggestion,
        ), run.fitted)

    def _suggest(self, chosen, run: _Run, models: list, separates: str) -> dict | None:
        """The experiment that separates ``models`` (:func:`discover.selection.experiment.suggest`); ``separates``
        says what they are (``"equivalent"``: the equivalence set; ``"missing_term"``: the pick and its
        nested rival with the term the data ask for; ``"rival"``: the pick, not rated high, and the best
        candidate of another structure)."""
        import numpy as np

        from discover.selection.experiment import suggest

        prepared = run.prepared
        with run.timed("experiment design"):
            out = suggest(models, prepared.names, chosen.design_box, np.sqrt(prepared.variance),
                          max(tr.duration for tr in prepared.data.trajectories), prepared.data.time_name,
                          self.random_state, horizon=prepared.horizon, project=chosen.design_plane)
        if out is not None:
            out["separates"] = separates
            for m, c in zip(out["models"], models):
                m["rank"] = next(i for i, r in enumerate(chosen.ranked) if r is c)
        return out

    def _adopt(self, result: RunResult, surrogates: dict) -> None:
        """Take ``result`` as the fitted state: after ``fit``, or read from a run folder (:func:`discover.load`)."""
        self.result_ = result
        self.kind_ = result.kind
        self.best_ = result.best
        self.candidates_ = list(result.candidates)
        self.confidence_ = result.confidence
        self.surrogates_ = surrogates
        if result.kind == "field":  # a PDE: named as discover.load names a PDE run folder's model
            from discover.pipeline.field_model import FieldModel

            view = FieldModel(result)
            self.equations_ = view.equations_
            self.symbols_ = view.symbols_
            self.coefficients_ = view.coefficients_
            self.lhs_ = view.lhs_
            self.space_ = view.space_
            self.names_ = view.names_
            self.equivalent_ = []
            self.suggestion_ = None
            return
        self.equations_ = dict(result.best.equations) if result.best else {}
        self.equivalent_ = list(result.equivalent)
        self.suggestion_ = result.suggestion
        self.names_ = tuple(result.names)

    def write_report(self, out_dir, provenance: dict | None = None, force: bool = False, figures: bool = True) -> str:
        """Write the run folder (report.md, report.html, equations.json, figures, run.json, models).

        An earlier run folder at ``out_dir`` is replaced (files a user added to it are kept);
        a folder discover did not write is refused with :class:`~discover.core.errors.OutDirError`,
        or moved aside to ``NAME.old-<date-time>`` when ``force`` is true. ``figures=False``
        draws no figure (the reports keep their text and tables; matplotlib is not imported).
        """
        if not hasattr(self, "result_"):
            raise NotFittedError("This Discoverer is not fitted yet; call `fit(data)` first.")
        if self.result_.kind == "field":  # the PDE run folder
            from discover.report.pde import write_field_run

            return write_field_run(self.result_, out_dir, dict(provenance or {}), self.result_.settings, force=force,
                                   figures=figures)
        from discover.report import write_run

        if provenance:
            self.result_.provenance.update(provenance)
        return write_run(self.result_, out_dir, models=self.surrogates_, force=force, figures=figures)
