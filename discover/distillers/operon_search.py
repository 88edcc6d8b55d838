"""One pyoperon search that stops when its Pareto front has stopped moving.

pyoperon's scikit-learn ``SymbolicRegressor.fit`` (0.6) runs its NSGA-II loop with
``gp.Run(rng, None, threads)``: the C++ loop calls an optional Python function after every
generation, but the wrapper passes none, so a run always lasts its whole budget. This
module builds the same search from the same parts (the wrapper's own ``_init_*`` helpers,
so every operator and default is pyoperon's) and passes a per-generation hook that reads
the current front and ends the run once it has not improved for ``stall`` generations.

The run is ended by the evaluator's own budget: setting ``Budget`` to 0 makes
``generator.Terminate()`` true, which the loop checks before the next generation. The hook
runs between generations, on one thread, so the stop is as deterministic as the search.

The same hook ends the run when the search's share of the run's time budget is spent (the
current :class:`discover.core.budget.Deadline`, read when the search starts): the front found so
far is returned. A deadline that is not reached changes nothing.

A front improves when, for some length L, the best normalised error (1 - R²) of a formula of
length at most L falls by more than ``RTOL`` (relative), ignoring errors already below
``FLOOR``: constants refined in the last digits are not progress.
"""

from __future__ import annotations

import numpy as np

# What counts as progress follows what the distiller does with the front: it treats errors
# within 1e-6 of the target's variance as exact (the assembly's floor) and tells formulas apart
# by relative error differences of 2% and more (its tolerances; the knee asks 5%).
RTOL = 0.01  # relative fall in error (1 - R²) that counts as progress
FLOOR = 1e-6  # 1 - R² below this is exact for the distiller


def supported() -> bool:
    """Whether the installed pyoperon has the wrapper parts this module builds from."""
    try:
        from pyoperon.sklearn import SymbolicRegressor
    except ImportError:  # pragma: no cover - pyoperon is a core dependency
        return False
    needed = ("_resolve_params", "_init_primitive_config", "_init_creator", "_init_selector",
              "_init_evaluator", "_init_generator", "_init_reinserter", "_init_mutation",
              "_init_optimizer", "_init_sgd_update_rule")
    return all(hasattr(SymbolicRegressor, n) for n in needed)


def staircase(front, max_length: int) -> np.ndarray:
    """Best error at each length 1..max_length among ``(length, error)`` points."""
    best = np.full(max_length + 1, np.inf)
    for length, err in front:
        if 0 <= length <= max_length and np.isfinite(err):
            best[length] = min(best[length], max(err, FLOOR))
    return np.minimum.accumulate(best)


def improved(new: np.ndarray, old: np.ndarray, rtol: float = RTOL) -> bool:
    """Whether ``new`` beats ``old`` anywhere by more than ``rtol`` (relative)."""
    ok = np.isfinite(new) & (old > FLOOR)
    return bool(np.any(new[ok] < old[ok] * (1 - rtol)))


class StallStop:
    """Per-generation hook: ends the run when the front has not improved for ``window`` generations.

    Attributes
    ----------
    generations : int
        Generations completed when the run ended.
    stopped : bool
        Whether the stall ended the run (rather than the budget).
    cut : bool
        Whether the time budget's deadline ended the run.
    """

    def __init__(self, gp, evaluator, window: int, max_length: int, deadline=None):
        self.gp, self.evaluator, self.window, self.max_length = gp, evaluator, window, max_length
        self.deadline = deadline
        self.cut = False
        self.best = None
        self.last_gain = 0
        self.generations = 0
        self.stopped = False
        self.error = None

    def __call__(self) -> None:
        # An exception raised here would end the C++ loop without a word: keep it for `fit` to raise.
        try:
            self._step()
        except Exception as exc:  # noqa: BLE001 - re-raised by `fit` once the run has returned
            self.error = exc
            self.evaluator.Budget = 0

    def _step(self) -> None:
        gen = int(self.gp.Generation)
        self.generations = gen
        # Fitness is (-R², length) for the ["r2", "length"] objectives, both minimised
        points = [(int(ind.Genotype.Length), 1.0 + float(ind.GetFitness(0))) for ind in self.gp.BestFront]
        now = staircase(points, self.max_length)
        if self.best is None or improved(now, self.best):
            self.last_gain = gen
        self.best = now if self.best is None else np.minimum(self.best, now)
        if self.window > 0 and gen - self.last_gain >= self.window and not self.stopped:
            self.stopped = True
            self.evaluator.Budget = 0  # generator.Terminate() is now true: the loop ends here
        elif self.deadline is not None and not self.stopped and not self.cut and self.deadline.expired():
            self.cut = True
            self.evaluator.Budget = 0


