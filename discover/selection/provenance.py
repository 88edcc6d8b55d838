"""Which search proposed each term of a candidate, and which agreements are independent.

Agreement across methods corroborates a structure only when the methods found it each on their
own. SINDy run with the functions symbolic regression found in its library "agrees" with
symbolic regression whenever it keeps them, and that says nothing new about the form: the form
was proposed once. So each candidate records, for every term beyond the polynomials, the search
that proposed it (``settings["proposed_by"]``: per variable, the term written on the identifiers
of ``equations.json`` -> the proposing search): its own route (symbolic regression, SINDy-PI,
SINDy's configured library, PROSE) or the one that offered the term to its library (``sr`` for
SINDy's library stage) or :data:`GIVEN` for the terms of the user's known part that a surrogate
offers (the user's knowledge, not a search's proposal: they neither corroborate nor need
corroboration). A candidate's *origin* is the set of searches behind its non-polynomial terms
(its own method when it has none), and two candidates agree independently only when their
origins do not meet.
"""

from __future__ import annotations

from discover.core.expressions import identifiers, to_text
from discover.core.structure import shape, skeleton, terms

KEY = "proposed_by"
GIVEN = "known"  # terms of the user's known part (a surrogate's library terms): given, not proposed by a search


def _polynomial(term) -> bool:
    return term.is_polynomial(*term.free_symbols)


def _offered(term, offered, skeletons) -> bool:
    """Whether ``term`` is one of the ``offered`` library terms (its constants may have been rounded since)."""
    return term in offered or skeleton(term) in skeletons


def stamp(candidates, own: str, offered=(), offered_by: str = "", names=()) -> None:
    """Record in each candidate's settings who proposed each of its non-polynomial terms.

    Parameters
    ----------
    candidates : list of Candidate
        Found by one route; their ``settings`` get :data:`KEY` (a new dict: settings may be shared).
    own : str
        The route's label: the proposer of every term not offered to it.
    offered : tuple of sympy.Expr
        Terms another search offered to the route's library (``Samples.library_terms``).
    offered_by : str
        That search's name (``Samples.library_by``).
    names : sequence of str
        Every variable a right-hand side reads (states, then inputs), for the identifiers of the terms' text.
    """
    offered = tuple(offered)
    skeletons = {skeleton(t) for t in offered}
    ids = identifiers(list(names)) if names else None
    for c in candidates:
        table = {}
        for v, e in c.equations.items():
            row = {}
            for t in terms(e, 1e-12):
                if t == 1 or _polynomial(t):
                    continue
                who = (offered_by or "library") if offered and _offered(t, offered, skeletons) else own
                row[to_text(t, ids or identifiers(sorted(str(s) for s in t.free_symbols)))] = who
            if row:
                table[v] = row
        c.settings = {**c.settings, KEY: table}


def origin(c) -> frozenset:
    """The searches behind the candidate's non-polynomial terms; its own method when it has none
    (or was not stamped: a candidate read back from a file, or built by hand)."""
    found = {who for row in (c.settings.get(KEY) or {}).values() for who in row.values()} - {GIVEN}
    return frozenset(found) if found else frozenset({c.method})


def borrowed(c) -> bool:
    """Whether some non-polynomial term of ``c`` was proposed by a search other than its own."""
    return not origin(c) <= {c.method}


def independent(a, b) -> bool:
    """Whether ``a`` and ``b`` were found by different searches, neither reusing the other's terms."""
    return a.method != b.method and not origin(a) & origin(b)


def agreement(best, candidates) -> tuple[list[str], list[str]]:
    """Methods that found ``best``'s structure independently, and those that found it only with its terms.

    Returns
    -------
    independent : list of str
        Methods (other than ``best``'s) with a candidate of the same structure whose origin does not meet ``best``'s.
    dependent : list of str
        Methods with a candidate of the same structure built on terms ``best``'s search proposed.
    """
    key = shape(best.equations)
    same = [c for c in candidates if c is not best and c.method != best.method and shape(c.equations) == key]
    ind = sorted({c.method for c in same if independent(c, best)})
    dep = sorted({c.method for c in same if not independent(c, best)} - set(ind))
    return ind, dep


def own_forms(best, candidates) -> list[str]:
    """Forms of the regression (``settings["form"]``) that found ``best``'s structure with their own terms.

    SINDy's derivative and weak forms agreeing corroborates a polynomial structure, or functions
    from SINDy's configured library; it says nothing about a form both were handed by another search.
    """
    key = shape(best.equations)
    return sorted({c.settings.get("form") for c in candidates
                   if c.settings.get("form") and shape(c.equations) == key and not borrowed(c)})


def corroborated_elsewhere(c, candidates) -> bool:
    """Whether a method other than ``c``'s found ``c``'s structure independently of it."""
    key = shape(c.equations)
    return any(independent(d, c) for d in candidates if d is not c and shape(d.equations) == key)


def sources(c) -> str:
    """``exp(x) from sr`` for the report: the non-polynomial terms ``c`` did not propose itself, by proposer."""
    by: dict = {}
    for row in (c.settings.get(KEY) or {}).values():
        for text, who in row.items():
            if who != c.method:
                by.setdefault(who, []).append(text)
    return "; ".join(f"{', '.join(sorted(set(ts)))} from {who}" for who, ts in sorted(by.items()))


__all__ = ["GIVEN", "KEY", "agreement", "borrowed", "corroborated_elsewhere", "independent", "origin", "own_forms", "sources",
           "stamp"]
