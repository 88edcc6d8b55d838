"""Selection: judging every candidate the same way on held-out data, and picking one."""

from discover.selection.scoring import Validation, decorrelation_time, score
from discover.selection.select import RULE, Selection, select
from discover.selection.split import Split, split

__all__ = ["RULE", "Selection", "Split", "Validation", "decorrelation_time", "score", "select", "split"]
