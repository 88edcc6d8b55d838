"""Reading ``--config FILE.toml``: every problem is one sentence (a ConfigError), before any data is read.

The file holds a ``[run]`` table (or the same keys at the top level) and optional tables
named after a method (``[sindy]``, ``[node]``, ``[pinn]``, ... and ``[delay]``: its settings,
checked by the plug-in that reads them) and ``[known]``, ``[params]`` (the known part of the
hidden-term PINN, folded into its ``[pinn]`` table as ``known`` and ``params``).
"""

from __future__ import annotations

from pathlib import Path

from discover.core.errors import ConfigError, did_you_mean, shown
from discover.core.options import check_device, check_seed

# key -> (what it must be, in words; a check that returns True when the value is fine)
_TEXT = ("text", lambda v: isinstance(v, str))
_NAMES = ("text such as 'x,y' or a list of names", lambda v: isinstance(v, str) or (
    isinstance(v, list) and all(isinstance(i, str) for i in v)))
SETTINGS = {
    "methods": ("text such as 'sindy,sr' or a list of methods", _NAMES[1]),
    "time": _TEXT,
    "states": _NAMES,
    "seed": ("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "device": _TEXT,
    "out": _TEXT,
    "sr_engine": _TEXT,
    "space": _NAMES,
    "periodic": ("true or false", lambda v: isinstance(v, bool)),
    "inputs": _NAMES,
    "input_hold": _TEXT,
    "budget": ("a number of seconds", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)),
    "design_box": ("text such as 'x: 0..10, y: -1..1' or a list of such texts", _NAMES[1]),
}
MODEL_TABLES = ("known", "params")  # a plug-in's model (--known, --param), read into the table of the plug-in that declares them


def methods_help() -> str:
    """``--methods``'s help: every registered plug-in by name, with the few words it declares."""
    from discover.delay import REGISTRY as DELAY
    from discover.distillers import REGISTRY as DISTILLERS
    from discover.surrogates import REGISTRY as SURROGATES

    names = [f"{n} ({r.summary(n)})" if r.summary(n) else n for r in (DISTILLERS, SURROGATES, DELAY) for n in r]
    return ("auto (SINDy, then symbolic regression when SINDy looks wrong), or a comma-separated list of "
            + ", ".join(names) + ".")


def table_owner(table: str) -> str:
    """The plug-in whose settings table takes the config table (and the option) ``table``
    (declared with its name: :meth:`discover.core.registry.Registry.owner`)."""
    from discover.surrogates import REGISTRY as SURROGATES

    owner = SURROGATES.owner(table)
    if owner is None:  # a declaration was removed: a programming error, not the user's
        raise RuntimeError(f"no plug-in declares the [{table}] table")
    return owner


def _tables() -> tuple[str, ...]:
    """Every table a config may hold: one per registered method, ``[delay]``, ``[pde_pinn]`` (the PDE
    hidden-term PINN, ``--space`` with ``--methods pinn``), ``[known]``, ``[params]``."""
    from discover.delay import REGISTRY as DELAY
    from discover.distillers import REGISTRY as DISTILLERS
    from discover.surrogates import REGISTRY as SURROGATES

    return tuple(dict.fromkeys([*DISTILLERS, *SURROGATES, *DELAY, "delay", "pde_pinn", *MODEL_TABLES]))


MAX_CONFIG_BYTES = 16 * 2**20


def read_config(path: Path | None) -> dict:
    """The settings of a TOML config file, checked; ``{}`` without one.

    Raises
    ------
    ConfigError
        A path that is missing, a folder or unreadable; text that is not UTF-8 or not TOML;
        an unknown key or table; a value of the wrong type.
    """
    if path is None:
        return {}
    import tomllib

    where = f"'{shown(path, 500)}'"
    if not path.exists():
        raise ConfigError(f"Config file {where} does not exist; check the path given to `--config`.")
    if path.is_dir():
        raise ConfigError(f"Config path {where} is a folder, not a TOML file; give the path of the file in it.")
    from discover.data.paths import check_file

    check_file(path, "TOML file", ConfigError, limit=MAX_CONFIG_BYTES)  # a device or FIFO is never read
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"Config file {where} cannot be read ({exc.strerror or exc}); check its permissions.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"Config file {where} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}); "
            "save it as UTF-8."
        ) from None
    try:
        cfg = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {where} is not valid TOML ({shown(exc, 200)}); fix the line it names.") from None
    if "run" in cfg and not isinstance(cfg["run"], dict):
        raise ConfigError(f"'run' in {where} must be a table ([run]), not {shown(repr(cfg['run']))}.")
    section = cfg.get("run", cfg)
    TABLES = _tables()
    top_allowed = set(TABLES) | ({"run"} if "run" in cfg else set(SETTINGS))
    for key in cfg:
        if key not in top_allowed:
            what = "table" if isinstance(cfg[key], dict) else "setting"
            allowed = sorted(top_allowed)
            raise ConfigError(
                f"Unknown {what} '{shown(key)}' in {where}{did_you_mean(key, allowed)}; allowed: {', '.join(allowed)}."
            )
    out: dict = {}
    for key, value in section.items():
        if key in TABLES and section is cfg:
            continue
        if key not in SETTINGS:
            raise ConfigError(
                f"Unknown setting '{shown(key)}' in {where}{did_you_mean(key, SETTINGS)}; "
                f"allowed: {', '.join(sorted(SETTINGS))}."
            )
        what, fine = SETTINGS[key]
        if not fine(value):
            raise ConfigError(f"Setting '{key}' in {where} must be {what}, not {shown(repr(value))}.")
        out[key] = value
    if "seed" in out:
        check_seed(out["seed"], f"Setting 'seed' in {where}")
    if "device" in out:
        check_device(out["device"])
    if "budget" in out:
        from discover.core.budget import check_budget

        check_budget(out["budget"], f"Setting 'budget' in {where}")
    tables = {}
    for table in TABLES:
        if table not in cfg:
            continue
        if not isinstance(cfg[table], dict):
            raise ConfigError(f"'{table}' in {where} must be a table ([{table}]), not {shown(repr(cfg[table]))}.")
        tables[table] = dict(cfg[table])
    for var, formula in tables.get("known", {}).items():
        if not isinstance(formula, str):
            raise ConfigError(f"[known] '{shown(var)}' in {where} must be a formula in quotes, not {shown(repr(formula))}.")
    for name, value in tables.get("params", {}).items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"[params] '{shown(name)}' in {where} must be a number, not {shown(repr(value))}.")
    for key in MODEL_TABLES:
        if key in tables:
            tables.setdefault(table_owner(key), {})[key] = tables.pop(key)
    out["tables"] = tables
    return out


def plugin_tables(cfg: dict, sr_engine=None, known=None, param=None) -> dict:
    """Settings tables by method name: the config's, with the command line's options on top
    (``--sr-engine`` sets ``[sr] engine``; ``--known``/``--param`` the model of the plug-in that declares them)."""
    tables = {k: dict(v) for k, v in cfg.get("tables", {}).items()}
    engine = sr_engine or cfg.get("sr_engine")
    if engine:
        tables.setdefault("sr", {})["engine"] = engine
    if known:
        tables.setdefault(table_owner("known"), {})["known"] = list(known)
    if param:
        tables.setdefault(table_owner("params"), {})["params"] = list(param)
    return tables
