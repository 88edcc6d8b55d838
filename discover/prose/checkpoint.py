"""The PROSE checkpoint: half-precision weights plus how they were made.

A checkpoint is one ``torch.save`` file holding ``format``, ``meta`` (training settings, steps,
segments of the schedule, losses, torch version) and ``weights`` in float16 (half the size,
and the model runs in float32 after loading). The shipped one lives inside the package, so
loading it needs no network.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import torch

from discover.core.errors import ConfigError, UnavailableError

FORMAT = "discover.prose/1"
SHIPPED = Path(__file__).parent / "weights" / "prose.pt"


def write(path, model, meta: dict, optimizer=None) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"format": FORMAT, "meta": meta,
             "weights": {k: v.detach().to("cpu", torch.float16) for k, v in model.state_dict().items()}}
    if optimizer is not None:
        state["optimizer"] = optimizer.state_dict()
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def read(path) -> dict:
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"PROSE checkpoint '{path}' does not exist; check the path.")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # a truncated or foreign file
        raise ConfigError(f"'{path}' is not a PROSE checkpoint ({type(exc).__name__}); train one with "
                          "`discover prose train`.") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ConfigError(f"'{path}' is not a {FORMAT} checkpoint; train one with `discover prose train`.")
    return state


def load(path=None, device: str = "cpu"):
    """The model (eval mode, float32) and its metadata; the shipped checkpoint by default."""
    path = Path(path) if path else SHIPPED
    if path == SHIPPED and not SHIPPED.exists():
        raise UnavailableError("This installation has no shipped PROSE weights; train them with "
                               "`discover prose train --out FILE` and pass the file.")
    return _load(str(path.resolve()), device)


@lru_cache(maxsize=4)
def _load(path: str, device: str):
    from discover.prose.model import ModelConfig, ProseModel

    state = read(path)
    model = ProseModel(ModelConfig(**state["meta"]["train"]["model"]))
    model.load_state_dict({k: v.float() for k, v in state["weights"].items()})
    return model.to(device).eval(), state["meta"]
