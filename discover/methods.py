"""Parsing ``--methods``: which surrogate feeds which distiller.

A route is ``distiller`` (derivatives estimated from the data) or ``surrogate+distiller``
(the surrogate's vector field is distilled). ``auto`` expands to the default routes.
"""

from __future__ import annotations

from dataclasses import dataclass

from discover.errors import ConfigError, did_you_mean

AUTO = ("sindy",)
# Named in the design; each lands with its own issue. Asking for one before then is a
# clear error, not a silent fallback.
PLANNED = {"sr", "node", "pinn", "hankel", "havok", "prose"}


@dataclass(frozen=True)
class Route:
    distiller: str
    surrogate: str | None = None

    @property
    def label(self) -> str:
        return f"{self.surrogate}+{self.distiller}" if self.surrogate else self.distiller


def parse_methods(spec: str | list[str] | None) -> list[Route]:
    """Turn ``"auto"``, ``"sindy"`` or ``"node+sindy,sindy"`` into routes."""
    from discover.distillers import REGISTRY as DISTILLERS
    from discover.surrogates import REGISTRY as SURROGATES

    if spec is None:
        spec = "auto"
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    items = [i.strip().lower() for i in items if i.strip()]
    if not items:
        raise ConfigError("`--methods` is empty; give auto or a comma-separated list such as sindy.")
    known = sorted(set(DISTILLERS) | set(SURROGATES) | {"auto"})
    routes: list[Route] = []
    for item in items:
        if item == "auto":
            routes += [Route(d) for d in AUTO]
            continue
        parts = item.split("+")
        if len(parts) > 2:
            raise ConfigError(f"Method '{item}' has more than one '+'; write surrogate+distiller, e.g. node+sindy.")
        for p in parts:
            if p in PLANNED and p not in DISTILLERS and p not in SURROGATES:
                raise ConfigError(
                    f"Method '{p}' is not available in this version of discover; available: {', '.join(known)}."
                )
            if p not in DISTILLERS and p not in SURROGATES:
                raise ConfigError(f"Unknown method '{p}'{did_you_mean(p, known)}; available: {', '.join(known)}.")
        if len(parts) == 1:
            name = parts[0]
            if name in DISTILLERS:
                routes.append(Route(name))
            else:
                routes.append(Route(getattr(SURROGATES[name], "default_distiller", "sindy"), name))
        else:
            s, d = parts
            if s not in SURROGATES or d not in DISTILLERS:
                raise ConfigError(f"Method '{item}' must be surrogate+distiller (e.g. node+sindy).")
            routes.append(Route(d, s))
    seen, out = set(), []
    for r in routes:
        if r.label not in seen:
            seen.add(r.label)
            out.append(r)
    return out
