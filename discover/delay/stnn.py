"""StNN: a structured neural network on the Hankel operator of delay measurements.

After Aluvihare, Lingsch, Li and Perera, "A Low-complexity Structured Neural Network to
Realize States of Dynamical Systems" (2025). Each hidden layer's weight is a Hankel matrix
H(h), W[i, j] = h[i + j], the operator that maps a delay vector forward. H is never stored:
with J the exchange matrix, H = T J for a Toeplitz T, and a Toeplitz product is a linear
convolution, so H x = (h * Jx)[m-1 : 2m-1]; the convolution is computed as

    F^-1 diag(F h) F (Jx),   F = B_log2N ... B_1 P   (radix-2 butterfly factorisation of the DFT)

where P is the bit-reversal permutation and every B_s is sparse with two non-zeros per row
(the butterflies). A layer is then sigma(D (H x) + b) with a learned diagonal scaling D, so it
holds 4m - 1 numbers instead of m^2 and costs O(m log m) operations instead of O(m^2).

The butterflies are written out (:class:`ButterflyDFT`) so that the factorisation and its
operation count can be read off the code; training calls torch.fft, which computes the same
radix-2 factorisation in compiled code about four times faster on a CPU (a test checks that
both give the same layer output; ``explicit=True`` trains through the written-out butterflies).

The network reads the standardised delay vector [x(t), x(t - tau), ..., x(t - (q-1) tau)] of
the measured variables and predicts x(t + tau) as x(t) plus a linear read-out; a forecast
shifts the delay vector and repeats. :class:`DelayMLP` is the plain dense baseline.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from discover.core.mlp import tanh_mlp


def _bit_reverse(n: int) -> torch.Tensor:
    bits = int(math.log2(n))
    return torch.tensor([int(f"{i:0{bits}b}"[::-1], 2) for i in range(n)])


class ButterflyDFT(nn.Module):
    """The N-point DFT as bit reversal followed by log2(N) sparse butterfly factors."""

    def __init__(self, n: int):
        super().__init__()
        if n & (n - 1):
            raise ValueError("ButterflyDFT needs a power-of-two size.")
        self.n = n
        self.register_buffer("perm", _bit_reverse(n), persistent=False)
        twiddles = []
        size = 2
        while size <= n:
            k = torch.arange(size // 2, dtype=torch.float64)
            twiddles.append(torch.exp(-2j * math.pi * k / size).to(torch.complex64))
            size *= 2
        self.twiddles = twiddles

    def forward(self, x: torch.Tensor, inverse: bool = False) -> torch.Tensor:
        """DFT along the last axis (complex input), or its inverse."""
        if inverse:
            return torch.conj(self.forward(torch.conj(x))) / self.n
        x = x[..., self.perm.to(x.device)]
        lead = x.shape[:-1]
        size = 2
        for tw in self.twiddles:
            half = size // 2
            x = x.reshape(*lead, self.n // size, size)
            a, b = x[..., :half], x[..., half:] * tw.to(x.device)
            x = torch.cat([a + b, a - b], dim=-1).reshape(*lead, self.n)
            size *= 2
        return x

    def operations(self) -> int:
        """Complex multiply-adds of one transform: N/2 butterflies per stage, log2 N stages."""
        return self.n // 2 * int(math.log2(self.n))


class HankelLayer(nn.Module):
    """x -> D (H(h) x) + b with H(h) an m-by-m Hankel matrix applied through the butterfly DFT."""

    def __init__(self, m: int, dft: ButterflyDFT, explicit: bool = False):
        super().__init__()
        self.m, self.dft, self.explicit = m, dft, explicit
        self.h = nn.Parameter(torch.randn(2 * m - 1) / m)
        self.scale = nn.Parameter(torch.ones(m))
        self.bias = nn.Parameter(torch.zeros(m))

    def matrix(self) -> torch.Tensor:
        """The dense Hankel matrix (for tests and reading, never used in the forward pass)."""
        i = torch.arange(self.m)
        return self.h[i[:, None] + i[None, :]]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, m = self.dft.n, self.m
        if not self.explicit:  # same product through the compiled real FFT
            conv = torch.fft.irfft(torch.fft.rfft(self.h, n) * torch.fft.rfft(torch.flip(x, dims=[-1]), n), n)
            return conv[..., m - 1: 2 * m - 1] * self.scale + self.bias
        xr = torch.flip(x, dims=[-1])
        pad_x = torch.zeros(*x.shape[:-1], n, dtype=torch.complex64, device=x.device)
        pad_x[..., :m] = xr
        pad_h = torch.zeros(n, dtype=torch.complex64, device=x.device)
        pad_h[: 2 * m - 1] = self.h
        conv = self.dft(self.dft(pad_h) * self.dft(pad_x), inverse=True).real
        return conv[..., m - 1: 2 * m - 1] * self.scale + self.bias


class StNN(nn.Module):
    """Hankel layers with tanh, then a linear read-out of the change over one delay step."""

    def __init__(self, m: int, k: int, layers: int = 3, explicit: bool = False):
        super().__init__()
        n = 1 << (3 * m - 2 - 1).bit_length()  # linear convolution of 2m-1 and m values
        self.dft = ButterflyDFT(n)
        self.layers = nn.ModuleList([HankelLayer(m, self.dft, explicit) for _ in range(layers)])
        self.readout = nn.Linear(m, k)
        self.k = k

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = z
        for layer in self.layers:
            h = torch.tanh(layer(h))
        return z[..., : self.k] + self.readout(h)

    def operations(self) -> int:
        """Real multiply-adds per sample: per layer two complex transforms (x4 real) and the
        spectral product (F h is shared by the batch), the diagonal scaling; then the read-out."""
        per_layer = 2 * 4 * self.dft.operations() + 4 * self.dft.n + 2 * self.layers[0].m
        return len(self.layers) * per_layer + self.readout.in_features * self.k


class DelayMLP(nn.Module):
    """A dense tanh MLP on the same input, predicting the same change."""

    def __init__(self, m: int, k: int, width: int, depth: int = 2):
        super().__init__()
        self.net = tanh_mlp(m, k, width, depth)
        self.k = k

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return z[..., : self.k] + self.net(z)

    def operations(self) -> int:
        return sum(m.weight.numel() for m in self.net if isinstance(m, nn.Linear))


def parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def mlp_width_for(budget: int, m: int, k: int, depth: int = 2) -> int:
    """The widest MLP of ``depth`` hidden layers whose parameter count stays within ``budget``."""
    w = 1
    while parameters(DelayMLP(m, k, w + 1, depth)) <= budget:
        w += 1
    return w
