"""ODEBench: the 63 published systems of d'Ascoli et al. (2024, ODEFormer), as reference systems.

The data file (``strogatz_extended.json``, MIT licence; see ``ATTRIBUTION.md`` beside it) writes
each system as text: the right-hand sides joined by ``|`` on the variables ``x_0, x_1, ...``,
constants ``c_0, c_1, ...`` whose values are the first (only) row of ``consts``, ``^`` for a
power, and two initial states in ``init`` (ODEFormer fits on the first and measures
generalisation from the second). The text is data: it is read only by the restricted parser of
:mod:`discover.core.expressions` (through :meth:`System.equations`), after two spellings that
parser does not know are rewritten: ``^`` as ``**``, and ``cot(a)`` as ``(cos(a)/sin(a))``, as
ODEFormer's own evaluation does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from discover.core.errors import ConfigError
from discover.systems.system import System

DATA = Path(__file__).with_name("strogatz_extended.json")
SOURCE = "https://github.com/sdascoli/odeformer (odeformer/odebench/strogatz_extended.json)"
_COT = re.compile(r"\bcot\(([^()]*)\)")


@dataclass(frozen=True)
class OdeBenchSystem:
    """One ODEBench system.

    Attributes
    ----------
    id : int
        The number ODEBench gives it (1 to 63).
    system : System
        Variables ``x_0, x_1, ...``, right-hand sides with the parameters ``c_i``, their values,
        and the first initial state as ``x0``.
    initial_states : tuple of tuple of float
        The published initial states: fit on the first, generalise from the second.
    published_states : list of dict
        Per initial state, ``t`` and ``y`` of two samples of the published solution.
    """

    id: int
    system: System
    initial_states: tuple[tuple[float, ...], ...]
    published_states: tuple = ()

    @property
    def name(self) -> str:
        return self.system.name


def _python_syntax(text: str, where: str) -> str:
    text = _COT.sub(r"(cos(\1)/sin(\1))", text).replace("^", "**")
    if "cot" in text:
        raise ConfigError(f"{where}: a cot() with a nested argument cannot be rewritten; write it as cos()/sin().")
    return text.strip()


def _system(entry: dict) -> OdeBenchSystem:
    ident = int(entry["id"])
    name = f"odebench_{ident:02d}"
    dim = int(entry["dim"])
    parts = str(entry["eq"]).split("|")
    if len(parts) != dim:
        raise ConfigError(f"ODEBench system {ident}: {len(parts)} right-hand sides for dimension {dim}; "
                          "the data file is damaged (reinstall discover).")
    consts = entry["consts"][0] if entry["consts"] else []
    variables = tuple(f"x_{i}" for i in range(dim))
    rhs = tuple(_python_syntax(p, f"ODEBench system {ident}") for p in parts)
    inits = tuple(tuple(float(v) for v in x) for x in entry["init"])
    system = System(name=name, description=f"{entry['eq_description']} (ODEBench {ident}, {entry['source']})",
                    variables=variables, rhs=rhs, params={f"c_{i}": float(c) for i, c in enumerate(consts)},
                    x0=inits[0], spread=tuple(0.0 for _ in variables), t_end=10.0, polynomial=False)
    return OdeBenchSystem(ident, system, inits, tuple(entry.get("published_states", ())))


def load(path: str | Path | None = None) -> list[OdeBenchSystem]:
    """The ODEBench systems, in their published order (the vendored file unless ``path`` is given)."""
    path = Path(path) if path is not None else DATA
    if not path.is_file():
        raise ConfigError(f"The ODEBench data file {path} is missing; reinstall discover (it ships with the package).")
    return [_system(e) for e in json.loads(path.read_text())]


def select(systems: list[OdeBenchSystem], names: tuple[str, ...] | None) -> list[OdeBenchSystem]:
    """The systems named by ODEBench number (``7``) or name (``odebench_07``); all when ``names`` is None."""
    if not names:
        return list(systems)
    by_key = {str(s.id): s for s in systems} | {s.name: s for s in systems}
    out = []
    for n in names:
        key = n.strip()
        key = str(int(key)) if key.isdigit() else key
        if key not in by_key:
            raise ConfigError(f"'{key[:40]}' is not an ODEBench system; give numbers 1 to {len(systems)} "
                              f"(or names such as odebench_07).")
        out.append(by_key[key])
    return out
