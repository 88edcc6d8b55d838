"""Plug-ins registered by name (distillers, surrogates): one small mapping with a clear miss."""

from __future__ import annotations

from discover.errors import ConfigError, did_you_mean


class Registry(dict):
    """``name -> class`` for one plug-in family; ``kind`` names the family in messages."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def register(self, cls):
        """Class decorator: make ``cls`` available by its ``name`` attribute."""
        self[cls.name] = cls
        return cls

    def get_class(self, name: str):
        if name not in self:
            raise ConfigError(
                f"Unknown {self.kind} '{name}'{did_you_mean(name, self)}; available: {', '.join(self) or 'none'}."
            )
        return self[name]
