"""Incremental decoding with cached keys and values, for beam search.

``nn.TransformerDecoder`` recomputes every earlier position at each new token, so decoding a
sequence of L tokens costs O(L²) layer passes; PyTorch has no cached decoder. This module runs
the same (pre-norm) decoder layers one position at a time, keeping each layer's self-attention
keys and values and the cross-attention keys and values of the fused memory, so each token
costs one pass. It reads the weights of the model's own layers; a test checks that its logits
equal :meth:`ProseModel.logits` on the same prefix.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _heads(x: torch.Tensor, h: int) -> torch.Tensor:
    n, L, d = x.shape
    return x.view(n, L, h, d // h).transpose(1, 2)  # (n, h, L, d/h)


class CachedDecoder:
    """Next-token logits for ``n`` beams over one example's fused memory.

    Parameters
    ----------
    model : ProseModel
    memory : Tensor (1, M, d)
    memory_pad : Tensor (1, M), True where padding
    """

    def __init__(self, model, memory: torch.Tensor, memory_pad: torch.Tensor):
        self.model = model
        self.layers = list(model.decoder.layers)
        self.h = model.cfg.heads
        d = memory.shape[-1]
        self.cross = []
        for layer in self.layers:
            w, b = layer.multihead_attn.in_proj_weight, layer.multihead_attn.in_proj_bias
            k = F.linear(memory, w[d: 2 * d], b[d: 2 * d])
            v = F.linear(memory, w[2 * d:], b[2 * d:])
            self.cross.append((_heads(k, self.h), _heads(v, self.h)))
        self.allowed = ~memory_pad[:, None, None, :]  # (1, 1, 1, M): True where attention may look
        self.keys: list[torch.Tensor | None] = [None] * len(self.layers)
        self.values: list[torch.Tensor | None] = [None] * len(self.layers)
        self.position = 0

    def reorder(self, rows: torch.Tensor) -> None:
        """Keep the caches of beams ``rows`` (in that order)."""
        self.keys = [k[rows] for k in self.keys]
        self.values = [v[rows] for v in self.values]

    def step(self, tokens: torch.Tensor) -> torch.Tensor:
        """Append ``tokens`` (n,) at the next position; return the logits that follow them (n, vocab)."""
        m = self.model
        pos = torch.full_like(tokens, self.position)
        x = (m.tok(tokens) + m.pos(pos))[:, None, :]  # (n, 1, d)
        n, d = x.shape[0], x.shape[-1]
        for i, layer in enumerate(self.layers):
            sa = layer.self_attn
            q, k, v = F.linear(layer.norm1(x), sa.in_proj_weight, sa.in_proj_bias).chunk(3, dim=-1)
            k, v = _heads(k, self.h), _heads(v, self.h)
            if self.keys[i] is not None:
                k = torch.cat([self.keys[i], k], dim=2)
                v = torch.cat([self.values[i], v], dim=2)
            self.keys[i], self.values[i] = k, v
            a = F.scaled_dot_product_attention(_heads(q, self.h), k, v)
            x = x + sa.out_proj(a.transpose(1, 2).reshape(n, 1, d))
            ca = layer.multihead_attn
            q = F.linear(layer.norm2(x), ca.in_proj_weight[:d], ca.in_proj_bias[:d])
            ck, cv = self.cross[i]
            a = F.scaled_dot_product_attention(_heads(q, self.h), ck.expand(n, -1, -1, -1), cv.expand(n, -1, -1, -1),
                                               attn_mask=self.allowed)
            x = x + ca.out_proj(a.transpose(1, 2).reshape(n, 1, d))
            x = x + layer.linear2(layer.activation(layer.linear1(layer.norm3(x))))
        self.position += 1
        return (m.norm(x) @ m.tok.weight.T)[:, 0]
