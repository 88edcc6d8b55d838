"""Parsing ``--methods``: which surrogate feeds which distiller.

A route is ``distiller`` (derivatives estimated from the data) or ``surrogate+distiller``
(the surrogate's vector field is distilled). ``auto`` expands to the default routes.
"""

from __future__ import annotations

from dataclasses import dataclass

from discover.errors import ConfigError, did_you_mean, shown

AUTO = ("sindy",)
# Methods on time-delay measurements: they model the measured signals, not dx/dt in the CSV's
# variables, so they run beside the routes (discover.delay) and write no equations.json candidate.
DELAY = ("havok", "hankel")
# Distillers and delay models that run a neural network (every surrogate does too).
NETWORK_METHODS = frozenset({"prose", "hankel"})
# Named in the design but not built yet; asking for one is a clear error, not a silent fallback.
PLANNED: set[str] = set()
# `auto` escalates from SINDy to symbolic regression when SINDy's pick predicts held-out
# data worse than this (normalised error beyond the noise), or keeps a term in fewer than
# MIN_STABILITY of its bootstrap refits: signs that the library lacks the right function.
ESCALATE_ERROR = 1e-3
MIN_STABILITY = 0.9


@dataclass(frozen=True)
class Route:
    distiller: str
    surrogate: str | None = None

    @property
    def label(self) -> str:
        return f"{self.surrogate}+{self.distiller}" if self.surrogate else self.distiller


def _items(spec) -> list[str]:
    """The names in ``--methods``, each checked against the registries (no plug-in is imported)."""
    from discover.distillers import REGISTRY as DISTILLERS
    from discover.surrogates import REGISTRY as SURROGATES

    if spec is None:
        spec = "auto"
    if isinstance(spec, str):
        items = spec.split(",")
    elif isinstance(spec, (list, tuple)) and all(isinstance(i, str) for i in spec):
        items = list(spec)
    else:
        raise ConfigError(f"`--methods` must be text such as 'sindy,sr', not {shown(repr(spec))}.")
    items = [i.strip().lower() for i in items if i.strip()]
    if not items:
        raise ConfigError("`--methods` is empty; give auto or a comma-separated list such as sindy.")
    known = sorted(set(DISTILLERS) | set(SURROGATES) | {"auto"} | set(DELAY))
    for item in items:
        if item == "auto" or item in DELAY:
            continue
        parts = item.split("+")
        if len(parts) > 2:
            raise ConfigError(f"Method '{shown(item)}' has more than one '+'; write surrogate+distiller, e.g. node+sindy.")
        for p in parts:
            if p in PLANNED and p not in DISTILLERS and p not in SURROGATES:
                raise ConfigError(
                    f"Method '{p}' is not available in this version of discover; available: {', '.join(known)}."
                )
            if p not in DISTILLERS and p not in SURROGATES:
                raise ConfigError(
                    f"Unknown method '{shown(p)}'{did_you_mean(p, known)}; available: {', '.join(known)}."
                )
        if len(parts) == 2 and (parts[0] not in SURROGATES or parts[1] not in DISTILLERS):
            raise ConfigError(f"Method '{shown(item)}' must be surrogate+distiller (e.g. node+sindy).")
    return items


def check_methods(spec) -> None:
    """Refuse an empty, mistyped or unknown ``--methods`` without importing any plug-in."""
    _items(spec)


def uses_network(spec) -> bool:
    """Whether any method in ``spec`` trains or runs a neural network (so ``--device`` matters)."""
    from discover.surrogates import REGISTRY as SURROGATES

    return any(p in SURROGATES or p in NETWORK_METHODS for item in _items(spec) for p in item.split("+"))


def check_run_settings(methods="auto", seed=0, device="auto", time=None, states=None) -> None:
    """Every setting of a run that can be judged without the data, before anything heavy loads.

    Warns
    -----
    OptionWarning
        ``device="cuda"`` when none of the methods asked for runs a network.
    """
    import warnings

    from discover.options import OptionWarning, check_device, check_seed, check_text, split_names

    check_methods(methods)
    check_seed(seed)
    check_device(device)
    check_text(time, "`--time`")
    split_names(states)
    if device == "cuda" and not uses_network(methods):
        warnings.warn(
            "`--device cuda` has no effect here: none of the methods asked for trains or runs a network "
            f"(only {', '.join(sorted(NETWORK_METHODS))} and surrogates such as node and pinn do).",
            OptionWarning,
            stacklevel=2,
        )


def parse_methods(spec: str | list[str] | None) -> list[Route]:
    """Turn ``"auto"``, ``"sindy"`` or ``"node+sindy,sindy"`` into routes."""
    from discover.distillers import REGISTRY as DISTILLERS
    from discover.surrogates import REGISTRY as SURROGATES

    items = [i for i in _items(spec) if i not in DELAY]
    routes: list[Route] = []
    for item in items:
        if item == "auto":
            routes += [Route(d) for d in AUTO]
            continue
        parts = item.split("+")
        if len(parts) == 1:
            name = parts[0]
            if name in DISTILLERS:
                routes.append(Route(name))
            else:
                for d in getattr(SURROGATES[name], "default_distillers", ("sindy",)):
                    routes.append(Route(d, name))
        else:
            s, d = parts
            routes.append(Route(d, s))
    seen, out = set(), []
    for r in routes:
        if r.label not in seen:
            seen.add(r.label)
            out.append(r)
    return out


def delay_methods(spec) -> list[str]:
    """The time-delay methods named in ``--methods`` (havok, hankel), in order."""
    items = spec.split(",") if isinstance(spec, str) else list(spec or [])
    return [m for m in dict.fromkeys(i.strip().lower() for i in items) if m in DELAY]


def is_auto(spec) -> bool:
    items = spec.split(",") if isinstance(spec, str) else list(spec or ["auto"])
    return any(i.strip().lower() == "auto" for i in items) or spec is None


def needs_search(selection, noise: float, top_degree: int = 3) -> str | None:
    """Why ``auto`` should call symbolic regression after SINDy, or None.

    Three signs that the polynomial library may lack the right function: the pick predicts
    held-out data poorly; one of its terms is unstable under resampling; or it leans on the
    highest degree tried (a truncated Taylor series of a sine or a rational function looks
    like that; genuine cubic systems such as Duffing's pay a search to have it confirmed).
    """
    from discover.structure import _degree, terms

    best = selection.best
    if best is None:
        return "every SINDy candidate failed on held-out data"
    err = 1.0 - best.scores.get("short_r2", float("-inf")) - noise
    if err > ESCALATE_ERROR:
        return f"SINDy's best candidate leaves {err:.2%} of the variance unexplained on held-out data"
    probs = [best.term_confidence.get(v, {}).get(str(t), 1.0) for v, e in best.equations.items() for t in terms(e, 1e-12)]
    if probs and min(probs) < MIN_STABILITY:
        return f"a term of SINDy's best candidate survives only {min(probs):.0%} of bootstrap refits"
    if any(_degree(t) >= top_degree for e in best.equations.values() for t in terms(e, 1e-12)):
        return f"SINDy's best candidate uses terms of degree {top_degree}, the highest in its library"
    return None


def library_extras(candidates) -> tuple:
    """Non-polynomial terms found by symbolic regression (sympy expressions), to offer SINDy as
    library functions."""
    from discover.structure import terms

    out = []
    for c in candidates:
        for e in c.equations.values():
            for t in terms(e, 1e-12):
                if t != 1 and not t.is_polynomial() and t not in out:
                    out.append(t)
    return tuple(out[:12])
