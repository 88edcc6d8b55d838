"""Training the PROSE model: a pool of solved random systems, batches drawn with fresh noise and
sampling, AdamW with warm-up and cosine decay, resumable from a checkpoint.

Run it as ``discover prose train --out FILE`` or, on a machine with only PyTorch,
``python -m discover.prose.train --out FILE``. The same seed and schedule give the same
pool and the same batches; on a GPU, kernels are not bit-for-bit deterministic.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from discover.core.progress import NullProgress
from discover.prose import checkpoint
from discover.prose.generator import GRID, GeneratorConfig, corrupt, sample_system, solve_examples
from discover.prose.grammar import INDEX, MAX_DIM, NONE, PAD, ids, system_tokens
from discover.prose.model import ModelConfig, ProseModel


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 0
    draws: int = 400_000  # random systems solved per pool (about 40% are kept)
    chunk: int = 25_000
    batch: int = 256
    steps: int = 24_000  # length of the learning-rate schedule
    lr: float = 5e-4
    warmup: int = 1000
    min_points: int = 40
    guess_prob: float = 0.5
    queries: int = 32
    operator_weight: float = 0.5
    model: ModelConfig = field(default_factory=ModelConfig)
    generator: GeneratorConfig = field(default_factory=GeneratorConfig)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        d = dict(d)
        model = ModelConfig(**d.pop("model", {}))
        gen = d.pop("generator", {})
        gen = GeneratorConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in gen.items()})
        return cls(model=model, generator=gen, **d)


# ------------------------------------------------------------------ the pool
def _draw(args) -> list:
    seed, chunk, n, cfg = args
    rng = np.random.default_rng([seed, chunk])
    return [sample_system(rng, cfg) for _ in range(n)]


@dataclass
class Pool:
    """Solved systems as tensors on the training device."""

    traj: torch.Tensor  # (N, GRID, MAX_DIM) normalised clean states
    deriv: torch.Tensor  # (N, GRID, MAX_DIM) their time derivatives
    dim: torch.Tensor  # (N,)
    target: torch.Tensor  # (N, max_tokens) token ids
    guess: torch.Tensor  # (N, max_tokens) token ids of a corrupted system

    def __len__(self) -> int:
        return self.traj.shape[0]


def build_pool(cfg: TrainConfig, round_: int, device, progress=None, workers: int | None = None) -> Pool:
    """Draw ``cfg.draws`` systems (chunks seeded by ``(seed, round, chunk)``), solve, filter, tokenise."""
    n_chunks = max(1, math.ceil(cfg.draws / cfg.chunk))
    size = min(cfg.chunk, cfg.draws)
    jobs = [(cfg.seed, round_ * 100_000 + c, size, cfg.generator) for c in range(n_chunks)]
    workers = workers or max(1, min(len(jobs), os.cpu_count() or 1))
    L = cfg.model.max_tokens
    trajs, derivs, dims, targets, guesses = [], [], [], [], []
    rng = np.random.default_rng([cfg.seed, round_, 7])

    def handle(drawn):
        for ex in solve_examples(drawn, device, cfg.generator):
            t_ids = ids(system_tokens(ex.system))
            g_ids = ids(system_tokens(corrupt(ex.system, rng)))
            if len(t_ids) > L or len(g_ids) > L:
                continue
            trajs.append(ex.traj)
            derivs.append(ex.deriv)
            dims.append(ex.dim)
            targets.append(t_ids + [INDEX[PAD]] * (L - len(t_ids)))
            guesses.append(g_ids + [INDEX[PAD]] * (L - len(g_ids)))

    with (progress or NullProgress()).task("building the training pool", total=len(jobs)) as task:
        if workers > 1:
            # spawn, not fork: the parent may already hold a CUDA context
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as ex:
                for drawn in ex.map(_draw, jobs):
                    handle(drawn)
                    task.advance()
        else:
            for job in jobs:
                handle(_draw(job))
                task.advance()
    as_t = lambda a, dt: torch.as_tensor(np.asarray(a), dtype=dt, device=device)  # noqa: E731
    return Pool(as_t(trajs, torch.float32), as_t(derivs, torch.float32), as_t(dims, torch.long),
                as_t(targets, torch.long), as_t(guesses, torch.long))


# ------------------------------------------------------------------ batches
def point_features(t, x, dx, present):
    """What the data encoder reads per sample: t~, x~, d x~/d t~ over its RMS, log of that RMS,
    and which variables exist (shapes (B, P), (B, P, D), (B, P, D), (B, D))."""
    P = t.shape[1]
    rms = torch.sqrt((dx**2).mean(1, keepdim=True)) + 1e-6
    scale = torch.log(rms).expand(-1, P, -1) * present[:, None, :]
    return torch.cat([t[..., None], x, dx / rms * present[:, None, :], scale,
                      present[:, None, :].expand(-1, P, -1)], dim=-1)


def make_batch(pool: Pool, cfg: TrainConfig, gen: torch.Generator) -> dict:
    """Random examples with fresh sampling (uneven, 40-200 points), noise and guesses."""
    dev = pool.traj.device
    B, P = cfg.batch, cfg.model.max_points
    pick = torch.randint(len(pool), (B,), generator=gen, device=dev)
    traj, dim = pool.traj[pick], pool.dim[pick]
    present = (torch.arange(MAX_DIM, device=dev)[None, :] < dim[:, None]).float()  # (B, D)
    # Which grid points are observed: a random subset of random size (uneven sampling).
    order = torch.argsort(torch.rand(B, GRID, generator=gen, device=dev), dim=1)[:, :P]
    n_obs = torch.randint(cfg.min_points, P + 1, (B,), generator=gen, device=dev)
    pad = torch.arange(P, device=dev)[None, :] >= n_obs[:, None]
    t = order.float() / (GRID - 1)
    x = torch.gather(traj, 1, order[..., None].expand(-1, -1, MAX_DIM))
    level = torch.exp(torch.empty(B, device=dev).uniform_(math.log(1e-3), math.log(0.1), generator=gen))
    level = torch.where(torch.rand(B, generator=gen, device=dev) < 0.3, torch.zeros_like(level), level)
    x = (x + level[:, None, None] * torch.randn(x.shape, generator=gen, device=dev)) * present[:, None, :]
    # Derivatives as a smoother would estimate them from the noisy samples: the exact value
    # plus an error a few times the state noise (differentiation amplifies noise).
    dx = torch.gather(pool.deriv[pick], 1, order[..., None].expand(-1, -1, MAX_DIM))
    d_level = level * torch.empty(B, device=dev).uniform_(1.0, 5.0, generator=gen)
    rms = torch.sqrt((dx**2).mean(1, keepdim=True)) + 1e-6
    dx = dx + d_level[:, None, None] * rms * torch.randn(dx.shape, generator=gen, device=dev)
    points = point_features(t, x, dx, present)
    guess = pool.guess[pick].clone()
    no_guess = torch.rand(B, generator=gen, device=dev) >= cfg.guess_prob
    guess[no_guess] = INDEX[PAD]
    guess[no_guess, 0] = INDEX[NONE]
    guess = guess[:, : int((guess != INDEX[PAD]).sum(1).max())]
    target = pool.target[pick]
    target = target[:, : int((target != INDEX[PAD]).sum(1).max())]
    q = torch.randint(GRID, (B, cfg.queries), generator=gen, device=dev)
    return {
        "points": points, "point_pad": pad, "guess": guess, "guess_pad": guess == INDEX[PAD],
        "target": target, "query_t": q.float() / (GRID - 1),
        "query_x": torch.gather(traj, 1, q[..., None].expand(-1, -1, MAX_DIM)), "present": present,
    }


def losses(model: ProseModel, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
    memory, mpad = model.encode(batch["points"], batch["point_pad"], batch["guess"], batch["guess_pad"])
    tgt = batch["target"]
    logits = model.logits(memory, mpad, tgt[:, :-1])
    ce = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), tgt[:, 1:].reshape(-1),
                                           ignore_index=INDEX[PAD])
    pred = model.states(memory, mpad, batch["query_t"]).float()
    mask = batch["present"][:, None, :]
    mse = (((pred - batch["query_x"]) ** 2) * mask).sum() / mask.expand_as(pred).sum()
    return ce, mse


def _lr(step: int, cfg: TrainConfig, warm_from: int) -> float:
    warm = min(1.0, (step - warm_from + 1) / cfg.warmup)
    progress = min(1.0, step / cfg.steps)
    return cfg.lr * warm * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))


# ------------------------------------------------------------------ the loop
def train(out: Path, cfg: TrainConfig = TrainConfig(), resume: Path | None = None, device: str = "auto",
          max_minutes: float | None = None, max_steps: int | None = None, progress=None, log=print,
          overrides: dict | None = None) -> dict:
    """Train (or continue training) and write the checkpoint to ``out``; returns its metadata.

    On resume the settings come from the checkpoint; ``overrides`` (draws, batch, steps, lr) change
    them from this segment on, and the segment records what it used.
    """
    from discover.core.device import resolve_device

    dev = torch.device(resolve_device(device))
    torch.manual_seed(cfg.seed)
    state = checkpoint.read(resume) if resume else None
    if state is not None:
        cfg = TrainConfig.from_dict(state["meta"]["train"])
    cfg = replace(cfg, **(overrides or {}))
    model = ProseModel(cfg.model).to(dev)
    step, segments = 0, []
    if state is not None:
        model.load_state_dict({k: v.float() for k, v in state["weights"].items()})
        step, segments = state["meta"]["step"], list(state["meta"]["segments"])
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01, betas=(0.9, 0.98))
    if state is not None and state.get("optimizer"):
        opt.load_state_dict(state["optimizer"])
    round_ = len(segments)
    t0 = time.perf_counter()
    pool = build_pool(cfg, round_, dev, progress)
    log(f"pool round {round_}: {len(pool)} systems kept of {cfg.draws} drawn in {time.perf_counter() - t0:.0f} s; "
        f"model {model.n_parameters:,} parameters on {dev}")
    gen = torch.Generator(device=dev)
    gen.manual_seed(cfg.seed * 1000 + round_)
    start, warm_from = step, step if state is not None and not state.get("optimizer") else 0
    last = max_steps if max_steps is not None else cfg.steps
    t_train = time.perf_counter()
    amp = dict(device_type="cuda", dtype=torch.bfloat16) if dev.type == "cuda" else dict(device_type="cpu", enabled=False)
    ema_ce = ema_mse = None
    with (progress or NullProgress()).task("training the PROSE model", total=last - step) as task:
        while step < last:
            if max_minutes is not None and time.perf_counter() - t_train > 60 * max_minutes:
                break
            for g in opt.param_groups:
                g["lr"] = _lr(step, cfg, warm_from)
            batch = make_batch(pool, cfg, gen)
            with torch.autocast(**amp):
                ce, mse = losses(model, batch)
            loss = ce + cfg.operator_weight * mse
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            ema_ce = ce.item() if ema_ce is None else 0.98 * ema_ce + 0.02 * ce.item()
            ema_mse = mse.item() if ema_mse is None else 0.98 * ema_mse + 0.02 * mse.item()
            task.advance()
            if step % 500 == 0:
                log(f"step {step}: token loss {ema_ce:.3f}, state loss {ema_mse:.4f}, "
                    f"{(step - start) / (time.perf_counter() - t_train):.1f} steps/s")
    segments.append({"round": round_, "from": start, "to": step, "pool": len(pool), "device": str(dev),
                     "batch": cfg.batch, "draws": cfg.draws, "schedule_steps": cfg.steps, "lr": cfg.lr,
                     "seconds": round(time.perf_counter() - t0, 1)})
    meta = {"train": cfg.to_dict(), "step": step, "segments": segments, "parameters": model.n_parameters,
            "token_loss": ema_ce, "state_loss": ema_mse, "torch": str(torch.__version__)}
    checkpoint.write(out, model, meta, optimizer=opt if os.environ.get("DISCOVER_PROSE_FULL") else None)
    log(f"wrote {out} at step {step}")
    return meta


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Train the PROSE model (see `discover prose train`).")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--resume", type=Path)
    p.add_argument("--device", default="auto")
    p.add_argument("--minutes", type=float)
    p.add_argument("--max-steps", type=int)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--draws", type=int)
    p.add_argument("--batch", type=int)
    p.add_argument("--steps", type=int, help="length of the learning-rate schedule")
    p.add_argument("--lr", type=float, help="peak learning rate (lower it when a resumed run's loss spikes)")
    a = p.parse_args(argv)
    overrides = {k: v for k, v in {"draws": a.draws, "batch": a.batch, "steps": a.steps, "lr": a.lr}.items() if v}
    train(a.out, replace(TrainConfig(seed=a.seed), **overrides), a.resume, a.device, a.minutes, a.max_steps,
          overrides=overrides)


if __name__ == "__main__":
    main()
