"""scipy's LSODA prints its Fortran warnings past Python; a simulation that fails prints nothing.

They reached the terminal under `-q` and the JSON document of `--json` on stdout.
"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import numpy as np, sympy as sp
from discover.core.integrate import integrate
y = sp.Symbol("y")
sol = integrate([y**2], [y], np.array([[1.0]]), [np.linspace(0, 10, 50)], method="LSODA")
print("ok" if not sol.ok and sol.message else "solved")
"""


def test_a_stiff_lsoda_solve_prints_nothing_but_its_result():
    # y' = y**2 from 1 blows up at t = 1: LSODA's step size shrinks to nothing and it warns, in Fortran
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok\n"
    assert "lsoda" not in done.stderr and "capi_return" not in done.stderr


def test_output_is_back_after_the_silenced_block(capfd):
    import os

    from discover.core.silence import output_silenced

    with output_silenced(), output_silenced():
        os.write(1, b"hidden\n")
    os.write(1, b"shown\n")
    assert capfd.readouterr().out == "shown\n"
