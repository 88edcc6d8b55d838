"""The `discover` command line: parses options, calls the library, prints with rich.

No science here. Every :class:`discover.core.errors.DiscoverError` is printed as one sentence
and the command exits with status 2 (no traceback); any other error is one sentence too,
with its traceback in a log file, and exit status 1 (:mod:`cli.boundary`). Options, the
config file and the CSV are checked before anything heavy is imported.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from cli.batch import batch as batch_command
from cli.boundary import EXIT_NO_MODEL, escape, set_debug, user_errors
from cli.config import methods_help, plugin_tables, read_config
from cli.prose import prose_app

app = typer.Typer(
    name="discover",
    help="Find the equations dx/dt = f(x) behind measured trajectories, and a report that says how sure it is.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=not sys.stdout.isatty())  # piped output: equations never wrapped mid-term
err = Console(stderr=True)


def _user_errors(quiet: bool = False):
    """One sentence and an exit status for every failure (see :mod:`cli.boundary`)."""
    return user_errors(err, quiet)


def _show_version(value: bool) -> None:
    if value:
        from discover import __version__

        typer.echo(f"discover {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    debug: Annotated[bool, typer.Option("--debug", envvar="DISCOVER_DEBUG", help="Print the traceback of an internal error instead of saving it to a log file.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")] = False,
):
    """Find the equations dx/dt = f(x) behind measured trajectories, and a report that says how sure it is."""
    set_debug(debug)


@app.command()
def run(
    data: Annotated[list[Path], typer.Argument(help="CSV file(s): a time column and one column per state; several files or a `trajectory` column for several runs.")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Run folder to write (default: runs/<name of the first CSV>).")] = None,
    methods: Annotated[Optional[str], typer.Option(help=methods_help())] = None,
    time: Annotated[Optional[str], typer.Option("--time", help="Name of the time column (default: t or time).")] = None,
    states: Annotated[Optional[str], typer.Option(help="Comma-separated state columns (default: every other numeric column).")] = None,
    inputs: Annotated[Optional[str], typer.Option(help="Comma-separated input columns (control or forcing signals): measured, not modelled; they enter the equations but get none of their own.")] = None,
    input_hold: Annotated[Optional[str], typer.Option("--input-hold", help="How inputs are read between samples when a model is simulated: linear (default) or zoh (zero-order hold, for switched inputs).")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Random seed; the same seed gives the same equations.json.")] = None,
    config: Annotated[Optional[Path], typer.Option(help=escape("TOML file with the same settings (a [run] table; a table per method named after it, such as [sindy], [node], [pinn], [delay]; [known] and [params] tables for the hidden-term PINN); options given here win."))] = None,
    device: Annotated[Optional[str], typer.Option(help="Where neural surrogates train: auto, cpu or cuda.")] = None,
    sr_engine: Annotated[Optional[str], typer.Option("--sr-engine", help="Symbolic regression engine: operon (embedded, default) or pysr (needs Julia).")] = None,
    known: Annotated[Optional[list[str]], typer.Option("--known", help="Known part of one equation for --methods pinn, e.g. 'x: a*x' (repeat per variable); other symbols are parameters.")] = None,
    param: Annotated[Optional[list[str]], typer.Option("--param", help="Fix a parameter of the known part, e.g. a=1.3 (repeatable); the others are learned.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that is not a run folder of discover: its content is first moved aside to DIR.old-<date-time>, never deleted.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout (equations.json plus confidence, run folder and timings) and nothing else there; progress goes to stderr.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors (the exit status says how the run ended).")] = False,
    space: Annotated[Optional[str], typer.Option("--space", help="Spatial column(s) of a field u(t, x): long CSV (t, x, u), wide CSV (positions in the header) or .npz; discovers a PDE u_t = ... instead of ODEs.")] = None,
    no_figures: Annotated[bool, typer.Option("--no-figures", help="Draw no figures (faster): the reports keep their text and tables, for pipelines that read equations.json; `discover report DIR` draws them later.")] = False,
    budget: Annotated[Optional[float], typer.Option("--budget", help="Seconds the run may take (default: generous but finite, scaled with the data's size, printed at the start). Stages that cannot fit are skipped and each search stops when its share is spent; the run still ends with a model, and the report says what the budget cut.")] = None,
    design_box: Annotated[Optional[list[str]], typer.Option("--design-box", help="Where a next experiment may start, e.g. 'x: 0..10' (repeat, or separate variables with commas); a state not named gets twice its observed range, clipped to the data's signs. Structures that fit equally well are compared there, and `discover suggest` proposes a start there.")] = None,
):
    """Fit the data and write a report: report.md, report.html, equations.json, figures/, run.json.

    Exit status: 0 a model was selected; 2 bad input or options; 3 the run finished but no
    candidate survived selection; 1 an internal error.
    """
    with _user_errors(quiet):
        cfg = read_config(config)
        given = {"methods": methods, "time": time, "states": states, "seed": seed, "device": device,
                 "sr_engine": sr_engine, "inputs": inputs, "input_hold": input_hold, "budget": budget}
        defaults = {"methods": "auto", "time": None, "states": None, "seed": 0, "device": "auto", "sr_engine": "operon",
                    "inputs": None, "input_hold": "linear", "budget": None}
        # An option given on the command line wins, even when it is empty (then it is refused).
        settings = {k: v if v is not None else cfg.get(k, defaults[k]) for k, v in given.items()}
        target = out or (Path(cfg["out"]) if "out" in cfg else Path("runs") / data[0].stem)
        from discover.core.budget import check_budget

        check_budget(settings["budget"])  # before anything is read
        from discover.core.designbox import parse_design_box

        box = parse_design_box(design_box if design_box else cfg.get("design_box"))
        space = space if space is not None else cfg.get("space")
        from discover.core.rundir import check_out

        check_out(target, force=force)
        from cli.progress import RichProgress
        from discover.api import run as run_pipeline
        from discover.core.progress import NullProgress

        with contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext():
            model = run_pipeline(
                data, target, methods=settings["methods"], time=settings["time"], states=settings["states"],
                seed=settings["seed"], device=settings["device"], progress=NullProgress() if quiet else RichProgress(err),
                inputs=settings["inputs"], input_hold=settings["input_hold"], design_box=box or None,
                budget=settings["budget"], command="discover " + " ".join(sys.argv[1:]), config=cfg, force=force, figures=not no_figures,
                space=space, periodic=cfg.get("periodic"), **plugin_tables(cfg, sr_engine, known, param),
            )
        if as_json:
            typer.echo(json.dumps(_json_document(model, target), default=str))
        elif not quiet:
            (_print_field_summary if model.result_.kind == "field" else _print_summary)(model, target)
    res = model.result_
    if res.best is None and not (getattr(res, "delay", None) is not None and not res.candidates):
        raise typer.Exit(code=EXIT_NO_MODEL)


def _print_field_summary(model, target: Path) -> None:
    """The PDE a field run selected, as ``_print_summary`` shows an ODE run's equations."""
    from discover.report.pde import equation_texts

    result = model.result_
    if result.best is None:
        out.print("[bold red]No candidate survived selection[/bold red]: every one blew up or failed on held-out data.")
    else:
        f = result.fields[0]
        out.print(f"\n[bold]PDE[/bold] ({escape(result.best.form)} form, {result.best.complexity} terms):")
        for name, text in equation_texts(result.best, result).items():
            # four significant figures on the screen, as for ODEs; equations.json keeps them as fitted
            shown = re.sub(r"\d+\.\d+(?:e[-+]?\d+)?", lambda m: f"{float(m.group()):.4g}", text)
            out.print(f"  {escape(name + '_' + f.time_name)} = {escape(shown)}", highlight=False, soft_wrap=True)
        out.print(f"Confidence: {escape(result.confidence)} (held-out R² {result.best.scores['r2']:.4f})")
    out.print(f"Report: {escape(str(target / 'report.html'))}", highlight=False, soft_wrap=True)


