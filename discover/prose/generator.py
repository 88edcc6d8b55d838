"""Random ODE systems of the PROSE family, solved in batches, as training examples.

A system has 1 to 3 variables; each equation is a sum of 1 to 6 terms drawn from monomials
up to degree 3 and, in some systems, one sin/cos/exp/rational factor. Coefficients and
initial states are random; systems whose solutions blow up or sit still are rejected, and so
is any system that is a reference system (same structure, coefficients within 10%), so that
evaluating on the reference systems stays fair.

Every system is solved by a batched fixed-step RK4 in PyTorch (thousands at once, on the GPU
when there is one: scipy would solve them one by one). Structures are sampled with NumPy from
``(seed, chunk)`` so the same seed gives the same systems on any machine.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from discover.prose.grammar import FUNCS, MAX_DIM, MAX_TERMS, System, Term, system_tokens

GRID = 257  # recorded states per trajectory, on t~ in [0, 1]
SUBSTEPS = 4  # RK4 steps between recorded states


@dataclass(frozen=True)
class GeneratorConfig:
    """What the random systems look like."""

    dim_probs: tuple[float, ...] = (0.2, 0.35, 0.45)
    term_probs: tuple[float, ...] = (0.12, 0.3, 0.26, 0.17, 0.1, 0.05)
    degree_weights: tuple[float, ...] = (0.6, 3.0, 2.0, 1.0)
    nonpoly_prob: float = 0.35
    coef_range: tuple[float, float] = (0.05, 5.0)
    span_range: tuple[float, float] = (1.0, 15.0)
    positive_prob: float = 0.3
    max_abs: float = 1e3
    min_term_share: float = 0.05  # every term's RMS at least this share of its equation's


@lru_cache(maxsize=None)
def monomials(dim: int, max_degree: int = 3) -> tuple[tuple[int, ...], ...]:
    out = [p for p in itertools.product(range(max_degree + 1), repeat=dim) if sum(p) <= max_degree]
    return tuple(sorted(out, key=lambda p: (sum(p), tuple(-q for q in p))))


@lru_cache(maxsize=None)
def _weights(dim: int, degree_weights: tuple) -> np.ndarray:
    monos = monomials(dim)
    count = np.bincount([sum(p) for p in monos])
    w = np.array([degree_weights[sum(p)] / count[sum(p)] for p in monos])
    return w / w.sum()


def _log_uniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def sample_system(rng: np.random.Generator, cfg: GeneratorConfig = GeneratorConfig()) -> tuple[System, np.ndarray, float]:
    """One random system (raw coordinates), an initial state and a time span."""
    while True:
        dim = int(rng.choice(len(cfg.dim_probs), p=cfg.dim_probs)) + 1
        monos = monomials(dim)
        w = _weights(dim, cfg.degree_weights)
        eqs = []
        for _ in range(dim):
            n = int(rng.choice(len(cfg.term_probs), p=cfg.term_probs)) + 1
            chosen = rng.choice(len(monos), size=min(n, len(monos)), replace=False, p=w)
            eqs.append([Term(_coef(rng, cfg), monos[i]) for i in sorted(chosen)])
        if rng.random() < cfg.nonpoly_prob:
            i = int(rng.integers(dim))
            kind = FUNCS[int(rng.choice(4, p=[0.3, 0.2, 0.2, 0.3]))]
            v = int(rng.integers(dim))
            k = {"sin": lambda: rng.uniform(0.5, 3.0), "cos": lambda: rng.uniform(0.5, 3.0),
                 "exp": lambda: rng.choice([-1, 1]) * rng.uniform(0.2, 1.5), "rat": lambda: rng.uniform(0.2, 3.0)}[kind]()
            m = int(rng.integers(dim)) if rng.random() < 0.5 else -1  # times one variable, or alone
            powers = tuple(int(j == m) for j in range(dim))
            term = Term(_coef(rng, cfg), powers, (kind, v, float(k)))
            if len(eqs[i]) >= MAX_TERMS:
                eqs[i][int(rng.integers(len(eqs[i])))] = term
            else:
                eqs[i].append(term)
        system = System(eqs)
        if any(not eq for eq in eqs) or is_reference(system):
            continue
        positive = rng.random() < cfg.positive_prob or any(t.func and t.func[0] == "rat" for eq in eqs for t in eq)
        x0 = rng.uniform(0.1, 3.0, dim) if positive else rng.uniform(-2.0, 2.0, dim)
        return system, x0, _log_uniform(rng, *cfg.span_range)


def _coef(rng, cfg) -> float:
    return float(rng.choice([-1.0, 1.0]) * _log_uniform(rng, *cfg.coef_range))


@lru_cache(maxsize=1)
def _references() -> list[tuple]:
    from discover.prose.grammar import from_sympy
    from discover.systems.catalog import SYSTEMS

    out = []
    for s in SYSTEMS.values():
        if s.inputs:  # PROSE models autonomous systems only
            continue
        eqs = s.equations()
        try:
            ref = from_sympy([eqs[v] for v in s.variables], s.variables)
        except ValueError:
            continue  # outside the family PROSE generates (a Hill term, a sigmoid): never generated
        out.append((ref.shapes(), ref))
    return out


def is_reference(system: System, rel: float = 0.1) -> bool:
    """Same structure as a reference system and every coefficient within ``rel``."""
    shapes = system.shapes()
    for ref_shapes, ref in _references():
        if ref_shapes != shapes:
            continue
        close = True
        for a, b in zip(ref.equations, system.equations):
            cb = {t.shape(): t.coef for t in b}
            close &= all(abs(cb[t.shape()] - t.coef) <= rel * abs(t.coef) for t in a)
        if close:
            return True
    return False


# ------------------------------------------------------------------ batched solving
@dataclass
class Batch:
    """Systems as padded tensors, so one RK4 step advances all of them."""

    coef: torch.Tensor  # (B, D, T)
    powers: torch.Tensor  # (B, D, T, D) long
    kind: torch.Tensor  # (B, D, T) long: 0 none, 1 sin, 2 cos, 3 exp, 4 rat
    var: torch.Tensor  # (B, D, T) long
    k: torch.Tensor  # (B, D, T)
    span: torch.Tensor  # (B,)

    @classmethod
    def from_systems(cls, systems, spans, device) -> "Batch":
        B, D, T = len(systems), MAX_DIM, MAX_TERMS + 1
        coef = np.zeros((B, D, T))
        powers = np.zeros((B, D, T, D), dtype=np.int64)
        kind = np.zeros((B, D, T), dtype=np.int64)
        var = np.zeros((B, D, T), dtype=np.int64)
        k = np.zeros((B, D, T))
        for b, s in enumerate(systems):
            for i, eq in enumerate(s.equations):
                for j, t in enumerate(eq):
                    coef[b, i, j] = t.coef
                    powers[b, i, j, : len(t.powers)] = t.powers
                    if t.func is not None:
                        kind[b, i, j] = 1 + FUNCS.index(t.func[0])
                        var[b, i, j], k[b, i, j] = t.func[1], t.func[2]
        f = lambda a: torch.as_tensor(a, dtype=torch.float32, device=device)  # noqa: E731
        g = lambda a: torch.as_tensor(a, device=device)  # noqa: E731
        return cls(f(coef), g(powers), g(kind), g(var), f(k), f(np.asarray(spans)))

    def rhs(self, x: torch.Tensor) -> torch.Tensor:
        """d x / d t~ for states x of shape (B, D), time rescaled by each system's span."""
        return self.terms(x).sum(-1) * self.span[:, None]

    def terms(self, x: torch.Tensor) -> torch.Tensor:
        """Value of every term (B, D, T) at states x (B, D), before the time rescaling."""
        B, D, T, _ = self.powers.shape
        pw = torch.stack([torch.ones_like(x), x, x * x, x * x * x], dim=-1)  # (B, D, 4)
        idx = self.powers.clamp(max=3).permute(0, 3, 1, 2).reshape(B, D, D * T)  # (B, Dvar, D*T)
        mono = torch.gather(pw, 2, idx).prod(dim=1).reshape(B, D, T)
        xv = torch.gather(x, 1, self.var.reshape(B, D * T)).reshape(B, D, T)
        arg = self.k * xv
        g = torch.ones_like(arg)
        g = torch.where(self.kind == 1, torch.sin(arg), g)
        g = torch.where(self.kind == 2, torch.cos(arg), g)
        g = torch.where(self.kind == 3, torch.exp(arg.clamp(max=30.0)), g)
        g = torch.where(self.kind == 4, 1.0 / (self.k + xv), g)
        return self.coef * mono * g

    @torch.no_grad()
    def weakest_term(self, traj: torch.Tensor, every: int = 8) -> torch.Tensor:
        """Per system, the smallest RMS of any present term relative to the RMS of its equation,
        over the solved states (B, GRID, D). A term far below the rest is invisible in data,
        and a model cannot learn to name what it cannot see."""
        present = self.coef != 0
        sq_terms = torch.zeros_like(self.coef)
        sq_total = torch.zeros_like(self.coef[..., 0])
        n = 0
        for i in range(0, traj.shape[1], every):
            v = self.terms(torch.nan_to_num(traj[:, i]))
            sq_terms += v**2
            sq_total += v.sum(-1) ** 2
            n += 1
        rel = torch.sqrt(sq_terms / n) / (torch.sqrt(sq_total / n)[..., None] + 1e-12)
        return torch.where(present, rel, torch.full_like(rel, float("inf"))).amin(dim=(1, 2))


