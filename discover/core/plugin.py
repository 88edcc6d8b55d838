"""What every plug-in declares: a registered ``name`` and a ``Settings`` dataclass read from the
config's table of that name; plug-ins are scikit-learn estimators (``clone``, ``get_params``)."""

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

    @classmethod
    def check_settings(cls, settings, data) -> None:
        """Refuse ``settings`` that cannot work on ``data`` (a Dataset) before anything is fitted."""
        settings_from(cls.Settings, settings, cls.name)

    def _resolved_settings(self):
        """``settings`` as the plug-in's dataclass (a dict is read like its config table)."""
        return settings_from(self.Settings, self.settings, self.name)
