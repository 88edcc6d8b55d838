"""The run plan: which routes run, in which stages, and when (strategies as data).

``--methods`` names routes: a distiller (``sindy``: derivatives estimated from the data feed
it) or ``surrogate+distiller`` (``node+sindy``: the surrogate's field feeds it); a surrogate
alone expands to its declared default distillers; delay models (``havok``, ``hankel``) run
beside the routes. The plan is a list of :class:`Stage` the pipeline walks in order. A stage
may run only when a named condition holds (``escalate``), read the pick of an earlier method
as a guess, or offer the terms an earlier stage found to its libraries. The walked plan,
with what ran and why, goes into ``run.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

from discover.core.errors import ConfigError, did_you_mean, shown

# `auto` escalates from SINDy to symbolic regression when SINDy's pick predicts held-out
# data worse than this (normalised error beyond the noise), or keeps a term in fewer than
# MIN_STABILITY of its bootstrap refits: signs that the library lacks the right function.
ESCALATE_ERROR = 1e-3
MIN_STABILITY = 0.9
# ... or when it stays within the valid band over whole held-out segments yet its R² there falls
# short of its short-window R² by more than this beyond the noise (a slow structured error).
SLOW_DRIFT = 0.01
MAX_LIBRARY_TERMS = 12


@dataclass(frozen=True)
class Route:
    distiller: str
    surrogate: str | None = None

    @property
    def label(self) -> str:
        return f"{self.surrogate}+{self.distiller}" if self.surrogate else self.distiller


@dataclass(frozen=True)
class Stage:
    """One step of a run plan.

    Attributes
    ----------
    name : str
        How ``run.json`` names it.
    routes : tuple of Route
    when : str, optional
        A condition in :data:`CONDITIONS`; the stage runs only when it gives a reason.
    guess_from : str, optional
        The method whose selected candidate the routes read as a guess.
    library_from : str, optional
        An earlier stage whose non-polynomial terms are offered to the routes' libraries.
    note : str
        What the report says when a conditional stage ran ("<note> because <reason>").
    """

    name: str
    routes: tuple[Route, ...]
    when: str | None = None
    guess_from: str | None = None
    library_from: str | None = None
    note: str = ""

    def describe(self) -> dict:
        return {"stage": self.name, "routes": [r.label for r in self.routes],
                **{k: v for k, v in (("when", self.when), ("guess_from", self.guess_from),
                                     ("library_from", self.library_from)) if v}}


@dataclass(frozen=True)
class Plan:
    stages: tuple[Stage, ...]
    delay: tuple[str, ...] = ()

    @property
    def routes(self) -> tuple[Route, ...]:
        return tuple(r for s in self.stages for r in s.routes)


# What `auto` means: SINDy; then, if its pick looks wrong (its residuals are structured: held-out
# error beyond the noise, unstable terms, or the library's top degree used), the implicit
# (SINDy-PI) search for rational terms with grown polynomial degrees, sparse terms plus fitted
# sigmoid units and trigonometric terms (discover.distillers.units), symbolic regression, and
# SINDy again with the functions symbolic regression found added to its library.
AUTO = (
    Stage("distil", (Route("sindy"),)),
    Stage("rational", (Route("sindy_pi"),), when="escalate",
          note="rational terms (SINDy-PI) and polynomial degrees 4 and 5 were tried"),
    Stage("units", (Route("units"),), when="escalate",
          note="sigmoid units of weighted sums of the states and trigonometric terms were tried"),
    Stage("search", (Route("sr"),), when="escalate", note="symbolic regression was called"),
    Stage("library", (Route("sindy"),), when="escalate", library_from="search"),
)


def _registries():
    """The three plug-in registries (light: no plug-in module is imported to list or check names)."""
    from discover.delay import REGISTRY as DELAY
    from discover.distillers import REGISTRY as DISTILLERS
    from discover.surrogates import REGISTRY as SURROGATES

    return DISTILLERS, SURROGATES, DELAY


def _items(spec) -> list[str]:
    """The names in ``--methods``, each checked against the registries (no plug-in is imported)."""
    distillers, surrogates, delay = _registries()
    from discover.core.options import comma_items

    items = comma_items("auto" if spec is None else spec,
                        f"`--methods` must be text such as 'sindy,sr', not {shown(repr(spec))}.")
    items = [i.strip().lower() for i in items if i.strip()]
    if not items:
        raise ConfigError("`--methods` is empty; give auto or a comma-separated list such as sindy.")
    known = sorted(set(distillers) | set(surrogates) | {"auto"} | set(delay))
    for item in items:
        if item == "auto" or item in delay:
            continue
        parts = item.split("+")
        if len(parts) > 2:
            raise ConfigError(f"Method '{shown(item)}' has more than one '+'; write surrogate+distiller, e.g. node+sindy.")
        for p in parts:
            if p not in distillers and p not in surrogates:
                raise ConfigError(
                    f"Unknown method '{shown(p)}'{did_you_mean(p, known)}; available: {', '.join(known)}.")
        if len(parts) == 2 and (parts[0] not in surrogates or parts[1] not in distillers):
            raise ConfigError(f"Method '{shown(item)}' must be surrogate+distiller (e.g. node+sindy).")
    return items


def check_methods(spec) -> None:
    """Refuse an empty, mistyped or unknown ``--methods`` without importing any plug-in."""
    _items(spec)


def uses_network(spec) -> bool:
    """Whether any method in ``spec`` trains or runs a neural network (so ``--device`` matters): as its
    plug-in declares (:meth:`discover.core.registry.Registry.uses_network`), never by its name."""
    registries = _registries()
    return any(r.uses_network(p) for item in _items(spec) for p in item.split("+") for r in registries)


def network_methods() -> list[str]:
    """The registered methods that train or run a network, as their plug-ins declare."""
    return sorted({name for r in _registries() for name in r.network_names()})


def check_run_settings(methods="auto", seed=0, device="auto", time=None, states=None, inputs=None,
                       input_hold="linear", budget=None) -> None:
    """Every setting of a run that can be judged without the data, before anything heavy loads.

    Warns
    -----
    OptionWarning
        ``device="cuda"`` when none of the methods asked for runs a network.
    """
    import warnings

    from discover.core.budget import check_budget
    from discover.core.options import OptionWarning, check_device, check_seed, check_text, split_names

    check_methods(methods)
    check_seed(seed)
    check_device(device)
    check_budget(budget)
    check_text(time, "`--time`")
    split_names(states)
    split_names(inputs, "`--inputs`")
    from discover.core.signals import check_hold

    check_hold(input_hold)
    if device == "cuda" and not uses_network(methods):
        warnings.warn(
            "`--device cuda` has no effect here: none of the methods asked for trains or runs a network "
            f"(only {', '.join(network_methods())} do).",
            OptionWarning,
            stacklevel=2,
        )


def _routes(item: str, distillers, surrogates) -> list[Route]:
    parts = item.split("+")
    if len(parts) == 1:
        name = parts[0]
        if name in distillers:
            return [Route(name)]
        return [Route(d, name) for d in surrogates[name].default_distillers]
    return [Route(parts[1], parts[0])]


def build_plan(spec) -> Plan:
    """Turn ``"auto"``, ``"sindy"``, ``"node+sindy,prose"`` or ``"havok"`` into a :class:`Plan`."""
    distillers, surrogates, delay_models = _registries()
    items = _items(spec)
    delay = tuple(dict.fromkeys(i for i in items if i in delay_models))
    routes: list[Route] = []
    for item in (i for i in items if i not in delay_models and i != "auto"):
        routes += _routes(item, distillers, surrogates)
    routes = list(dict.fromkeys(routes))
    first = [r for r in routes if distillers[r.distiller].guess_from is None]
    guided = [r for r in routes if r not in first]
    stages: list[Stage] = []
    if "auto" in items:
        stages.append(Stage("distil", tuple(dict.fromkeys([*AUTO[0].routes, *first]))))
        # a method the user asked for already runs; escalating to it again would change nothing
        stages += [s for s in AUTO[1:] if not set(s.routes) & set(first) or s.library_from]
        if not any(s.name == "search" for s in stages):
            stages = [s for s in stages if not s.library_from]
    elif first:
        stages.append(Stage("distil", tuple(first)))
    for r in guided:
        stages.append(Stage(f"guided {r.label}", (r,), guess_from=distillers[r.distiller].guess_from))
    return Plan(tuple(stages), delay)


# ---------------------------------------------------------------------------- conditions
def needs_search(selection, noise: float, facts: dict | None = None, prepared=None, design_box=None) -> str | None:
    """Why ``auto`` should call symbolic regression after SINDy, or None.

    Four signs that the polynomial library may lack the right function: the pick predicts
    held-out data poorly; it tracks whole held-out segments but drifts from them slowly (a
    truncated Taylor series of a sine or a sigmoid keeps the phase of the data and loses its
    shape); one of its terms is unstable under resampling; or it leans on the
    highest degree tried (a truncated Taylor series of a sine or a rational function looks
    like that; genuine cubic systems such as Duffing's pay a search to have it confirmed).
    ``facts`` are the distillers' facts so far (SINDy's name its highest library degree).

    A fifth, when SINDy explains the data (given ``prepared``, the prepared data): the data may
    not fix the form (:func:`discover.selection.form.form_test`: equally good candidates
    that disagree in the design box ``design_box``, or a next polynomial degree free to swing
    there), as a run that settles on a fixed point leaves a saturating term indistinguishable
    from a polynomial. Its measurements and verdict go into ``facts["form test"]``.
    """
    from discover.core.structure import degree, terms

    best = selection.best
    if best is None:
        return "every SINDy candidate failed on held-out data"
    err = 1.0 - best.scores.get("short_r2", float("-inf")) - noise
    if err > ESCALATE_ERROR:
        return f"SINDy's best candidate leaves {err:.2%} of the variance unexplained on held-out data"
    # both R² on the same scale (the data's variance): a segment's own R² is not, and would
    # read a settled run's tiny offset from its fixed point as a drift
    long_r2 = best.scores.get("long_r2", best.scores.get("validation_r2", 1.0))
    drift = best.scores.get("short_r2", 1.0) - long_r2 - noise
    if best.scores.get("valid_fraction", 0.0) >= 1.0 and drift > SLOW_DRIFT:
        # it tracks every held-out segment to the end (no chaos, no blow-up) yet loses R² over
        # whole segments: a slow, systematic error, the mark of a truncated series
        return f"SINDy's best candidate drifts from the held-out data over whole segments (R² {1 - drift:.3f} of short windows' after the noise)"
    probs = [best.term_confidence.get(v, {}).get(str(t), 1.0) for v, e in best.equations.items() for t in terms(e, 1e-12)]
    if probs and min(probs) < MIN_STABILITY:
        return f"a term of SINDy's best candidate survives only {min(probs):.0%} of bootstrap refits"
    top = max((f.get("highest_degree", 0) for f in (facts or {}).values()), default=0) or 3
    if any(degree(t) >= top for e in best.equations.values() for t in terms(e, 1e-12)):
        return f"SINDy's best candidate uses terms of degree {top}, the highest in its library"
    if prepared is None or prepared.in_sample:
        return None
    from discover.selection.form import form_test

    why, record = form_test(selection, prepared, design_box)
    if facts is not None:
        facts[FORM_TEST] = record
    return why


#: Where the form test's record goes among the facts (``run.json``'s ``distiller_facts``).
FORM_TEST = "form test"


CONDITIONS = {"escalate": needs_search}


def library_extras(candidates) -> tuple:
    """Non-polynomial terms (sympy expressions) found by a search, to offer a library."""
    from discover.core.structure import terms

    out = []
    for c in candidates:
        for e in c.equations.values():
            for t in terms(e, 1e-12):
                if t != 1 and not t.is_polynomial() and t not in out:
                    out.append(t)
    return tuple(out[:MAX_LIBRARY_TERMS])
