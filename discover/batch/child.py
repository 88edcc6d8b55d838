"""The child process of a data set with a timeout: ``python -m discover.batch.child``.

It reads one JSON job on stdin (``dataset``, ``out``, ``settings``), runs
:func:`discover.batch.task.run_dataset` without a timeout, and writes the summary as one JSON
line on stdout. The parent (:func:`discover.batch.task._in_child`) stops it when time is up.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    from discover.batch.manifest import DataSet
    from discover.batch.task import run_dataset

    job = json.loads(sys.stdin.read())
    d = job["dataset"]
    ds = DataSet(d["name"], d["folder"], tuple(d["paths"]), d.get("metadata") or {})
    summary = run_dataset(ds, job["out"], job["settings"], timeout=None, force=True)
    sys.stdout.write(json.dumps(summary, default=str) + "\n")


if __name__ == "__main__":
    main()
