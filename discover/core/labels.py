"""One check for every name that becomes a label (columns, states, inputs, fields, runs).

Names reach a terminal, ``print(model)``, report.md, report.html, LaTeX and exported modules.
Whatever way they come in (a CSV header, a DataFrame, ``fit(feature_names=...)``, the keys of
``inputs``, an ``.npz`` field, a run label), a name holding a control character (escape
sequences, BEL), a line break, or a bidirectional override that makes text read in another
order than it is stored (U+202E and its kin) is refused with one sentence, as is a name too
long to be a label. Imports nothing heavy.
"""

from __future__ import annotations

import unicodedata

from discover.core.errors import DataError, shown

#: Bidirectional formatting characters: embeddings, overrides, isolates and the invisible marks.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Longest label accepted (characters).
MAX_LABEL = 256


def label_problem(name: str) -> str | None:
    """What makes ``name`` unfit to be a label, as words ending a sentence; None when it is fit."""
    if len(name) > MAX_LABEL:
        return f"is {len(name)} characters long (at most {MAX_LABEL})"
    for ch in name:
        if ch in BIDI_CONTROLS:
            return (f"holds the bidirectional control U+{ord(ch):04X}, which makes text display in another order "
                    "than it is written")
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            return "holds a line break or control character"
    return None


def check_label(name, what: str, error=DataError) -> None:
    """Raise ``error`` (one sentence: ``what`` has a name that ...; rename it) unless ``name`` is a fit label."""
    problem = label_problem(str(name))
    if problem is not None:
        raise error(f"{what} has a name that {problem} ('{shown(str(name)[:200])}'); rename it.")
