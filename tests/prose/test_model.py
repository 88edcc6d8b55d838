"""The shipped PROSE checkpoint, its training loop and the `prose` distiller."""

import pytest
import torch

from discover.core.structure import compare
from discover.data.derivatives import estimate_derivatives
from discover.distillers import Samples
from discover.distillers.prose import Prose
from discover.prose import checkpoint
from discover.prose.model import ModelConfig
from discover.prose.train import TrainConfig, train
from discover.systems import generate, get_system


def test_shipped_checkpoint_loads_with_its_provenance():
    model, meta = checkpoint.load()
    assert meta["parameters"] == model.n_parameters
    assert checkpoint.SHIPPED.stat().st_size < 30e6
    assert meta["step"] > 0 and meta["segments"] and meta["train"]["seed"] == 0


def test_lotka_volterra_structure_is_proposed_on_the_cpu():
    system = get_system("lotka_volterra")
    data = generate(system, points=500, noise=0.01, seed=1)
    der = estimate_derivatives(data)
    tr = data.trajectories[0]
    samples = Samples(der.smoothed[0], der.derivatives[0], system.variables,
                      trajectories=((tr.t, der.smoothed[0], der.derivatives[0]),))
    prose = Prose(random_state=0, device="cpu").fit(samples)
    results = [compare(c.equations, system.equations()) for c in prose.candidates_]
    assert any(r["exact"] and r["max_coef_error"] < 0.05 for r in results)


def test_training_writes_and_resumes_a_checkpoint(tmp_path):
    cfg = TrainConfig(draws=300, chunk=300, batch=4, warmup=2, steps=4,
                      model=ModelConfig(d_model=32, heads=2, ff=64, max_points=50))
    first = train(tmp_path / "a.pt", cfg, device="cpu", max_steps=2, log=lambda m: None)
    assert first["step"] == 2
    state = checkpoint.read(tmp_path / "a.pt")
    assert all(v.dtype == torch.float16 for v in state["weights"].values())
    second = train(tmp_path / "b.pt", resume=tmp_path / "a.pt", device="cpu", max_steps=3, log=lambda m: None,
                   overrides={"lr": 1e-4})
    assert second["step"] == 3 and len(second["segments"]) == 2
    assert second["segments"][1]["round"] == 1
    assert second["train"]["lr"] == second["segments"][1]["lr"] == 1e-4  # the segment records its rate


def test_a_foreign_file_is_refused(tmp_path):
    from discover.core.errors import ConfigError

    bad = tmp_path / "x.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(ConfigError, match="not a PROSE checkpoint"):
        checkpoint.read(bad)


def test_cached_decoder_gives_the_same_logits_as_the_full_decoder():
    """Beam search decodes one position at a time with cached keys and values; that must not
    change what the model says, also after beams are reordered."""
    from discover.prose.cache import CachedDecoder
    from discover.prose.grammar import BOS, INDEX, NONE
    from discover.prose.model import N_FEATURES

    model, _ = checkpoint.load()
    gen = torch.Generator().manual_seed(0)
    pad = torch.zeros(1, 60, dtype=torch.bool)
    pad[0, 50:] = True
    with torch.no_grad():
        memory, mpad = model.encode(torch.randn(1, 60, N_FEATURES, generator=gen), pad,
                                    torch.tensor([[INDEX[NONE]]]), torch.zeros(1, 1, dtype=torch.bool))
        seq = torch.randint(5, 40, (3, 10), generator=gen)
        seq[:, 0] = INDEX[BOS]
        full = model.logits(memory.expand(3, -1, -1), mpad.expand(3, -1), seq)
        dec = CachedDecoder(model, memory, mpad)
        step = torch.stack([dec.step(seq[:, j]) for j in range(seq.shape[1])], 1)
        torch.testing.assert_close(step, full, rtol=1e-4, atol=2e-3)
        dec.reorder(torch.tensor([2, 0]))
        nxt = dec.step(torch.tensor([7, 9]))
        ref = model.logits(memory.expand(2, -1, -1), mpad.expand(2, -1),
                           torch.cat([seq[[2, 0]], torch.tensor([[7], [9]])], 1))[:, -1]
        torch.testing.assert_close(nxt, ref, rtol=1e-4, atol=2e-3)


def test_views_of_a_run_are_seeded_subsets_of_its_samples():
    import numpy as np

    from discover.prose.propose import windows

    t = np.sort(np.random.default_rng(3).uniform(0, 5, 150))
    views = dict(windows(t, 200, seed=1))
    assert list(views)[:3] == ["whole run", "first half", "second half"]
    subsets = [idx for label, idx in views.items() if label.startswith("subset")]
    assert len(subsets) == 4 and all(len(s) == 112 and np.all(np.diff(s) > 0) for s in subsets)
    assert len({tuple(s) for s in subsets}) == 4  # four different looks, not one repeated
    again = dict(windows(t, 200, seed=1))
    assert all(np.array_equal(views[k], again[k]) for k in views)  # same seed, same views
    other = [idx for label, idx in windows(t, 200, seed=2) if label.startswith("subset")]
    assert any(not np.array_equal(a, b) for a, b in zip(subsets, other))  # another seed, other views
    assert len(windows(t[:40], 200)) == 1  # too short to split: the whole run only
