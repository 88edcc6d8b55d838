"""The report's figures drawn beside the fit, on the second core.

A default run spends its first seconds importing the fit's libraries and fitting, on one
core; its figures need matplotlib (most of a second to import) and then a second or two of
drawing. :func:`figure_worker` forks a process as soon as the input is known to be good: it
imports the drawing modules and compiles the report's templates while the parent imports and
fits; when the results arrive (:func:`submit`, from :func:`discover.report.run_folder.render`)
it draws the figures, shared with one more forked process (each takes the next figure nobody
has taken) so that both cores draw, then writes ``report.md`` and ``report.html``
(:mod:`discover.report.documents`; the HTML embeds every figure), while the parent writes
``equations.json``; the parent waits for it. The files are the same, whichever process writes them.

Off Linux (Windows has no fork; macOS's system libraries are not safe across it), inside a
thread or a daemonic process (a dask worker of ``discover batch``), beside other threads (a
notebook's kernel), on a machine whose cores are all busy (load average at least the number
of usable cores: the worker would only add its cost; ``DISCOVER_FIGURE_WORKER=1`` starts it
anyway), with ``DISCOVER_FIGURE_WORKER=0``, or when the results cannot be handed over, the
figures are drawn in the parent as before. An error while drawing is raised in the parent as the same
exception, with the worker's traceback chained to it (the CLI's log shows both). The workers
have their own process group: Ctrl-C reaches the parent only, which kills them before the
run folder's staging copy is discarded (:mod:`discover.core.rundir`), so nothing is written
after an interrupted run.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import traceback
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from discover.result import RunResult

_active: list["_Worker"] = []  # the worker of the run in progress in this process (at most one)


class _RemoteTraceback(Exception):
    """The traceback of an error raised in a drawing process (chained to the error re-raised here)."""

    def __str__(self) -> str:
        return self.args[0]


def _spare_core() -> bool:
    """Whether a second core is free: on a saturated machine the worker cannot run beside the fit
    and only adds its own cost (a fork, a second process's start-up)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores >= 2 and os.getloadavg()[0] < cores


def _can_fork() -> bool:
    setting = os.environ.get("DISCOVER_FIGURE_WORKER", "auto")  # 0: never, 1: whatever the load
    if setting == "0":
        return False
    if not sys.platform.startswith("linux"):  # macOS offers fork, but its system libraries do not survive it
        return False
    # fork copies only the calling thread: with other threads alive a lock may be copied held
    return (threading.current_thread() is threading.main_thread() and threading.active_count() == 1
            and not multiprocessing.current_process().daemon and (setting == "1" or _spare_core()))


def _finish_here(result: RunResult, folder: Path) -> dict[str, str]:
    """Draw every figure into ``folder/figures`` and write the report's documents, in this process."""
    from discover.report import documents

    figs = draw_here(result, folder / "figures")
    documents.write(result, folder, figs)
    return figs


def draw_here(result: RunResult, folder: Path, keys=None) -> dict[str, str]:
    """Draw the figures (those of ``keys``, or all) in this process: {key: file name}."""
    from discover.report import figures
    from discover.report.inputs_panel import write_input_figures

    figs = figures.write_all(result, folder, None if keys is None else set(keys) - {"inputs"})
    if keys is None or "inputs" in keys:
        figs.update(write_input_figures(result, folder))
    return figs


def _queue(result: RunResult) -> list[str]:
    """Every figure key, the costly first: the two drawing processes take them one at a time."""
    from discover.report import figures

    # each figure's rough relative cost (those that simulate a model cost more) is on its specification:
    # the costly ones are taken first, so that the two drawing processes finish at about the same time
    cost = {f.key: f.cost for f in figures.plan(result)}
    return sorted([*cost, "inputs"], key=lambda k: -cost.get(k, 1.0))


def _take_and_draw(result: RunResult, folder: Path, keys: list[str], counter) -> dict[str, str]:
    """Draw the next figure nobody has taken yet, until none is left (a figure a run does not
    have costs nothing, so the two processes share the drawing whatever the run holds)."""
    out = {}
    while True:
        with counter.get_lock():
            i = counter.value
            counter.value += 1
        if i >= len(keys):
            return out
        out.update(draw_here(result, folder, [keys[i]]))


def _error_message(exc: BaseException) -> tuple:
    """An error as it crosses the pipe: the exception itself when it can be pickled."""
    import pickle

    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        exc.__traceback__ = None
        pickle.dumps(exc)
        return ("error", exc, text)
    except Exception:
        return ("error", RuntimeError(f"{type(exc).__name__}: {exc}"), text)


def _helper(result: RunResult, folder: Path, keys: list[str], counter, conn) -> None:
    """The second drawing process: draw its share, send the answer."""
    try:
        conn.send(("ok", _take_and_draw(result, folder, keys, counter)))
    except BaseException as exc:  # noqa: BLE001 - every failure is handed to the parent
        conn.send(_error_message(exc))
    conn.close()


def _draw_shared(result: RunResult, folder: Path) -> dict[str, str]:
    """Draw every figure, shared with one more forked process."""
    from discover.report import figures

    keys = _queue(result)
    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("i", 0)
    receive, send = ctx.Pipe(duplex=False)
    helper = ctx.Process(target=_helper, args=(result, folder, keys, counter, send), daemon=True)
    helper.start()
    send.close()
    figs = _take_and_draw(result, folder, keys, counter)
    try:
        answer = receive.recv()
    except EOFError:  # the helper died: whatever it took is drawn here
        answer = ("ok", draw_here(result, folder, [k for k in keys if k not in figs]))
    helper.join()
    if answer[0] == "error":
        raise answer[1] from _RemoteTraceback(answer[2])
    figs.update(answer[1])
    order = {key: i for i, key in enumerate([f.key for f in figures.plan(result)] + ["inputs"])}
    return dict(sorted(figs.items(), key=lambda kv: order.get(kv[0], len(order))))  # the report's order


def _warm_up() -> None:
    """Import the drawing modules and draw one small figure to memory, while the parent fits: the
    fonts, text layout, PNG writer and the code that simulates a model for the figures are then
    loaded once, here (the parent's fit takes longer than this), and the helper forked from this
    process finds them loaded too."""
    import io

    import scipy.interpolate  # noqa: F401
    import sympy as sp

    import discover.core.metrics  # noqa: F401 - imported ahead of use, as are the drawing modules
    import discover.selection.scoring  # noqa: F401
    from discover.core import plotkit
    from discover.core.integrate import compile_rhs
    from discover.report import documents, figures, inputs_panel, markup  # noqa: F401

    markup.markdown_template(), markup.html_template()  # compiled once, kept for the documents

    # the simulated figures compile each model with lambdify: its printers and code generation load here
    a = sp.Symbol("a")
    compile_rhs([-a], [a])(np.ones((1, 1)))

    fig, axes = plotkit.figure(1, 1, (3.0, 2.0))
    axes[0, 0].plot([1.0, 2.0, 3.0], [0.1, 1.0, 10.0], "o-", color=plotkit.MODEL[0], label="model")
    plotkit.log_axis(axes[0, 0])
    plotkit.integer_axis(axes[0, 0].xaxis)
    axes[0, 0].set_title("warm-up")
    axes[0, 0].set_xlabel("t")
    axes[0, 0].legend()
    plotkit.save(fig, io.BytesIO())


def _serve(conn, other_end) -> None:
    """The worker: import the drawing modules, wait for one run's results, draw, answer."""
    other_end.close()  # the parent's end: the worker sees EOF when the parent is gone
    os.setpgid(0, 0)  # its own process group: Ctrl-C stops the parent, which kills the group
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _warm_up()
    except Exception:  # noqa: BLE001 - the same error is raised (and reported) when drawing
        pass
    try:
        job = conn.recv()
    except (EOFError, OSError):
        return
    if job is None:
        return
    result, folder = job
    try:
        from discover.report import documents

        figs = _draw_shared(result, folder / "figures")
        documents.write(result, folder, figs)
        conn.send(("ok", figs))
    except BaseException as exc:  # noqa: BLE001 - every failure is handed to the parent
        conn.send(_error_message(exc))


class _Worker:
    """A forked drawing process and the parent's end of its pipe."""

    def __init__(self):
        ctx = multiprocessing.get_context("fork")
        self.conn, child_end = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child_end, self.conn), daemon=False)
        self.process.start()
        child_end.close()
        try:
            os.setpgid(self.process.pid, self.process.pid)  # also set by the worker: whichever runs first
        except OSError:
            pass
        self.busy = False
        self.used = False

    def send(self, result: RunResult, folder: Path) -> bool:
        """Hand the results over; False when they cannot be (then draw them here)."""
        if self.used or not self.process.is_alive():
            return False
        self.used = True
        try:
            self.conn.send((result, folder))
        except Exception:  # noqa: BLE001 - unpicklable results, a dead worker: draw in the parent
            return False
        self.busy = True
        return True

    def wait(self, result: RunResult, folder: Path) -> dict[str, str]:
        """The figures the worker drew, once it has also written the documents (both done here if it died)."""
        try:
            answer = self.conn.recv()
        except (EOFError, OSError):
            self.kill()  # it died: its helper too, then the figures are drawn here
            return _finish_here(result, folder)
        except BaseException:
            self.kill()  # interrupted: nothing may be written once the caller discards the folder
            raise
        self.busy = False
        if answer[0] == "error":
            raise answer[1] from _RemoteTraceback(answer[2])
        return answer[1]

    def kill(self) -> None:
        """Stop the worker and its helper at once (SIGKILL to their process group)."""
        if self.process.pid is not None and self.process.is_alive():
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                self.process.kill()
        self.process.join()
        self.busy = False

    def close(self) -> None:
        if self.busy:  # the run stopped while the worker draws
            self.kill()
        else:
            try:
                self.conn.send(None)  # a worker still waiting for results: let it exit
            except (OSError, ValueError):
                pass
            self.process.join(timeout=2.0)
            if self.process.is_alive():
                self.kill()
        self.conn.close()


