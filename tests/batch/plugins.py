"""A distiller for the batch tests that raises inside the fit when a state is named ``boom``.

Registered in the test process and, through :class:`RegisterTripwire`, on every Dask worker
(including one that replaces a worker that died).
"""

from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin

NAME = "tripwire"


def register() -> None:
    from discover.distillers import REGISTRY, BaseDistiller, register

    if NAME in REGISTRY:
        return

    @register
    class Tripwire(BaseDistiller):
        name = NAME

        # ``fit`` itself raises: an error in ``_distill`` is the candidate firewall's to contain, and
        # this plug-in stands for an internal error of the pipeline, which must end the data set
        def fit(self, samples):
            if "boom" in samples.names:
                raise RuntimeError("tripwire hit: a state is named boom")
            return super().fit(samples)

        def _distill(self, samples, rng):
            return []


def unregister() -> None:
    from discover.distillers import REGISTRY

    REGISTRY.unregister(NAME)


class RegisterTripwire(WorkerPlugin):
    """Registers the tripwire distiller in each worker process."""

    name = "discover-test-tripwire"

    def setup(self, worker):
        register()
