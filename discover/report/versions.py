"""The versions of the packages a run used, for run.json (read from their metadata, nothing imported)."""

from __future__ import annotations

from importlib import metadata

# Every engine a run may use; a package that is not installed is left out (read from its
# metadata: nothing is imported, so PySR never starts Julia here).
PACKAGES = ("discover-equations", "numpy", "scipy", "pandas", "sympy", "pysindy", "scikit-learn", "torch",
            "pyoperon", "pysr", "matplotlib", "jinja2")


def versions() -> dict[str, str]:
    out = {}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            pass
    return out