def _json_document(model, target: Path) -> dict:
    """What ``--json`` prints: equations.json's content plus confidence, run folder and timings."""
    res = model.result_
    if res.kind == "field":
        from discover.report.pde import to_dict as field_dict

        return {**field_dict(res), "reasons": res.reasons, "run_folder": str(target), "timings": res.timings}
    from discover.report.equations_json import suggestion, to_dict

    return {**to_dict(res), "confidence": res.confidence, "reasons": res.reasons, "deciding": res.deciding,
            "suggestion": suggestion(res), "run_folder": str(target),
            "timings": res.timings}


def _print_summary(model, target: Path) -> None:
    res = model.result_
    d = res.delay
    if d is not None:
        out.print(f"\n[bold]Delay embedding[/bold]: {d.delays} delays, {d.spacing} sample(s) apart, rank {d.rank}.")
        for name, description in d.models.items():
            out.print(f"{escape(name)}: {len(description.get('equations', []))} equations ({escape(name)}.json).")
        for r in d.rows:
            errs = ", ".join(f"{e:.3f}" for e in r["rmse"])
            out.print(f"  {escape(r['method'])}: forecast RMSE/std {errs}", highlight=False)
    if res.best is None and d is not None and not res.candidates:
        pass
    elif res.best is None:
        out.print("[bold red]No candidate survived selection[/bold red]: every one failed on held-out data.")
    else:
        from discover.core.printing import derivative_text, text

        out.print(f"\n[bold]Equations[/bold] ({escape(res.best.method)}, complexity {res.best.complexity}):")
        for v in res.names:
            line = f"{derivative_text(v, res.time_name)} = {text(res.best.equations[v])}"
            out.print(f"  {escape(line)}", highlight=False, soft_wrap=True)
        for i, a in enumerate(res.equivalent[1:], 1):
            if i == 1:
                out.print(f"Fit the data as well ({len(res.equivalent) - 1} other structure(s); they differ where the "
                          "data did not go):")
            eq = "; ".join(f"{derivative_text(v, res.time_name)} = {text(a.candidate.equations[v])}" for v in res.names)
            out.print(f"  {escape(eq)}  ({escape(a.candidate.method)}, complexity {a.candidate.complexity})",
                      highlight=False, soft_wrap=True)
        colour = {"high": "green", "medium": "yellow", "low": "red"}[res.confidence]
        r2 = res.best.scores.get("short_r2")
        how = "blocked cross-validation" if res.best.scores.get("cross_validated") else "held-out short-horizon"
        why = f": {escape(res.deciding)}" if res.deciding else ""
        from discover.report.numbers import r2_text

        out.print(f"Confidence: [{colour}]{res.confidence}[/{colour}] ({how} R² {r2_text(r2)}){why}", soft_wrap=True)
        if res.suggestion:
            out.print(f"Next measurement: `discover suggest {escape(str(target))}`", highlight=False, soft_wrap=True)
    out.print(f"Report: {escape(str(target / 'report.html'))}", highlight=False, soft_wrap=True)


