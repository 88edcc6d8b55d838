"""One BLAS thread for the many small linear-algebra problems of a fit.

SINDy's sweep and bootstrap, the best-subset search and the held-out simulations solve
thousands of problems of a few dozen columns. OpenBLAS splits each over every core, which
gains nothing at that size and costs a great deal when the cores are shared: measured on a
busy 2-core machine, one QR of a 3,200 x 20 matrix took 0.48 s with two BLAS threads and
0.004 s with one, and SINDy on the Lorenz example 36 s against 3 s. The limit is set only
while the library works and restored afterwards (threadpoolctl, the scikit-learn project's
tool for this); it does not touch torch's own threads, which the neural surrogates use.
"""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def small_problems():
    """Run the block with one BLAS thread (numpy's and scipy's OpenBLAS), then restore."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
