"""Time-delay models: the structured layers, HAVOK on Lorenz x(t), and StNN forecasts."""

import numpy as np
import pytest
import torch

import discover
from discover.delay import Havok, embed
from discover.delay.compare import evaluate
from discover.delay.forecast import DelayForecaster, ForecasterConfig
from discover.delay.stnn import ButterflyDFT, HankelLayer, StNN, parameters
from discover.systems import generate, get_system


def test_butterfly_factorisation_is_the_dft():
    dft = ButterflyDFT(64)
    x = torch.randn(5, 64, dtype=torch.complex64)
    assert torch.allclose(dft(x), torch.fft.fft(x), atol=1e-4)
    assert torch.allclose(dft(dft(x), inverse=True), x, atol=1e-5)


def test_hankel_layer_applies_its_hankel_matrix():
    layer = HankelLayer(12, ButterflyDFT(64), explicit=True)
    W = layer.matrix()
    assert all(W[i, j] == W[i + 1, j - 1] for i in range(11) for j in range(1, 12))  # constant anti-diagonals
    z = torch.randn(3, 12)
    assert torch.allclose(layer(z), (z @ W.T) * layer.scale + layer.bias, atol=1e-5)
    layer.explicit = False  # the compiled FFT path computes the same layer
    assert torch.allclose(layer(z), (z @ W.T) * layer.scale + layer.bias, atol=1e-5)
    assert parameters(StNN(32, 1, layers=3)) < 32 * 32  # fewer numbers than one dense layer


@pytest.fixture(scope="module")
def lorenz_x():
    data = generate(get_system("lorenz"), points=8000, t_end=40.0, seed=0)
    tr = data.trajectories[0]
    return tr.t, tr.x[:, :1]


def test_rank_and_spacing_are_chosen_from_the_data(lorenz_x):
    t, x = lorenz_x
    emb = embed(x, t)
    assert 3 <= emb.rank <= 24 and emb.spacing >= 1
    noisy = embed(x + 0.05 * x.std() * np.random.default_rng(0).standard_normal(x.shape), t)
    assert 3 <= noisy.rank < emb.rank  # noise hides the small singular values


def test_havok_reproduces_lorenz_x_over_a_short_horizon(lorenz_x):
    t, x = lorenz_x
    h = Havok().fit(x[:6000], t[:6000])
    assert h.fit_r2_ > 0.95
    held = x[6000:]
    scale = x.std()
    for start in (0, 500, 1000):
        pred = h.forecast(held, 100, start=start, forced=True)  # 0.5 time units
        q, s = h.embedding_.delays, h.embedding_.spacing
        truth = held[start + (q - 1) * s: start + (q - 1) * s + len(pred)]
        assert np.sqrt(np.mean((pred - truth) ** 2)) / scale < 0.1


def test_stnn_forecast_beats_no_change(lorenz_x):
    from discover.data.dataset import Trajectory

    t, x = lorenz_x
    q, s = 16, 2
    model = DelayForecaster("stnn", q, s, ForecasterConfig(epochs=25, max_windows=4000)).fit([x[:6000]], seed=0)
    held = [Trajectory(t[6000:], x[6000:])]
    scale = x.std(axis=0)
    ours = evaluate(lambda seg, i, n: model.forecast(seg.x, i, n), held, q, s, (5,), scale)[5]
    still = evaluate(lambda seg, i, n: np.repeat(seg.x[i][None], n, axis=0), held, q, s, (5,), scale)[5]
    assert ours < 0.3 * still


def test_cli_writes_havok_and_the_comparison_from_x_alone(tmp_path):
    """The issue's command: one measured variable of Lorenz, HAVOK and the StNN, a full report."""
    import json

    from typer.testing import CliRunner

    from cli.main import app
    from discover.systems import to_frame

    data = generate(get_system("lorenz"), points=4000, t_end=20.0, seed=1)
    path = tmp_path / "lorenz.csv"
    to_frame(data).to_csv(path, index=False)
    out = tmp_path / "run"
    r = CliRunner().invoke(app, ["run", str(path), "--states", "x", "--methods", "havok,hankel", "--out", str(out)])
    assert r.exit_code == 0, r.output
    havok = json.loads((out / "havok.json").read_text())
    assert havok["schema"] == "discover.havok/1" and len(havok["equations"]) == havok["rank"] - 1
    report = (out / "report.md").read_text()
    for words in ("HAVOK", "Forecast comparison", "StNN (Hankel layers)", "dense MLP", "havok_forcing.png",
                  "delay_forecasts.png"):
        assert words in report
    eqs = json.loads((out / "equations.json").read_text())
    assert eqs["candidates"] == []  # HAVOK's coordinates are not the CSV's variables
    rows = {row["method"]: row for row in json.loads((out / "run.json").read_text())["delay"]["rows"]}
    assert rows["StNN (Hankel layers)"]["rmse"][0] < rows["no change"]["rmse"][0]
    # `discover report` renders the folder again without losing the delay section or havok.json
    before = report
    r = CliRunner().invoke(app, ["report", str(out)])
    assert r.exit_code == 0, r.output
    again = (out / "report.md").read_text()
    for words in ("HAVOK", "Forecast comparison", "havok_forcing.png", "delay_forecasts.png", havok["equations"][0]):
        assert words in again
    section = lambda text: text.split("## Time-delay models")[1].split("## Candidates")[0]  # noqa: E731
    assert section(again) == section(before)
    assert json.loads((out / "run.json").read_text())["delay"]["rows"] == json.loads(json.dumps(list(rows.values())))
    assert (out / "havok.json").exists() and (out / "figures" / "havok_forcing.png").exists()


def test_a_record_too_short_for_the_delays_is_refused_before_anything_trains(monkeypatch):
    """200 rows of one state: HAVOK's held-out segments cannot hold its 32 delays. The refusal used to
    come after the neural-ODE and SINDy baselines had trained (85-105 s)."""
    import discover.pipeline.delay_baselines as baselines
    import discover.surrogates.base as surrogate_base
    from discover.core.errors import ConfigError

    trained = []
    monkeypatch.setattr(baselines, "equation_baselines", lambda *a, **k: trained.append("baselines") or [])
    original = surrogate_base.BaseSurrogate.fit
    monkeypatch.setattr(surrogate_base.BaseSurrogate, "fit",
                        lambda self, *a, **k: trained.append(self.name) or original(self, *a, **k))
    data = generate(get_system("logistic"), points=200, trajectories=1, seed=0)
    with pytest.raises(ConfigError, match=r"too few for 32 delays .* havok"):
        discover.Discoverer(methods="havok", random_state=0).fit(data)
    assert trained == []
