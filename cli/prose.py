"""`discover prose train` and `discover prose eval`: the PROSE transformer's model (thin, as every command)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from cli.boundary import escape, user_errors

err = Console(stderr=True)

prose_app = typer.Typer(help="Train and evaluate the PROSE transformer (the `prose` distiller's model).",
                        no_args_is_help=True)


@prose_app.command("train")
def prose_train(
    out_file: Annotated[Path, typer.Option("--out", "-o", help="Checkpoint file to write.")],
    resume: Annotated[Optional[Path], typer.Option(help="Checkpoint to continue from (a new pool round).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated systems, batches and weights.")] = 0,
    draws: Annotated[Optional[int], typer.Option(help="Random systems drawn for the pool (about 20% are kept).")] = None,
    batch: Annotated[Optional[int], typer.Option(help="Examples per step.")] = None,
    steps: Annotated[Optional[int], typer.Option(help="Length of the learning-rate schedule.")] = None,
    lr: Annotated[Optional[float], typer.Option(help="Peak learning rate (default 5e-4; lower it when a resumed run's loss spikes).")] = None,
    max_steps: Annotated[Optional[int], typer.Option(help="Stop after this step.")] = None,
    minutes: Annotated[Optional[float], typer.Option(help="Stop after this many minutes of training.")] = None,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
):
    """Train the PROSE model from a seed (the shipped weights: --draws 300000 --steps 5500 --max-steps 4681 on a GPU)."""
    with user_errors(err, False):
        from dataclasses import replace

        from cli.progress import RichProgress
        from discover.core.device import resolve_device
        from discover.core.options import check_number, check_seed
        from discover.prose.train import TrainConfig, train

        resolve_device(device)
        check_seed(seed)
        for option, value, low, high, whole in (("`--draws`", draws, 1, 10**8, True), ("`--batch`", batch, 1, 65_536, True),
                                                ("`--steps`", steps, 1, 10**7, True), ("`--lr`", lr, 1e-12, 10.0, False),
                                                ("`--max-steps`", max_steps, 0, 10**7, True),
                                                ("`--minutes`", minutes, 0.0, 525_600.0, False)):
            if value is not None:
                check_number(value, option, low, high, whole)
        overrides = {k: v for k, v in {"draws": draws, "batch": batch, "steps": steps, "lr": lr}.items() if v}
        train(out_file, replace(TrainConfig(seed=seed), **overrides), resume, device, minutes, max_steps,
              progress=RichProgress(err), log=lambda m: err.print(escape(m), highlight=False), overrides=overrides)


@prose_app.command("eval")
def prose_eval(
    weights: Annotated[Optional[Path], typer.Option(help="Checkpoint to evaluate (default: the shipped one).")] = None,
    systems: Annotated[int, typer.Option(help="Generated test systems.")] = 50,
    noise: Annotated[float, typer.Option(help="Noise as a fraction of each variable's spread.")] = 0.01,
    beam: Annotated[int, typer.Option(help="Beam width.")] = 8,
    sr: Annotated[bool, typer.Option(help="Time symbolic regression on the reference systems too.")] = True,
    guess: Annotated[bool, typer.Option(help="Also run PROSE given SINDy's pick as its symbolic guess.")] = True,
):
    """Exact-structure and R² > 0.9 rates on held-out generated systems and the reference systems."""
    with user_errors(err, False):
        from cli.progress import RichProgress
        from discover.bench.prose import evaluate_generated, evaluate_reference, markdown
        from discover.core.options import check_number

        check_number(systems, "`--systems`", 0, 100_000, whole=True)
        check_number(noise, "`--noise`", 0.0, 10.0)
        check_number(beam, "`--beam`", 1, 256, whole=True)
        progress = RichProgress(err)
        gen = evaluate_generated(systems, noise, beam, weights, progress, with_guess=guess) if systems > 0 else None
        ref = evaluate_reference(noise, beam, weights, sr, progress)
        typer.echo(markdown(gen, ref))
