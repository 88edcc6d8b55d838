"""Where networks run: ``--device auto|cpu|cuda`` resolved against what torch sees."""

from __future__ import annotations

from discover.core.errors import ConfigError
from discover.core.options import check_device


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
