"""`discover batch --workers N` starts no more worker processes than data sets or usable cores, and says so."""

from __future__ import annotations

import pytest

from discover.batch.client import worker_count
from discover.core.options import OptionWarning


def test_workers_are_capped_by_data_sets_and_cores_with_a_warning():
    with pytest.warns(OptionWarning, match=r"`--workers 8` is more than the 3 data sets to run and 2 usable cores; 2 "):
        assert worker_count(8, tasks=3, cores=2) == 2
    with pytest.warns(OptionWarning, match="1 data set to run; 1 worker process started"):
        assert worker_count(4, tasks=1, cores=16) == 1


def test_the_default_is_the_cores_at_most_the_data_sets(recwarn):
    assert worker_count(None, tasks=3, cores=2) == 2
    assert worker_count(None, tasks=1, cores=8) == 1
    assert worker_count(2, tasks=5, cores=4) == 2
    assert not [w for w in recwarn if issubclass(w.category, OptionWarning)]