@torch.no_grad()
def solve(batch: Batch, x0: torch.Tensor, max_abs: float = 1e3) -> torch.Tensor:
    """RK4 on t~ in [0, 1]; returns states (B, GRID, D), NaN from a blow-up onwards."""
    h = 1.0 / ((GRID - 1) * SUBSTEPS)
    x = x0.clone()
    out = [x]
    for _ in range(GRID - 1):
        for _ in range(SUBSTEPS):
            k1 = batch.rhs(x)
            k2 = batch.rhs(x + 0.5 * h * k1)
            k3 = batch.rhs(x + 0.5 * h * k2)
            k4 = batch.rhs(x + h * k3)
            x = x + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
            x = torch.where(x.abs() > max_abs, torch.full_like(x, float("nan")), x)
        out.append(x)
    return torch.stack(out, dim=1)


def usable(traj: np.ndarray, dim: int, max_abs: float = 1e3) -> bool:
    """Finite, bounded, and every variable still moving after the first quarter."""
    x = traj[:, :dim]
    if not np.all(np.isfinite(x)) or np.abs(x).max() > max_abs:
        return False
    late = x[GRID // 4:]
    scale = np.sqrt(np.mean(x**2, axis=0)) + 1e-8
    return bool(np.all(late.std(axis=0) > 0.02 * scale))


# ------------------------------------------------------------------ examples
@dataclass
class Example:
    """A solved system, normalised as the model sees it."""

    system: System  # in normalised coordinates x~ = x / sigma, t~ = t / span
    traj: np.ndarray  # (GRID, MAX_DIM) normalised clean states, zero-padded
    deriv: np.ndarray  # (GRID, MAX_DIM) d x~ / d t~ at those states
    dim: int


def scale_of(x: np.ndarray) -> np.ndarray:
    """Per-variable scale used to normalise states: the root mean square (never zero)."""
    return np.maximum(np.sqrt(np.mean(np.asarray(x) ** 2, axis=0)), 1e-6)


def solve_examples(drawn: list, device="cpu", cfg: GeneratorConfig = GeneratorConfig()) -> list[Example]:
    """Solve drawn ``(system, x0, span)`` triples in one batch; keep the usable, identifiable ones."""
    batch = Batch.from_systems([d[0] for d in drawn], [d[2] for d in drawn], device)
    x0 = np.zeros((len(drawn), MAX_DIM))
    for b, d in enumerate(drawn):
        x0[b, : d[0].dim] = d[1]
    sol = solve(batch, torch.as_tensor(x0, dtype=torch.float32, device=device), cfg.max_abs)
    weakest = batch.weakest_term(sol).cpu().numpy()
    B, G, D = sol.shape
    flat = torch.nan_to_num(sol).reshape(B, G, D)
    deriv = torch.stack([batch.rhs(flat[:, i]) for i in range(G)], dim=1).cpu().numpy()
    sol = sol.cpu().numpy()
    out = []
    for (system, _, span), tr, dx, w in zip(drawn, sol, deriv, weakest):
        if not usable(tr, system.dim, cfg.max_abs) or w < cfg.min_term_share:
            continue
        sigma = scale_of(tr[:, : system.dim])
        norm, dnorm = np.zeros_like(tr), np.zeros_like(tr)
        norm[:, : system.dim] = tr[:, : system.dim] / sigma
        dnorm[:, : system.dim] = dx[:, : system.dim] / sigma
        if np.abs(norm).max() > 50:  # a spike that the RMS hides; rare, and useless to learn from
            continue
        out.append(Example(system.scaled(sigma, span), norm.astype(np.float32), dnorm.astype(np.float32),
                           system.dim))
    return out


def make_examples(seed: int, chunk: int, n: int, device="cpu", cfg: GeneratorConfig = GeneratorConfig()) -> list[Example]:
    """Solve ``n`` random systems of chunk ``chunk`` and keep the usable ones (deterministic)."""
    rng = np.random.default_rng([seed, chunk])
    return solve_examples([sample_system(rng, cfg) for _ in range(n)], device, cfg)


def corrupt(system: System, rng: np.random.Generator) -> System:
    """A plausible wrong guess: terms dropped, spurious terms added, coefficients perturbed
    (what a sparse regression on noisy data might hand the model)."""
    monos = monomials(system.dim)
    eqs = []
    for eq in system.equations:
        new = [Term(t.coef * (1 + 0.2 * rng.standard_normal()), t.powers, t.func) for t in eq
               if rng.random() > 0.2]
        if rng.random() < 0.4:
            scale = np.median([abs(t.coef) for t in eq])
            new.append(Term(float(rng.choice([-1, 1]) * scale * rng.uniform(0.05, 0.5)),
                            monos[int(rng.integers(len(monos)))]))
        eqs.append(new or eq[:1])
    return System(eqs)


def tokens_of(example: Example, rng: np.random.Generator, guess_prob: float = 0.5) -> tuple[list[str], list[str] | None]:
    """Target tokens and (sometimes) the tokens of a corrupted guess."""
    target = system_tokens(example.system)
    guess = system_tokens(corrupt(example.system, rng)) if rng.random() < guess_prob else None
    return target, guess
