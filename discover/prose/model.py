"""The multimodal transformer: trajectory (+ optional symbolic guess) in, equations and states out.

Four parts, as in PROSE (Liu, Zhang, Schaeffer, 2023):

- a **data encoder** over the observed samples ``(t~, x~, which variables exist)``; samples
  carry their own time, so uneven and missing samples need no special treatment;
- a **symbol encoder** over the tokens of a guess (a SINDy candidate at inference, a corrupted
  true system in training; ``<none>`` when there is no guess);
- a **fusion** encoder over both sequences, tagged by modality;
- a **symbolic decoder** (autoregressive, beam search) and an **operator decoder** that
  predicts the normalised state at query times from the fused memory.

The token embedding is shared by the symbol encoder and the decoder, and tied to the output
layer, which keeps the shipped weights small.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from discover.prose.cache import CachedDecoder
from discover.prose.grammar import BOS, EOS, INDEX, MAX_DIM, PAD, SEP, VARS, VOCAB

N_FEATURES = 1 + 4 * MAX_DIM  # t, x, dx/dt (scaled), log scale of dx/dt, variable present


@dataclass(frozen=True)
class ModelConfig:
    d_model: int = 256
    heads: int = 8
    ff: int = 1024
    data_layers: int = 2
    symbol_layers: int = 1
    fusion_layers: int = 1
    decoder_layers: int = 3
    operator_layers: int = 1
    max_points: int = 200
    max_tokens: int = 160

    def to_dict(self) -> dict:
        return asdict(self)


def _encoder(cfg: ModelConfig, n: int) -> nn.TransformerEncoder:
    layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.heads, cfg.ff, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=True)
    return nn.TransformerEncoder(layer, n, enable_nested_tensor=False)


def _decoder(cfg: ModelConfig, n: int) -> nn.TransformerDecoder:
    layer = nn.TransformerDecoderLayer(cfg.d_model, cfg.heads, cfg.ff, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=True)
    return nn.TransformerDecoder(layer, n)


class ProseModel(nn.Module):
    def __init__(self, cfg: ModelConfig = ModelConfig()):
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.data_in = nn.Sequential(nn.Linear(N_FEATURES, d), nn.GELU(), nn.Linear(d, d))
        self.data_enc = _encoder(cfg, cfg.data_layers)
        self.tok = nn.Embedding(len(VOCAB), d, padding_idx=INDEX[PAD])
        self.pos = nn.Embedding(cfg.max_tokens, d)
        self.sym_enc = _encoder(cfg, cfg.symbol_layers)
        self.modality = nn.Embedding(2, d)
        self.fusion = _encoder(cfg, cfg.fusion_layers)
        self.decoder = _decoder(cfg, cfg.decoder_layers)
        self.norm = nn.LayerNorm(d)
        self.query_in = nn.Sequential(nn.Linear(1, d), nn.GELU(), nn.Linear(d, d))
        self.operator = _decoder(cfg, cfg.operator_layers)
        self.state_out = nn.Linear(d, MAX_DIM)

    @property
    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    # -------------------------------------------------------------- encoding
    def encode(self, points, point_pad, guess, guess_pad):
        """points (B, P, N_FEATURES) from :func:`~discover.prose.train.point_features`, point_pad (B, P) True where padding; guess (B, G) ids."""
        h_data = self.data_enc(self.data_in(points), src_key_padding_mask=point_pad)
        pos = torch.arange(guess.shape[1], device=guess.device)
        h_sym = self.sym_enc(self.tok(guess) + self.pos(pos), src_key_padding_mask=guess_pad)
        h = torch.cat([h_data + self.modality.weight[0], h_sym + self.modality.weight[1]], dim=1)
        pad = torch.cat([point_pad, guess_pad], dim=1)
        return self.fusion(h, src_key_padding_mask=pad), pad

    def logits(self, memory, memory_pad, prefix):
        """Next-token logits for every position of ``prefix`` (B, L)."""
        L = prefix.shape[1]
        pos = torch.arange(L, device=prefix.device)
        causal = torch.triu(torch.ones(L, L, dtype=torch.bool, device=prefix.device), 1)
        h = self.decoder(self.tok(prefix) + self.pos(pos), memory, tgt_mask=causal,
                         tgt_key_padding_mask=prefix == INDEX[PAD], memory_key_padding_mask=memory_pad)
        return self.norm(h) @ self.tok.weight.T

    def states(self, memory, memory_pad, times):
        """Normalised states at query times (B, Q) -> (B, Q, MAX_DIM)."""
        h = self.operator(self.query_in(times[..., None]), memory, memory_key_padding_mask=memory_pad)
        return self.state_out(h)

    # -------------------------------------------------------------- decoding
    @staticmethod
    def _number_heads(device):
        from discover.prose.grammar import MANTISSAS, SIGNS

        return torch.tensor([INDEX[t] for t in SIGNS + MANTISSAS], device=device)

    @torch.no_grad()
    def beam_search(self, points, point_pad, guess, guess_pad, dim: int, beam: int = 8,
                    max_len: int | None = None) -> list[tuple[list[str], float]]:
        """Best ``beam`` token sequences for one example (batch of 1), with log-probabilities.

        Two grammar rules are enforced while decoding, because a sequence that breaks them
        cannot be a system of ``dim`` equations: only variables ``x0..x{dim-1}``, and exactly
        ``dim - 1`` separators before the end.
        """
        max_len = max_len or self.cfg.max_tokens
        memory, mpad = self.encode(points, point_pad, guess, guess_pad)
        dev = memory.device
        banned = torch.zeros(len(VOCAB), dtype=torch.bool, device=dev)
        for v in VARS[dim:]:
            banned[INDEX[v]] = True
        banned[INDEX[PAD]] = banned[INDEX[BOS]] = True
        seqs = torch.full((1, 1), INDEX[BOS], dtype=torch.long, device=dev)
        scores = torch.zeros(1, device=dev)
        seps = torch.zeros(1, dtype=torch.long, device=dev)
        done: list[tuple[list[int], float]] = []
        decoder = CachedDecoder(self, memory, mpad)
        last = seqs[:, 0]
        for _ in range(max_len - 1):
            logp = torch.log_softmax(decoder.step(last).float(), -1)
            logp[:, banned] = -float("inf")
            logp[seps < dim - 1, INDEX[EOS]] = -float("inf")
            logp[seps >= dim - 1, INDEX[SEP]] = -float("inf")
            # Digits do not branch: after a sign or a mantissa each beam keeps only its most
            # likely next token, so the beam's width is spent on different structures rather
            # than on the third digit of one constant (the constants are refitted anyway).
            # A constant's sign does not branch either: '+' and '-' become one choice, worth
            # their summed probability, so two beams never differ only in a sign.
            plus, minus = logp[:, INDEX["+"]], logp[:, INDEX["-"]]
            either, plus_wins = torch.logaddexp(plus, minus), plus >= minus
            logp[:, INDEX["+"]] = torch.where(plus_wins, either, -float("inf"))
            logp[:, INDEX["-"]] = torch.where(plus_wins, -float("inf"), either)
            numeric = torch.isin(seqs[:, -1], self._number_heads(dev))
            if numeric.any():
                best = logp[numeric].argmax(-1)
                kept = logp[numeric].gather(1, best[:, None])
                logp[numeric] = -float("inf")
                logp[numeric.nonzero()[:, 0], best] = kept[:, 0]
            total = (scores[:, None] + logp).reshape(-1)
            top = torch.topk(total, min(beam, int(torch.isfinite(total).sum())))
            rows, cols = top.indices // len(VOCAB), top.indices % len(VOCAB)
            keep_rows, keep_cols, keep_scores = [], [], []
            for r, c, s in zip(rows.tolist(), cols.tolist(), top.values.tolist()):
                if c == INDEX[EOS]:
                    done.append((seqs[r].tolist()[1:], s))
                else:
                    keep_rows.append(r), keep_cols.append(c), keep_scores.append(s)
            if not keep_rows or len(done) >= beam:
                break
            r = torch.tensor(keep_rows, device=dev)
            c = torch.tensor(keep_cols, device=dev)
            seqs = torch.cat([seqs[r], c[:, None]], dim=1)
            decoder.reorder(r)
            last = c
            scores = torch.tensor(keep_scores, device=dev)
            seps = seps[r] + (c == INDEX[SEP]).long()
        done.sort(key=lambda e: -e[1])
        return [([VOCAB[i] for i in s], score) for s, score in done[:beam]]