app.command("batch")(batch_command)


@app.command()
def generate(
    system: Annotated[str, typer.Argument(help="Reference system name (see `discover systems`).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV file to write (with --vary: a folder for the data sets and manifest.csv).")],
    noise: Annotated[float, typer.Option(help="Noise as a fraction of each variable's standard deviation.")] = 0.0,
    points: Annotated[Optional[int], typer.Option(help="Samples per trajectory (default 2000; for a PDE, the number of times, default its own).")] = None,
    positions: Annotated[Optional[int], typer.Option(help="For a PDE: grid points in space (default its own; must divide the solver's grid).")] = None,
    trajectories: Annotated[int, typer.Option(help="Number of runs (different initial states).")] = 1,
    seed: Annotated[int, typer.Option(help="Seed for initial states, sample times and noise.")] = 0,
    t_end: Annotated[Optional[float], typer.Option(help="Duration of each run (default: the system's own).")] = None,
    uneven: Annotated[bool, typer.Option(help="Sample at random times instead of an even grid.")] = False,
    vary: Annotated[Optional[list[str]], typer.Option("--vary", help="Make a family of data sets for `discover batch`: NAME=START:STOP:COUNT or NAME=V1,V2 for a parameter (repeat for a grid); writes -o DIR/DIR_1.csv ... and DIR/manifest.csv.")] = None,
    input_signal: Annotated[Optional[str], typer.Option("--input", help="For a driven system: the input signal of each run, step, sine (default), chirp or prbs (each run its own, from the seed).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --output file: it is first moved aside to FILE.old-<date-time>, never deleted.")] = False,
):
    """Write a CSV of trajectories simulated from a reference system (with --vary, a family of them and a manifest)."""
    with _user_errors():
        from discover.core.outfile import check_out_file, write_out_file
        from discover.fields.catalog import find_pde

        if not vary:
            check_out_file(output, force)
        if find_pde(system) is not None:
            _generate_field(system, output, noise, seed, t_end, points, positions, force)
            return
        points = 2000 if points is None else points
        from discover.core.options import check_seed
        from discover.systems import generate as gen
        from discover.systems import get_system, to_frame

        check_seed(seed)
        if input_signal is not None:
            from discover.systems.excitation import check_kind

            check_kind(input_signal)
        if vary:
            from discover.systems.family import write_family

            files = write_family(get_system(system), vary, output, points=points, trajectories=trajectories,
                                 noise=noise, seed=seed, t_end=t_end, uneven=uneven)
            out.print(f"Wrote {len(files) - 1} data sets of {escape(system)} and their manifest to "
                      f"{escape(str(files[-1]))}", highlight=False)
            return
        data = gen(get_system(system), points=points, trajectories=trajectories, noise=noise, seed=seed,
                   t_end=t_end, uneven=uneven, input_signal=input_signal)
        frame = to_frame(data)
        write_out_file(output, lambda tmp: frame.to_csv(tmp, index=False, float_format="%.10g"), force)
        out.print(f"Wrote {data.n_samples} rows ({trajectories} trajectories) of {escape(system)} to {escape(str(output))}")


