"""What every plug-in declares: a registered ``name`` and a ``Settings`` dataclass read from the
config's table of that name; plug-ins are scikit-learn estimators (``clone``, ``get_params``).

A plug-in declares its output as well as its input: :meth:`Plugin.section` returns what it adds to
the report and the run folder as plain data (:class:`discover.core.section.Section`), from the
result of the run alone, so a run folder read back is rendered the same way. Its report code lives
beside it, in the module named by ``report`` (declared with its name in the family's registry too,
so that a report is drawn again without importing the plug-in)."""

from __future__ import annotations

from typing import ClassVar

from sklearn.base import BaseEstimator

from discover.core.registry import NoSettings, settings_from


class Plugin(BaseEstimator):
    """Base of the surrogate and distiller contracts (abstract: each family adds its workflow)."""

    name: ClassVar[str] = ""
    Settings: ClassVar[type] = NoSettings
    #: Whether the plug-in models measured inputs u(t) (``--inputs``); one that does not is refused with them.
    supports_inputs: ClassVar[bool] = True
    #: The module beside the plug-in whose ``section(result)`` is :meth:`section` ("": it adds nothing).
    report: ClassVar[str] = ""
    #: Its cost for the time budget (:class:`~discover.core.budget.WorkCost`), when it declares one; the
    #: budget reads it here or in its registry's declaration, never by the plug-in's name.
    cost: ClassVar[object] = None
    #: Whether it trains or runs a neural network (so ``--device`` matters); read here or in its registry's
    #: declaration (``network=True``), never by the plug-in's name.
    uses_network: ClassVar[bool] = False

    @classmethod
    def section(cls, result):
        """What the plug-in adds to the report of ``result`` (a RunResult): a
        :class:`~discover.core.section.Section` of plain data, or None. The report renders it without
        knowing the plug-in; its ``files`` are written at the top of the run folder."""
        if not cls.report:
            return None
        import importlib

        return importlib.import_module(cls.report).section(result)

    @classmethod
    def check_settings(cls, settings, data) -> None:
        """Refuse ``settings`` that cannot work on ``data`` (a Dataset) before anything is fitted."""
        settings_from(cls.Settings, settings, cls.name)

    def _resolved_settings(self):
        """``settings`` as the plug-in's dataclass (a dict is read like its config table)."""
        return settings_from(self.Settings, self.settings, self.name)
