"""Report: the run folder a person reviews and a pipeline parses."""

from discover.report.run_folder import load_run, rerender, write_run

__all__ = ["load_run", "rerender", "write_run"]
