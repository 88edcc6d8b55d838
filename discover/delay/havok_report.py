"""HAVOK's own part of the delay models' report section: its equations, its forcing and its
reconstruction (drawn from the arrays :meth:`HavokModel.arrays` left in the run's ``delay`` record)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from discover.core.section import Code, Figure, Heading, Text


def blocks(result) -> tuple:
    """The HAVOK subsection (empty when the run holds no HAVOK model)."""
    from discover.core.section import fmt

    d = result.delay
    h = d.models.get("havok") if d is not None else None
    if not h:
        return ()
    return (Heading("HAVOK"),
            Text((("A linear model in the first {} eigen-time-delay coordinates, forced by {} (regression R² {}); "
                   "written to ".format(d.rank - 1, h["forcing"], fmt(h["regression_r2"], 4)), ""),
                  ("havok.json", "code"), (".", ""))),
            Code(tuple(h["equations"])),
            Figure("havok_forcing", "HAVOK forcing", havok_forcing),
            Figure("havok_reconstruction", "HAVOK reconstruction", havok_reconstruction))


def _span(result):
    """HAVOK's stretch of its training run: times, coordinates, measured signal, driven reconstruction."""
    a = result.delay.arrays if result.delay is not None else {}
    if "havok/v" not in a:
        return None
    return a["havok/t"], a["havok/v"], a["havok/measured"], a["havok/driven"], float(a["havok/forcing_std"])


def havok_forcing(result, path: Path) -> bool:
    """The measured signal above HAVOK's forcing v_r; bursts of forcing shaded on both."""
    from discover.core.plotkit import MODEL, figure, plain, save

    span = _span(result)
    if span is None:
        return False
    t, v, x, _, spread = span
    f = v[:, -1]
    burst = np.abs(f) > 2.0 * spread
    fig, axes = figure(2, 1, (8, 4.2), sharex=True)
    axes = axes[:, 0]
    for ax in axes:
        ax.fill_between(t, 0, 1, where=burst, color=MODEL[1], alpha=0.15, transform=ax.get_xaxis_transform(), lw=0)
    axes[0].plot(t, x[:, 0], color="0.3", lw=0.9)
    axes[0].set_ylabel(plain(f"{result.names[0]} (measured)"))
    axes[1].plot(t, f, color=MODEL[1], lw=0.9)
    axes[1].set_ylabel(f"forcing v{result.delay.rank}")
    axes[1].set_xlabel(plain(result.time_name))
    axes[0].set_title("HAVOK forcing (shaded where |v_r| > 2 standard deviations)")
    return save(fig, path)


def havok_reconstruction(result, path: Path) -> bool:
    """HAVOK driven by its measured forcing, against the measured signal (training run)."""
    from discover.core.plotkit import MODEL, figure, plain, save

    span = _span(result)
    if span is None:
        return False
    t, v, meas, rec, _ = span
    k = rec.shape[1]
    fig, axes = figure(k, 1, (8, 1.7 * k + 0.9))
    for j in range(k):
        axes[j, 0].plot(t, meas[:, j], color="0.55", lw=1.6, label="measured" if j == 0 else None)
        axes[j, 0].plot(t, rec[:, j], "--", color=MODEL[0], lw=1.0, label="HAVOK model" if j == 0 else None)
        axes[j, 0].set_ylabel(plain(result.names[j]))
    axes[-1, 0].set_xlabel(plain(result.time_name))
    axes[0, 0].set_title("HAVOK reconstruction (linear model driven by the measured forcing)")
    axes[0, 0].legend(loc="upper right")
    return save(fig, path)
