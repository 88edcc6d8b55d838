"""Fields in space and time: u(t, x) data on a grid, and the discovery of PDEs from them."""

from discover.fields.field import Field

__all__ = ["Field"]
