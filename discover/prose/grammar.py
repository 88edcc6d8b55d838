"""The expression family the PROSE model writes, and its tokens.

An equation is a sum of :class:`Term`; a term is ``coef * x0**p0 * x1**p1 * x2**p2 * g``
where ``g`` is 1 or one of ``sin(k*xv)``, ``cos(k*xv)``, ``exp(k*xv)``, ``1/(k + xv)``.
This covers polynomial systems up to any degree plus the usual non-polynomial families
(pendulum, Michaelis-Menten, Arrhenius-like rates).

Tokens are prefix notation, as in PROSE and ODEFormer: binary ``add`` and ``mul``, unary
``sin``/``cos``/``exp``/``inv``/``pow2``/``pow3``, variables ``x0..x2``, and every number as
three tokens: sign, a three-digit mantissa and a power of ten. Equations are separated by
``|``. The tokenizer is written here because no library encodes sympy expressions this way;
sympy is used for everything else (reading guesses, building the decoded expressions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

MAX_DIM = 3
FUNCS = ("sin", "cos", "exp", "rat")
PAD, BOS, EOS, SEP, NONE = "<pad>", "<bos>", "<eos>", "|", "<none>"
SIGNS = ("+", "-")
MANTISSAS = tuple(f"m{i}" for i in range(100, 1000))
EXPONENTS = tuple(f"e{i}" for i in range(-6, 5))
OPS = ("add", "mul", "sin", "cos", "exp", "inv", "pow2", "pow3")
VARS = tuple(f"x{i}" for i in range(MAX_DIM))
VOCAB = (PAD, BOS, EOS, SEP, NONE) + OPS + VARS + SIGNS + MANTISSAS + EXPONENTS
INDEX = {tok: i for i, tok in enumerate(VOCAB)}
MAX_TERMS = 6  # per equation, in generated systems


@dataclass(frozen=True)
class Term:
    """``coef * prod(x_j ** powers[j]) * g``; ``func`` is None or (kind, variable, k)."""

    coef: float
    powers: tuple[int, ...]
    func: tuple[str, int, float] | None = None

    def shape(self) -> tuple:
        """The term without its numbers (what 'same structure' compares)."""
        return (self.powers, None if self.func is None else self.func[:2])


@dataclass
class System:
    """One right-hand side (a list of terms) per state variable."""

    equations: list[list[Term]] = field(default_factory=list)

    @property
    def dim(self) -> int:
        return len(self.equations)

    def shapes(self) -> tuple:
        return tuple(frozenset(t.shape() for t in eq) for eq in self.equations)

    def scaled(self, sigma: Sequence[float], span: float) -> "System":
        """The same system in coordinates ``x~ = x / sigma`` and ``t~ = t / span``.

        Monomials stay monomials, so the structure is unchanged; only numbers move.
        """
        out = []
        for i, eq in enumerate(self.equations):
            new = []
            for t in eq:
                c = t.coef * span / sigma[i]
                for j, p in enumerate(t.powers):
                    c *= sigma[j] ** p
                func = t.func
                if func is not None:
                    kind, v, k = func
                    if kind == "rat":  # 1/(k + s y) = (1/s) / (k/s + y)
                        c /= sigma[v]
                        func = (kind, v, k / sigma[v])
                    else:
                        func = (kind, v, k * sigma[v])
                new.append(Term(c, t.powers, func))
            out.append(new)
        return System(out)


# ---------------------------------------------------------------- numbers
def encode_number(v: float) -> list[str]:
    """Sign, three significant digits and a power of ten: 0.0123 -> + m123 e-4."""
    if not math.isfinite(v) or v == 0:
        return ["+", "m100", "e-6"]
    e = math.floor(math.log10(abs(v))) - 2
    m = round(abs(v) / 10.0**e)
    if m >= 1000:
        m, e = round(m / 10), e + 1
    e = min(max(e, -6), 4)
    m = min(max(m, 100), 999)
    return ["+" if v > 0 else "-", f"m{m}", f"e{e}"]


def decode_number(toks: Sequence[str]) -> float:
    s, m, e = toks
    return (1.0 if s == "+" else -1.0) * int(m[1:]) * 10.0 ** int(e[1:])


# ---------------------------------------------------------------- terms <-> tokens
def _product(factors: list[list[str]]) -> list[str]:
    out: list[str] = []
    for f in factors[:-1]:
        out += ["mul"] + f
    return out + factors[-1] if factors else out


def term_tokens(t: Term) -> list[str]:
    factors: list[list[str]] = [encode_number(t.coef)]
    for j, p in enumerate(t.powers):
        if p == 1:
            factors.append([f"x{j}"])
        elif p in (2, 3):
            factors.append([f"pow{p}", f"x{j}"])
        elif p > 3:
            factors += [[f"x{j}"]] * p
    if t.func is not None:
        kind, v, k = t.func
        if kind == "rat":
            factors.append(["inv", "add"] + encode_number(k) + [f"x{v}"])
        else:
            factors.append([kind, "mul"] + encode_number(k) + [f"x{v}"])
    return _product(factors)


def _order(t: Term) -> tuple:
    f = t.func
    return (0 if f is None else 1 + FUNCS.index(f[0]), sum(t.powers), tuple(-p for p in t.powers),
            -1 if f is None else f[1])


def equation_tokens(eq: list[Term]) -> list[str]:
    ts = sorted(eq, key=_order)
    if not ts:
        return encode_number(0.0)
    out: list[str] = []
    for t in ts[:-1]:
        out += ["add"] + term_tokens(t)
    return out + term_tokens(ts[-1])


def system_tokens(system: System) -> list[str]:
    out = [BOS]
    for i, eq in enumerate(system.equations):
        if i:
            out.append(SEP)
        out += equation_tokens(eq)
    return out + [EOS]


class _Reader:
    def __init__(self, toks: Sequence[str], dim: int):
        self.toks, self.i, self.dim = list(toks), 0, dim

    def next(self) -> str:
        if self.i >= len(self.toks):
            raise ValueError("token sequence ends early")
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def number(self, first: str) -> float:
        if first not in SIGNS:
            raise ValueError(f"expected a number, got {first}")
        m, e = self.next(), self.next()
        if not (m.startswith("m") and e.startswith("e")):
            raise ValueError("malformed number")
        return decode_number([first, m, e])

    def var(self, tok: str) -> int:
        if tok not in VARS or int(tok[1:]) >= self.dim:
            raise ValueError(f"unexpected variable {tok}")
        return int(tok[1:])

    def factor(self, tok: str, acc: dict):
        """Read one factor of a product into ``acc`` (coef, powers, func)."""
        if tok == "mul":
            self.factor(self.next(), acc)
            self.factor(self.next(), acc)
        elif tok in SIGNS:
            acc["coef"] *= self.number(tok)
        elif tok in VARS:
            acc["powers"][self.var(tok)] += 1
        elif tok in ("pow2", "pow3"):
            acc["powers"][self.var(self.next())] += int(tok[-1])
        elif tok in ("sin", "cos", "exp", "inv"):
            if acc["func"] is not None:
                raise ValueError("two non-polynomial factors in one term")
            inner = self.next()
            if inner != ("add" if tok == "inv" else "mul"):
                raise ValueError("malformed function argument")
            k = self.number(self.next())
            v = self.var(self.next())
            acc["func"] = ("rat" if tok == "inv" else tok, v, k)
        else:
            raise ValueError(f"unexpected token {tok}")

    def equation(self) -> list[Term]:
        tok = self.next()
        if tok == "add":
            return self.equation() + self.equation()
        acc = {"coef": 1.0, "powers": [0] * self.dim, "func": None}
        self.factor(tok, acc)
        return [Term(acc["coef"], tuple(acc["powers"]), acc["func"])]


def parse_tokens(toks: Sequence[str], dim: int) -> System:
    """Tokens (with or without BOS/EOS) back to a :class:`System`; ValueError if malformed."""
    toks = [t for t in toks if t not in (BOS, PAD)]
    if EOS in toks:
        toks = toks[: toks.index(EOS)]
    parts: list[list[str]] = [[]]
    for t in toks:
        if t == SEP:
            parts.append([])
        else:
            parts[-1].append(t)
    if len(parts) != dim:
        raise ValueError(f"expected {dim} equations, got {len(parts)}")
    eqs = []
    for part in parts:
        r = _Reader(part, dim)
        eq = r.equation()
        if r.i != len(part):
            raise ValueError("trailing tokens")
        eqs.append(_merge(eq))
    return System(eqs)


def _merge(eq: list[Term]) -> list[Term]:
    """Add up terms of the same shape (a decoded sequence may repeat one)."""
    out: dict = {}
    for t in eq:
        key = (t.powers, t.func)
        out[key] = out.get(key, 0.0) + t.coef
    return [Term(c, p, f) for (p, f), c in out.items() if c != 0]


# ---------------------------------------------------------------- sympy <-> terms
def to_sympy(system: System, names: Sequence[str]) -> list:
    import sympy as sp

    xs = [sp.Symbol(n) for n in names]
    out = []
    for eq in system.equations:
        expr = sp.Integer(0)
        for t in eq:
            e = sp.Float(t.coef, 15)
            for x, p in zip(xs, t.powers):
                e *= x**p
            if t.func is not None:
                kind, v, k = t.func
                kf = sp.Integer(1) if k == 1 else sp.Float(k, 15)  # sin(x), not sin(1.0*x)
                if kind == "rat":
                    e *= 1 / (kf + xs[v])
                else:
                    e *= getattr(sp, kind)(kf * xs[v])
            expr += e
        out.append(expr)
    return out


def from_sympy(exprs: Sequence, names: Sequence[str]) -> System:
    """Sympy right-hand sides to a :class:`System`; ValueError if outside the family."""
    import sympy as sp

    from discover.core.expressions import as_expr

    xs = [sp.Symbol(n) for n in names]
    index = {x: i for i, x in enumerate(xs)}
    eqs = []
    for expr in exprs:
        expr = sp.expand(as_expr(expr))
        terms = []
        for term in sp.Add.make_args(expr):
            if term == 0:
                continue
            coef, powers, func = 1.0, [0] * len(xs), None
            for f in sp.Mul.make_args(term):
                if f.is_number:
                    coef *= float(f)
                elif f in index:
                    powers[index[f]] += 1
                elif f.is_Pow and f.base in index and f.exp.is_Integer and int(f.exp) > 0:
                    powers[index[f.base]] += int(f.exp)
                elif func is None and (f.func in (sp.sin, sp.cos, sp.exp) or
                                       (f.is_Pow and f.exp == -1 and f.base.is_Add)):
                    func = _function(f, index)
                else:
                    raise ValueError(f"factor {f} is outside the PROSE expression family")
            terms.append(Term(coef, tuple(powers), func))
        eqs.append(_merge(terms))
    return System(eqs)


def _function(f, index) -> tuple[str, int, float]:

    if f.is_Pow:  # 1/(k + x)
        consts = [a for a in f.base.args if a.is_number]
        rest = [a for a in f.base.args if not a.is_number]
        if len(consts) != 1 or len(rest) != 1 or rest[0] not in index:
            raise ValueError(f"{f} is not of the form 1/(k + x)")
        return ("rat", index[rest[0]], float(consts[0]))
    arg = f.args[0]
    k, rest = arg.as_coeff_Mul()
    if rest not in index:
        raise ValueError(f"{f} is not of the form {f.func.__name__}(k*x)")
    return (f.func.__name__, index[rest], float(k))


def ids(tokens: Sequence[str]) -> list[int]:
    return [INDEX[t] for t in tokens]


def words(token_ids: Sequence[int]) -> list[str]:
    return [VOCAB[i] for i in token_ids]
