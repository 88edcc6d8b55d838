"""The ``hankel`` delay model: the structured network on the Hankel operator and its dense twin."""

from __future__ import annotations

from discover.delay.base import BaseDelayModel, DelayContext, Row, register


@register
class Hankel(BaseDelayModel):
    """A StNN forecaster (Hankel layers) and a dense MLP with about as many parameters."""

    name = "hankel"

    def fit(self, context: DelayContext) -> "Hankel":
        from discover.delay.forecast import DelayForecaster

        emb = context.havok.embedding_
        q, s = emb.delays, emb.spacing
        runs = [x for x in context.runs if len(x) > (q - 1) * s + 5 * s]
        stnn = DelayForecaster("stnn", q, s, device=self.device).fit(runs, self.random_state, self.progress)
        mlp = DelayForecaster("mlp", q, s, budget=stnn.parameters_, device=self.device).fit(
            runs, self.random_state, self.progress)
        self.rows_ = [
            Row("StNN (Hankel layers)", lambda seg, i, steps: stnn.forecast(seg.x, i, steps), stnn.parameters_,
                round(stnn.seconds_, 2), stnn.operations_),
            Row("dense MLP, same input", lambda seg, i, steps: mlp.forecast(seg.x, i, steps), mlp.parameters_,
                round(mlp.seconds_, 2), mlp.operations_),
        ]
        return self