def _generate_field(name: str, output: Path, noise: float, seed: int, t_end: Optional[float],
                    n_t: Optional[int] = None, n_x: Optional[int] = None, force: bool = False) -> None:
    """``discover generate burgers``: a reference PDE solved and written in long format (t, x, u)."""
    from discover.core.options import check_seed
    from discover.core.outfile import write_out_file
    from discover.fields.catalog import generate_field, get_pde, to_long_frame

    check_seed(seed)
    field = generate_field(get_pde(name), noise=noise, seed=seed, t_end=t_end, n_t=n_t, n_x=n_x)
    if output.suffix.lower() == ".npz":
        import numpy as np

        def write(tmp: Path) -> None:
            arrays = {"t": field.t, **dict(zip(field.space_names, field.coords)),
                      **{n: field.values[..., i] for i, n in enumerate(field.names)}}
            with open(tmp, "wb") as fh:  # a file object: numpy would add .npz to a name without it
                np.savez_compressed(fh, **arrays)
    else:
        def write(tmp: Path) -> None:
            to_long_frame([field]).to_csv(tmp, index=False, float_format="%.10g")
    write_out_file(output, write, force)
    grid = " x ".join(str(g.size) for g in field.coords)
    out.print(f"Wrote {field.t.size} times x {grid} positions of {escape(name)} ({escape(', '.join(field.names))}) to "
              f"{escape(str(output))}")


@app.command()
def systems():
    """List the reference systems with their equations and default parameters."""
    from rich.table import Table

    from discover.systems import SYSTEMS

    table = Table(title="Reference systems")
    table.add_column("name", style="bold")
    table.add_column("equations")
    table.add_column("parameters")
    for s in SYSTEMS.values():
        eqs = "\n".join(f"d{v}/dt = {r}" for v, r in zip(s.variables, s.rhs))
        params = ", ".join(f"{k}={v:g}" for k, v in s.params.items())
        table.add_row(s.name, eqs, params)
    out.print(table)
    from discover.fields.catalog import PDES

    pdes = Table(title="Reference PDEs (discover generate NAME; discover run FILE --space x)")
    pdes.add_column("name", style="bold")
    pdes.add_column("equation")
    for p in PDES.values():
        pdes.add_row(p.name, f"u_t = {p.text()}")
    from discover.fields.catalog_systems import SYSTEM_PDES

    for p in SYSTEM_PDES.values():
        pdes.add_row(f"{p.name} (--space {','.join(p.space)})",
                     "\n".join(f"{n}_t = {text}" for n, text in zip(p.names, p.texts())))
    out.print(pdes)


@app.command()
def report(run_dir: Annotated[Path, typer.Argument(help="A run folder written by `discover run`.")]):
    """Render the report of a run folder again from what it saved; files you added to it are kept."""
    with _user_errors():
        from discover.report import rerender

        rerender(run_dir)
        out.print(f"Report: {escape(str(run_dir / 'report.html'))}", highlight=False, soft_wrap=True)


@app.command()
def suggest(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `discover run`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document: initial_state, duration and each competing model's predicted trajectory.")] = False,
):
    """The measurement that separates the structures a run could not tell apart: where to start, for how long."""
    with _user_errors():
        from cli.suggest import read_suggestion, show

        doc = read_suggestion(run_dir)
        if as_json:
            typer.echo(json.dumps(doc))
        else:
            show(doc, out)


EXPORTS = ("python", "latex", "sympy")