@contextmanager
def figure_worker(enabled: bool = True):
    """Within this block, the run's figures are drawn by a forked worker where that is possible.

    Start it once the input is validated and before the fit (the worker imports matplotlib
    meanwhile); the report written inside the block (:func:`submit`) uses it.
    """
    worker = None
    if enabled and not _active and _can_fork():
        try:
            worker = _Worker()
        except (OSError, ValueError, AssertionError):
            worker = None  # no process to be had: the figures are drawn here
    if worker is not None:
        _active.append(worker)
    try:
        yield worker
    finally:
        if worker is not None:
            _active.remove(worker)
            worker.close()


class Pending:
    """Figures being drawn and the report's documents being written; :meth:`wait` returns
    {key: file name} once they are all written."""

    def __init__(self, result: RunResult, folder: Path, worker: _Worker | None):
        self.result, self.folder, self.worker = result, folder, worker

    def wait(self) -> dict[str, str]:
        if self.worker is None:
            return _finish_here(self.result, self.folder)
        return self.worker.wait(self.result, self.folder)


def submit(result: RunResult, folder: Path) -> Pending:
    """Start drawing the figures into ``folder/figures`` (created here) and writing ``report.md``
    and ``report.html`` into ``folder``: by the worker of :func:`figure_worker` when one is
    waiting, else in this process when waited for."""
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    worker = _active[-1] if _active else None
    if worker is not None and not worker.send(result, folder):
        worker = None
    return Pending(result, folder, worker)


__all__ = ["Pending", "draw_here", "figure_worker", "submit"]
