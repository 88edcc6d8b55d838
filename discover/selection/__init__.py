"""Selection: judging every candidate the same way on held-out data, and picking one."""

from discover.selection.scoring import Validation, score
from discover.selection.select import RULE, Selection, select

__all__ = ["RULE", "Selection", "Validation", "score", "select"]
