"""Reading fields u(t, x) from files: long CSV, wide CSV and ``.npz``.

- **Long** CSV: one row per grid point, columns ``t, x, u [, v ...]`` (``t, x, y, u`` in two
  dimensions); the spatial columns are named with ``space=["x"]``. A ``trajectory`` (``traj``,
  ``run``, ``experiment``) column, or several files, give several runs on the same grid.
- **Wide** CSV: a time column and one column per position, the positions in the header
  (``t, 0.0, 0.1, 0.2, ...``); ``space`` names the coordinate.
- **.npz**: arrays ``t`` (n_t), ``x`` (n_x) and, in two dimensions, ``y`` (n_y), and one array per
  field shaped (n_t, n_x[, n_y]) (every other array is a field, unless ``states`` names them; an
  array with one more axis holds several fields, ``u0, u1, ...``). A complex array is two fields,
  its real and imaginary parts (``psi_re``, ``psi_im``).

Times may be uneven; positions must be evenly spaced. Missing grid points are filled by linear
interpolation along x (with a :class:`MissingPointsWarning`) when they are few, refused when
they are many. Whether the line is periodic is declared (``periodic=``) or detected from the
jump across the wrap; a bounded line is handled (Savitzky-Golay derivatives, the method of lines
with the data's edge values). Every problem is one :class:`~discover.core.errors.DataError` sentence.
Only numpy and the CSV reader are imported here, so bad input is refused at once.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from discover.core.errors import DataError, did_you_mean, shown
from discover.core.labels import check_label
from discover.data.field import Field, FieldDataset

TIME_NAMES = ("t", "time")
MAX_MISSING = 0.1


class MissingPointsWarning(UserWarning):
    """Missing grid points were filled by interpolation along x."""


def _fill(u: np.ndarray, where: str) -> np.ndarray:
    missing = np.isnan(u)
    if not missing.any():
        return u
    frac = missing.mean()
    if frac > MAX_MISSING:
        raise DataError(f"{where} misses {frac:.0%} of its grid points (more than {MAX_MISSING:.0%}); give a "
                        "fuller grid or crop it to the region that was measured.")
    out = u.copy()
    idx = np.arange(u.shape[1])
    flat = out.reshape(u.shape[0], u.shape[1], -1)  # a view: other space axes and fields in the last axis
    for i in range(u.shape[0]):
        for k in range(flat.shape[2]):
            row = flat[i, :, k]
            bad = np.isnan(row)
            if bad.all():
                raise DataError(f"{where} has no value at all at time row {i + 1}; drop that time.")
            if bad.any():
                row[bad] = np.interp(idx[bad], idx[~bad], row[~bad])
    warnings.warn(f"{where}: {int(missing.sum())} missing grid points ({frac:.1%}) were filled by linear "
                  "interpolation along x.", MissingPointsWarning, stacklevel=3)
    return out


def _check_grid(g: np.ndarray, name: str, where: str, even: bool) -> None:
    if g.size < 2 or np.any(np.diff(g) <= 0):
        raise DataError(f"{where}: the {name} values must increase (found repeated or unsorted values).")
    d = np.diff(g)
    if even and np.ptp(d) > 1e-6 * max(abs(np.mean(d)), 1e-300) + 1e-9 * np.max(np.abs(g)):
        raise DataError(f"{where}: positions in '{shown(name)}' are not evenly spaced; resample the field onto an "
                        "even grid first.")


def detect_periodic(u: np.ndarray) -> bool:
    """True when the jump across the wrap (last to first position) looks like an ordinary step."""
    steps = np.diff(u, axis=1)
    typical = float(np.sqrt(np.mean(steps**2)))
    wrap = float(np.sqrt(np.mean((u[:, 0] - u[:, -1]) ** 2)))
    return wrap <= 3.0 * typical + 1e-12


def _check_values(t, coords, u, names, space, time, where: str) -> None:
    """Refuse times or positions that are not finite, infinite or huge field values, and a constant field."""
    from discover.data.checks import LARGEST

    for g, nm in ((t, time), *zip(coords, space)):
        if not np.all(np.isfinite(g)):
            raise DataError(f"{where}: the {'times' if nm == time else 'positions'} in '{shown(nm)}' hold NaN or "
                            "infinite values; remove those rows or fill them in.")
    finite = np.isfinite(u)
    if np.any(np.isinf(u)):
        raise DataError(f"{where} holds infinite field values; fix them, or leave those cells empty to fill them in.")
    for k, name in enumerate(names):
        values = u[..., k][finite[..., k]]
        if values.size and float(np.max(np.abs(values))) > LARGEST:
            raise DataError(f"{where}: field '{shown(name)}' holds values up to {float(np.max(np.abs(values))):.3g} in "
                            f"magnitude; the powers of it the fit computes overflow beyond {LARGEST:g} — express it in "
                            "larger units (rescale it) and run again.")
        if values.size and np.max(values) == np.min(values):
            raise DataError(f"{where}: field '{shown(name)}' is constant ({float(values[0]):g}); a constant field has no "
                            "dynamics — give a field that changes.")


def _make(t, coords, u, names, space, time, periodic, run, where) -> Field:
    _check_values(t, coords, u, names, space, time, where)
    order = np.argsort(t)
    t, u = t[order], u[order]
    _check_grid(t, time, where, even=False)
    for g, nm in zip(coords, space):
        _check_grid(g, nm, where, even=True)
    u = _fill(u.reshape(t.size, *[g.size for g in coords], -1), where)
    if periodic is not None:
        per = (bool(periodic),) * len(coords)
    else:  # detected along each axis, every field's wrap an ordinary step
        per = tuple(all(detect_periodic(np.moveaxis(u[..., k], d + 1, 1).reshape(t.size, g.size, -1)
                                        .transpose(0, 2, 1).reshape(-1, g.size))
                        for k in range(u.shape[-1])) for d, g in enumerate(coords))
    return Field(t=t, coords=tuple(coords), values=u, names=tuple(names), space_names=tuple(space), time_name=time,
                 periodic=per, run=str(run))


def _npz(path: Path, space, states, periodic) -> list[Field]:
    try:
        data = np.load(path, allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable archive is one sentence
        raise DataError(f"File '{shown(path, 200)}' is not a readable .npz archive ({shown(exc, 80)}).") from None
    where = f"File '{shown(path, 200)}'"
    snames = list(space) if space else (["x", "y"] if "y" in data.files and "x" in data.files else ["x"])
    fnames = list(states) if states else [k for k in data.files if k not in ("t", *snames)]
    need = [k for k in ("t", *snames, *fnames) if k not in data.files]
    if need or not fnames:
        raise DataError(f"{where} lacks the array(s) {', '.join(shown(k, 40) for k in need) or 'of a field'}; an "
                        f".npz field needs t, {', '.join(shown(s, 40) for s in snames)} and one array per field "
                        f"shaped (n_t, {', '.join('n_' + shown(s, 40) for s in snames)}) (arrays: "
                        f"{', '.join(shown(k, 30) for k in data.files[:12])}).")
    t, *coords = (_npz_array(data, k, where) for k in ("t", *snames))
    for a, k in zip((t, *coords), ("t", *snames)):
        if a.ndim != 1:
            raise DataError(f"{where}: array '{shown(k, 40)}' has shape {a.shape}; it must be one-dimensional.")
    grid = (t.size, *[c.size for c in coords])
    names, columns = [], []
    for k in fnames:
        check_label(k, f"An array of {where}")
        a = _npz_array(data, k, where, complex_ok=True)
        if a.shape == grid:
            a = a[..., None]
        if a.ndim != len(grid) + 1 or a.shape[:-1] != grid:
            raise DataError(f"{where}: array '{shown(k, 40)}' has shape {a.shape}, expected {grid} from t and "
                            f"{', '.join(shown(s, 40) for s in snames)} (or name the field arrays with `--states`).")
        for i in range(a.shape[-1]):
            base = k if a.shape[-1] == 1 else f"{k}{i}"
            if np.iscomplexobj(a):  # a complex field is two real ones: its real and imaginary parts
                names += [f"{base}_re", f"{base}_im"]
                columns += [a[..., i].real, a[..., i].imag]
            else:
                names.append(base)
                columns.append(a[..., i])
    u = np.stack(columns, axis=-1)
    return [_make(t, coords, u, names, snames, "t", periodic, path.stem, where)]


MAX_NPZ_BYTES = 4 * 2**30  # an array of an .npz larger than this (uncompressed) is refused before it is read


def _npz_array(data, key: str, where: str, complex_ok: bool = False) -> np.ndarray:
    """Array ``key`` of an open .npz as floats; object arrays, text and oversized arrays are refused."""
    try:
        size = data.zip.getinfo(f"{key}.npy").file_size
    except (KeyError, AttributeError):
        size = 0
    if size > MAX_NPZ_BYTES:
        raise DataError(f"{where}: array '{shown(key, 40)}' holds {size / 2**30:.1f} GiB, more than discover reads "
                        f"({MAX_NPZ_BYTES // 2**30} GiB); crop or subsample the field first.")
    try:
        a = data[key]
    except Exception as exc:  # noqa: BLE001 - an array that cannot be read (object arrays, a damaged member)
        raise DataError(f"{where}: array '{shown(key, 40)}' cannot be read ({shown(exc, 80)}); save it as an array "
                        "of numbers.") from None
    if a.dtype.kind not in ("biufc" if complex_ok else "biuf"):
        raise DataError(f"{where}: array '{shown(key, 40)}' holds {a.dtype} values, not numbers; save it as an array "
                        "of floats.")
    return a.astype(complex) if a.dtype.kind == "c" else a.astype(float)


def _csv(path: Path, space, time, states, periodic) -> list[Field]:
    from discover.data.table import RUN_NAMES, is_number, read_table

    table = read_table(path)
    where = f"File '{shown(path, 200)}'"
    cols = table.names
    tcol = time if time else next((c for c in cols if c.lower() in TIME_NAMES), None)
    if tcol is None or tcol not in cols:
        raise DataError(f"{where} has no time column{f' {shown(time)!r}' if time else ' (t or time)'}"
                        f"{did_you_mean(time, cols) if time else ''}; name it with `--time`.")
    runcol = next((c for c in cols if c.lower() in RUN_NAMES), None)
    rest = [c for c in cols if c not in (tcol, runcol)]
    if space and all(s in cols for s in space):
        return _long(table, where, tcol, runcol, list(space), states, rest, periodic)
    if rest and all(is_number(c) for c in rest):
        if runcol is not None:
            raise DataError(f"{where} is in wide format (positions in the header) and has a run column; give one "
                            "file per run.")
        x = np.array([float(c.replace(",", ".")) for c in rest])
        order = np.argsort(x)
        u = np.stack([table.numbers(rest[i]) for i in order], axis=1)
        sname = space[0] if space else "x"
        return [_make(table.numbers(tcol), [x[order]], u[..., None], ["u"], [sname], tcol, periodic, path.stem, where)]
    missing = [s for s in space if s not in cols]
    raise DataError(f"{where} has no spatial column '{shown(missing[0])}'{did_you_mean(missing[0], cols)} and its "
                    "header is not a row of positions; name the spatial column(s) with `--space` (columns: "
                    f"{', '.join(shown(c, 30) for c in cols[:12])}).")


def _long(table, where, tcol, runcol, space, states, rest, periodic) -> list[Field]:
    names = [c for c in rest if c not in space] if not states else list(states)
    for n in names:
        if n not in table.names:
            raise DataError(f"{where} has no column '{shown(n)}'{did_you_mean(n, table.names)}.")
    if not names:
        raise DataError(f"{where} has no field column besides time and {', '.join(space)}; add one (such as u).")
    t_all = table.numbers(tcol)
    pos = [table.numbers(s) for s in space]
    vals = np.stack([table.numbers(n) for n in names], axis=1)
    runs = table.labels(runcol) if runcol else np.array(["0"] * t_all.size, dtype=object)
    out = []
    for label in dict.fromkeys(runs):
        check_label(str(label), f"A run in {where}")
        sel = runs == label
        t_u, ti = np.unique(t_all[sel], return_inverse=True)
        grids, idx = [], []
        for p in pos:
            g, gi = np.unique(p[sel], return_inverse=True)
            grids.append(g)
            idx.append(gi)
        # the grid its distinct times and positions span, counted before it is allocated: more cells
        # than the rows can fill (beyond the missing share _fill accepts) is refused here
        cells = float(t_u.size) * float(np.prod([float(g.size) for g in grids]))
        if cells * (1 - MAX_MISSING) > int(sel.sum()):
            raise DataError(f"{where} misses {1 - int(sel.sum()) / cells:.0%} of its grid points (more than "
                            f"{MAX_MISSING:.0%}): run '{shown(label)}' has {t_u.size} distinct times and "
                            f"{' x '.join(str(g.size) for g in grids)} distinct positions for {int(sel.sum())} rows; "
                            "give a fuller grid (the same positions at every time) or crop it to the region that was "
                            "measured.")
        u = np.full((t_u.size, *[g.size for g in grids], len(names)), np.nan)
        if np.unique(np.stack([ti, *idx]), axis=1).shape[1] < ti.size:
            raise DataError(f"{where}: run '{shown(label)}' has two rows for the same time and position; give each "
                            "run its own value in a trajectory column.")
        u[(ti, *idx)] = vals[sel]
        out.append(_make(t_u, grids, u, names, space, tcol, periodic, label, where))
    first = out[0]
    for f in out[1:]:
        if any(a.shape != b.shape or not np.allclose(a, b) for a, b in zip(f.coords, first.coords)):
            raise DataError(f"{where}: runs '{shown(first.run)}' and '{shown(f.run)}' are on different spatial grids; "
                            "resample them onto one grid.")
    return out


def load_fields(paths, space=None, time: str | None = None, states=None, periodic: bool | None = None) -> list[Field]:
    """Read one or more files into fields (one per run).

    Parameters
    ----------
    paths : path or list of paths
        ``.csv`` (long or wide) or ``.npz``.
    space : str or list of str
        Spatial column(s) (``"x"`` or ``["x", "y"]``); for wide CSV and ``.npz`` the coordinate's name.
    time : str, optional
    states : list of str, optional
        Field columns (default: every other column).
    periodic : bool, optional
        Declare the boundary (default: detected).

    Returns
    -------
    list of Field

    Raises
    ------
    DataError
    """
    from discover.core.options import split_names
    from discover.data.paths import check_paths

    paths = check_paths([paths] if isinstance(paths, (str, Path)) else list(paths))
    space = split_names(space, "`--space`") or []
    states = split_names(states, "`--states`")
    for s in space:
        check_label(s, "The spatial coordinate given with `--space`")
    out: list[Field] = []
    for p in paths:
        got = _npz(p, space, states, periodic) if p.suffix.lower() == ".npz" else _csv(p, space, time, states, periodic)
        if len(paths) > 1:
            got = [Field(f.t, f.coords, f.values, f.names, f.space_names, f.time_name, f.periodic,
                         f"{p.stem}" if len(got) == 1 else f"{p.stem}:{f.run}") for f in got]
        out += got
    first = out[0]
    for f in out[1:]:
        if f.names != first.names or f.space_names != first.space_names:
            raise DataError(f"Run '{shown(f.run)}' has fields {', '.join(f.names)} on {', '.join(f.space_names)}, "
                            f"run '{shown(first.run)}' {', '.join(first.names)} on {', '.join(first.space_names)}; "
                            "give files with the same columns.")
    return out


def load_field_data(paths, space=None, time: str | None = None, states=None,
                    periodic: bool | None = None) -> FieldDataset:
    """:func:`load_fields` as the data set :meth:`discover.Discoverer.fit` walks with the field plan."""
    files = [paths] if isinstance(paths, (str, Path)) else list(paths)
    return FieldDataset(tuple(load_fields(paths, space=space, time=time, states=states, periodic=periodic)),
                        tuple(str(p) for p in files))


__all__ = ["MissingPointsWarning", "detect_periodic", "load_field_data", "load_fields"]
