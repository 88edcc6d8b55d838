"""Fields in space and time: u(t, x) data on a grid, and the discovery of PDEs from them.

- :mod:`~discover.fields.field`: the :class:`Field` data type; :mod:`~discover.fields.io` reads
  long CSV, wide CSV and ``.npz`` into fields (fast to refuse: numpy and the CSV reader only).
- :mod:`~discover.fields.catalog`: reference PDEs (Burgers, KdV, Kuramoto-Sivashinsky,
  Fisher-KPP, advection-diffusion, heat) and data generated from them.
- :mod:`~discover.fields.terms`: PDEs as sums of monomials in u, u_x, u_xx, ...
- :mod:`~discover.fields.spectral`, :mod:`~discover.fields.solve`: derivatives with a noise
  cutoff; ETDRK4 (periodic) and method-of-lines (bounded) integrators.
- :mod:`~discover.fields.weak`, :mod:`~discover.fields.strong`, :mod:`~discover.fields.sparse`:
  the weak-form (WSINDy) and strong-form (PDE-FIND) regressions and their sparsity search.
- :mod:`~discover.fields.select`, :mod:`~discover.fields.fit`: held-out simulation and
  :func:`~discover.fields.fit.discover_pde`, the whole route.
- :mod:`~discover.fields.methods`: the values of ``--methods`` with ``--space`` (the forms each runs,
  and the hook of a method with candidates of its own: :mod:`~discover.fields.pinn_route`, the
  hidden-term PINN in PDE form of :mod:`~discover.fields.hidden`).
"""

from discover.fields.field import Field

__all__ = ["Field"]
