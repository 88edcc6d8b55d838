"""The :class:`~discover.data.field.Field` data type, where the field route has always imported it from.

Fields are data: the type lives in the data layer (:mod:`discover.data.field`, beside the field
data set the estimator accepts); this module keeps its old import path.
"""

from discover.data.field import Field

__all__ = ["Field"]
