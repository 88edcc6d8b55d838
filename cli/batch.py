"""``discover batch``: the command, its rich progress (done, failed, running, time left) and its closing table.

No science here: the options are checked and passed to :func:`discover.batch.batch`.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from cli.boundary import EXIT_NO_MODEL, escape, step, user_errors
from cli.config import plugin_tables, read_config

out = Console(soft_wrap=not sys.stdout.isatty())
err = Console(stderr=True)


class BatchProgress:
    """One bar over the data sets, its description counting done, failed and running, with the time left."""

    def __init__(self, console: Console):
        self.console = console

    @contextmanager
    def task(self, description: str, total: int | None = None):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn()]
        with Progress(*columns, console=self.console, transient=True) as bar:
            tid = bar.add_task(escape(description), total=total)

            class _Task:
                def advance(self, n: int = 1) -> None:
                    bar.advance(tid, n)

                def update(self, description: str | None = None) -> None:
                    if description:
                        bar.update(tid, description=escape(description))

            with step(description):
                yield _Task()


def batch(
    data: Annotated[list[str], typer.Argument(help="A folder of CSV files (or with a manifest.csv), a quoted glob pattern such as 'data/*.csv', CSV files, or a manifest CSV (columns file, name, and metadata such as temperature).")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Batch folder: runs/NAME/ per data set, summary.csv, summary.html.")],
    config: Annotated[Optional[Path], typer.Option(help="TOML file with the settings of `discover run` (run settings and a table per method), the same for every data set.")] = None,
    methods: Annotated[Optional[str], typer.Option(help="As for `discover run` (default auto).")] = None,
    time: Annotated[Optional[str], typer.Option("--time", help="Name of the time column (default: t or time).")] = None,
    states: Annotated[Optional[str], typer.Option(help="Comma-separated state columns (default: every other numeric column).")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Random seed, the same for every data set.")] = None,
    inputs: Annotated[Optional[str], typer.Option(help="Comma-separated input columns (control or forcing signals), as for `discover run`.")] = None,
    input_hold: Annotated[Optional[str], typer.Option("--input-hold", help="How inputs are read between samples: linear (default) or zoh, as for `discover run`.")] = None,
    space: Annotated[Optional[str], typer.Option("--space", help="Spatial column(s) of fields u(t, x): every data set is a field and gets a PDE, as for `discover run --space`.")] = None,
    sr_engine: Annotated[Optional[str], typer.Option("--sr-engine", help="Symbolic regression engine: operon (default) or pysr, as for `discover run`.")] = None,
    known: Annotated[Optional[list[str]], typer.Option("--known", help="Known part of one equation for --methods pinn, as for `discover run` (repeatable).")] = None,
    param: Annotated[Optional[list[str]], typer.Option("--param", help="Fix a parameter of the known part, e.g. a=1.3, as for `discover run` (repeatable).")] = None,
    scheduler: Annotated[Optional[str], typer.Option(help="Address of a running Dask scheduler (tcp://host:8786); default: a local cluster.")] = None,
    workers: Annotated[Optional[int], typer.Option(help="Worker processes of the local cluster (default: the usable cores).")] = None,
    budget: Annotated[Optional[float], typer.Option("--budget", help="Seconds each data set's run may take, as for `discover run --budget` (default: scaled with each data set's size); a run that hits it still gives equations.")] = None,
    timeout: Annotated[Optional[float], typer.Option(help="Seconds each data set may take; one that takes longer is stopped and recorded.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Compute every data set again; accept an --out that discover did not write (its content is moved aside, never deleted).")] = False,
):
    """Run discovery on many data sets at once, on Dask, and write a summary of all of them.

    A data set finished earlier (same files, same settings) is not computed again. A data set
    that fails is recorded with its reason and the batch goes on. Exit status: 0 every data set
    gave equations; 3 the batch finished but some did not (summary.csv says why); 2 bad input
    or options; 1 an internal error.
    """
    with user_errors(err):
        cfg = read_config(config)
        given = {"methods": methods, "time": time, "states": states, "seed": seed, "inputs": inputs,
                 "input_hold": input_hold, "space": space, "budget": budget}
        defaults = {"methods": "auto", "time": None, "states": None, "seed": 0, "inputs": None, "input_hold": "linear",
                    "space": None, "budget": None}
        # every option of `discover run` that changes the science, from the command line or the config
        settings = {k: v if v is not None else cfg.get(k, defaults[k]) for k, v in given.items()}
        from discover.batch import batch as run_batch

        frame = run_batch(data, out=out_dir, **settings, periodic=cfg.get("periodic"), device=cfg.get("device", "auto"),
                          timeout=timeout, force=force, scheduler=scheduler, workers=workers,
                          progress=BatchProgress(err), config=cfg, command="discover " + " ".join(sys.argv[1:]),
                          **plugin_tables(cfg, sr_engine, known, param))
        _print_table(frame, out_dir)
    if (frame["status"] != "ok").any():
        raise typer.Exit(code=EXIT_NO_MODEL)


def _print_table(frame, out_dir: Path) -> None:
    from rich.table import Table

    colours = {"ok": "green", "no model": "yellow"}
    table = Table(title="discover batch")
    for col in ("data set", "status", "equations or reason", "confidence", "s"):
        table.add_column(col)
    eq_cols = frame.attrs.get("equations", [])

    def text(v) -> str:
        return "" if v is None or v != v else str(v)  # v != v: a missing value (NaN)

    for r in frame.to_dict("records"):
        what = "\n".join(escape(f"{k} = {r[k]}") for k in eq_cols if isinstance(r.get(k), str)) or escape(
            text(r.get("reason")))
        colour = colours.get(r["status"], "red")
        secs = r.get("wall_s")
        shown = "skipped" if r.get("recomputed") is False else (f"{secs:.1f}" if isinstance(secs, float) and secs == secs else "")
        table.add_row(escape(str(r["dataset"])), f"[{colour}]{escape(str(r['status']))}[/{colour}]", what,
                      escape(text(r.get("confidence"))), shown)
    out.print(table)
    counts = frame["status"].value_counts().to_dict()
    out.print(", ".join(f"{n} {escape(str(s))}" for s, n in counts.items()) + f" of {len(frame)} data sets.")
    out.print(f"Summary: {escape(str(out_dir / 'summary.html'))} and summary.csv", highlight=False, soft_wrap=True)
