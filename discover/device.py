"""Where networks run: ``--device auto|cpu|cuda`` resolved against what torch sees."""

from __future__ import annotations

from discover.errors import ConfigError

DEVICES = ("auto", "cpu", "cuda")


def check_device(device: str) -> str:
    """``device`` if it is one of auto, cpu, cuda; a ConfigError otherwise (no torch import)."""
    if device not in DEVICES:
        raise ConfigError(f"`--device` must be auto, cpu or cuda, not '{device}'.")
    return device


def resolve_device(device: str = "auto") -> str:
    """``"auto"`` becomes ``"cuda"`` when a GPU is visible to torch, else ``"cpu"``."""
    if check_device(device) == "cpu":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if device == "cuda":
        raise ConfigError("`--device cuda` was asked for but torch sees no CUDA GPU here; use `--device auto` or `cpu`.")
    return "cpu"