def fit(reg, X, y, stall: int):
    """Fit ``reg`` (a pyoperon ``SymbolicRegressor`` with ``objectives=["r2", "length"]``) as its
    own ``fit`` does, stopping after ``stall`` generations without progress (0: never).

    Sets ``pareto_front_`` (``tree`` and ``complexity`` per formula), ``variables_``,
    ``is_fitted_`` and ``stats_`` (``generations``, ``evaluation_count``, ``stopped_early``)
    on ``reg`` and returns it; ``reg.get_model_string`` then prints the formulas.
    """
    import pyoperon as op
    from sklearn.utils.validation import check_X_y

    r = reg._resolve_params()
    if r["objectives"] != ["r2", "length"]:
        raise ValueError("the stalling search supports objectives=['r2', 'length'] only")
    X, y = check_X_y(X, y)
    reg.n_features_in_ = X.shape[1]
    data = np.asfortranarray(np.column_stack((X, y)))  # the Dataset reads this buffer: keep it alive
    ds = op.Dataset(data)
    target = max(ds.Variables, key=lambda v: v.Index)
    reg.variables_ = {v.Hash: v.Name for v in sorted(ds.Variables, key=lambda v: v.Index) if v.Hash != target.Hash}
    inputs = list(reg.variables_)
    problem = op.Problem(ds)
    training, test = op.Range(0, ds.Rows), op.Range(ds.Rows - 1, ds.Rows)
    problem.TrainingRange = training
    problem.TestRange = test
    problem.Target = target
    problem.InputHashes = inputs
    problem.ConfigurePrimitiveSet(reg._init_primitive_config(reg.allowed_symbols))
    pset = problem.PrimitiveSet

    creator = reg._init_creator(reg.initialization_method, pset, inputs)
    coeff_init = op.NormalCoefficientInitializer()
    coeff_init.ParameterizeDistribution(0, 1)
    dtable = op.DispatchTable()
    update_rule = reg._init_sgd_update_rule()
    optimizer = reg._init_optimizer(dtable, problem, reg.optimizer, reg.optimizer_likelihood,
                                    r["optimizer_iterations"], reg.optimizer_batch_size, update_rule)
    parts = []  # C++ objects held by pointer elsewhere: kept alive until the run ends
    evaluator = op.MultiEvaluator(problem)
    for obj in r["objectives"]:
        e = reg._init_evaluator(obj, problem, dtable, r["uncertainty"])
        e.Budget = reg.max_evaluations
        evaluator.Add(e)
        parts.append(e)
    evaluator.Budget = reg.max_evaluations

    comparison = op.CrowdedComparison()
    female = reg._init_selector(reg.female_selector, comparison)
    male = reg._init_selector(reg.male_selector, comparison)
    reinserter = reg._init_reinserter(reg.reinserter, comparison)
    crossover = op.SubtreeCrossover(reg.crossover_internal_probability, reg.max_depth, reg.max_length)
    mutation = op.MultiMutation()
    for name, weight in r["mutation"].items():
        m = reg._init_mutation(name, inputs, pset, creator, coeff_init)
        mutation.Add(m, weight)
        parts.append(m)
    coeff_opt = op.CoefficientOptimizer(optimizer)
    generator = reg._init_generator(reg.offspring_generator, evaluator, crossover, mutation, female, male, coeff_opt)

    min_arity, _ = pset.FunctionArityLimits()
    tree_init = op.UniformLengthTreeInitializer(creator)
    tree_init.ParameterizeDistribution(min_arity + 1, min(reg.initialization_max_length, reg.max_length))
    tree_init.MinDepth = 1
    tree_init.MaxDepth = reg.initialization_max_depth if reg.initialization_method == "koza" else 1000

    config = op.GeneticAlgorithmConfig(
        generations=reg.generations, max_evaluations=reg.max_evaluations,
        local_iterations=r["optimizer_iterations"], population_size=reg.population_size,
        pool_size=r["pool_size"], p_crossover=reg.crossover_probability, p_mutation=reg.mutation_probability,
        p_local=reg.local_search_probability, p_lamarck=reg.lamarckian_probability, epsilon=reg.epsilon,
        seed=r["random_state"], max_time=r["max_time"],
    )
    sorter = op.RankSorter()
    gp = op.NSGA2Algorithm(config, problem, tree_init, coeff_init, generator, reinserter, sorter)
    from discover.core.budget import current

    hook = StallStop(gp, evaluator, stall, reg.max_length, current())
    rng = op.RandomGenerator(np.uint64(config.Seed))
    gp.Run(rng, hook, reg.n_threads, False)
    if hook.error is not None:
        raise hook.error

    front = []
    for solution in gp.BestFront:
        # the r2 objective is scale-free: put the least-squares scale and offset into the formula,
        # as the wrapper does
        pred = op.Evaluate(dtable, solution.Genotype, ds, training)
        scale, offset = op.FitLeastSquares(pred, y)
        nodes = solution.Genotype.Nodes
        if scale != 1:
            nodes += [op.Node.Constant(scale), op.Node.Mul()]
        if offset != 0:
            nodes += [op.Node.Constant(offset), op.Node.Add()]
        tree = op.Tree(nodes).UpdateNodes()
        front.append({"tree": tree, "complexity": tree.AdjustedLength})
    reg.pareto_front_ = front
    reg.is_fitted_ = True
    reg.stats_ = {"generations": int(gp.Generation), "evaluation_count": int(parts[0].CallCount),
                  "stopped_early": hook.stopped, **({"cut_by_budget": True} if hook.cut else {})}
    return reg