@app.command()
def export(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `discover run`.")],
    to: Annotated[str, typer.Option("--to", help="python (a NumPy module with rhs(t, x); for a PDE, rhs(u, u_x, u_xx, ...)), latex (a table) or sympy (the equations as JSON text sympy reads).")] = "python",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: print to stdout).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --output file: it is first moved aside to FILE.old-<date-time>, never deleted.")] = False,
):
    """Export the selected equations of a run folder as a Python module, a LaTeX table or sympy text."""
    with _user_errors():
        from discover.core.errors import ConfigError, did_you_mean
        from discover.core.outfile import check_out_file, write_out_file

        if to not in EXPORTS:
            raise ConfigError(f"`--to` must be one of {', '.join(EXPORTS)}, not '{to}'{did_you_mean(to, EXPORTS)}.")
        if output is not None:
            check_out_file(output, force)
        from discover.export import to_latex, to_python, to_sympy_text
        from discover.report.run_folder import load_run

        result = load_run(run_dir)
        text = {"python": to_python, "latex": to_latex, "sympy": to_sympy_text}[to](result)
        if output is None:
            typer.echo(text, nl=False)
        else:
            write_out_file(output, lambda tmp: tmp.write_text(text, encoding="utf-8"), force)
            err.print(f"Wrote {escape(str(output))}", highlight=False, soft_wrap=True)


@app.command()
def bench(
    suite: Annotated[str, typer.Option(help="reference: the project's reference systems (`discover systems`); odebench: the 63 published ODEBench systems at ODEFormer's protocol.")] = "reference",
    systems: Annotated[str, typer.Option(help="all, or a comma-separated list (reference: names from `discover systems`; odebench: numbers 1-63).")] = "all",
    noise: Annotated[str, typer.Option("--noise", "--noises", help="Comma-separated noise levels (reference: fractions of each variable's spread; odebench: σ of x·(1 + σε)).")] = "0,0.01,0.05",
    methods: Annotated[str, typer.Option(help="Comma-separated `--methods` values to compare (odebench: one); the peers run beside them.")] = "auto",
    trajectories: Annotated[int, typer.Option(help="Runs generated per case (reference suite).")] = 3,
    points: Annotated[Optional[int], typer.Option(help="Samples per run (default: 2000 for reference, 512 for odebench).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of data and methods.")] = 0,
    jobs: Annotated[int, typer.Option(help="Cases run side by side in Dask worker processes (odebench).")] = 1,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Folder for the tables (default: runs/bench or runs/odebench).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace bench.md, bench.csv and bench.json of an earlier bench in --out: they are first moved aside to NAME.old-<date-time>, never deleted.")] = False,
):
    """Score methods against known equations on generated data, beside PySINDy (and, on ODEBench, the SR engine)."""
    with _user_errors():
        from cli.progress import RichProgress
        from discover.core.options import check_number, check_seed

        check_seed(seed)
        if suite == "odebench":
            from discover.bench.odebench import run_suite

            md = run_suite(systems, noise, methods, points, seed, jobs, out or Path("runs/odebench"), RichProgress(err))
            typer.echo(md.read_text())
            err.print(f"Wrote {escape(str(md))}, odebench.csv and odebench.json")
            return
        if suite != "reference":
            from discover.core.errors import ConfigError, shown

            raise ConfigError(f"`--suite` is '{shown(suite)}'; give reference or odebench.")
        from discover.bench.recovery import (
            BenchConfig,
            check_results_out,
            markdown_table,
            parse_list,
            parse_noises,
            run_benchmark,
            write_results,
        )
        from discover.pipeline.plan import build_plan
        from discover.systems import SYSTEMS, get_system

        out = out or Path("runs/bench")
        check_number(trajectories, "`--trajectories`", 1, 1000, whole=True)
        if points is not None:
            check_number(points, "`--points`", 10, 1_000_000, whole=True)
        check_results_out(out, force)
        names = tuple(SYSTEMS) if systems.strip() == "all" else parse_list(systems, "systems")
        for n in names:
            get_system(n)
        method_list = parse_list(methods, "methods")
        for m in method_list:
            build_plan(m)
        cfg = BenchConfig(tuple(get_system(n).name for n in names), parse_noises(noise), method_list,
                          trajectories, points or 2000, seed)
        rows = run_benchmark(cfg, progress=RichProgress(err))
        write_results(rows, out, force)
        out_text = markdown_table(rows)
        typer.echo(out_text)
        err.print(f"Wrote {escape(str(out / 'bench.md'))}, bench.csv and bench.json")


app.add_typer(prose_app, name="prose")


def main():
    # At exit the interpreter's last garbage collection walks every object the run created (sympy's
    # caches, the modules of scikit-learn, pandas and pysindy) only to free memory the operating
    # system takes back at once: 0.3-0.5 s, a tenth of a run. Objects frozen just before it are
    # skipped; atexit handlers (logging's flush, the figure worker's join) still run.
    atexit.register(gc.freeze)
    try:
        app()
    except KeyboardInterrupt:  # outside a command (while starting up)
        err.print("Interrupted (Ctrl-C); stopped.", highlight=False)
        sys.exit(130)


if __name__ == "__main__":
    main()
