"""The register mapping: which file and which variable feeds each column (docs/registers.md).

A mapping is the ``[registers]`` part of a TOML file::

    [registers]
    years = [1996, 2006]
    base_years = [1993, 1995]
    out = "tables"

    [registers.ida]
    path = "ida_{year}.parquet"   # {year} expands to every year
    person = "PNR"
    ...

Defaults follow Statistics Denmark's documented variable names where they are known
(``DEFAULTS``); names of the FIRM/FIRE accounts and of the customs extract differ
between extracts and years, so check each against the extract's documentation
(``skillshore registers template`` marks the uncertain ones).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillshore.errors import ConfigError
from skillshore.registers.concordances import CLASSIFICATIONS, HS_REVISIONS

__all__ = ["DEFAULTS", "OPTIONS", "RegisterConfig", "load_register_config", "template"]

#: register -> skillshore column -> (default variable, comment); ``None`` = no default
DEFAULTS: dict[str, dict[str, tuple[str | None, str]]] = {
    "ida": {
        "person": ("PNR", "person id (pseudonymised CPR)"),
        "year": ("AAR", "year; leave out when the file name carries {year}"),
        "firm": ("CVRNR", "employer: firm (CVR) number; ARBGNR is the employer number"),
        "occupation": ("DISCO", "DISCO-88 code (DISCO_KODE in some years); 4-6 digits"),
        "hourly_wage": ("TIMELON", "hourly wage (timeloen), DKK"),
        "experience": ("ERHVER", "labour-market experience (erhvervserfaring), years (check unit)"),
        "hours": (None, "hours worked in the year: no standard IDA name, give the variable"),
        "age": ("ALDER", "age at the end of the year"),
        "region": ("KOM", "municipality of the workplace (kept as its code)"),
        "education": ("HFAUDD", "highest completed education (UDDA)"),
        "training": ("ERHAUDD", "highest vocational education (UDDA); empty if none"),
    },
    "firm": {
        "firm": ("CVRNR", "firm (CVR) number"),
        "year": ("AAR", "accounting year"),
        "industry": (
            "BRANCHE",
            "industry code, 6 digits (DB93/DB03/DB07; name varies, e.g. NACE_DB03)",
        ),
        "sales": ("OMS", "sales (omsaetning)"),
        "value_added": ("VTV", "value added (vaerditilvaekst); name uncertain"),
        "capital": ("ANLAEG", "fixed assets (materielle anlaegsaktiver); name uncertain"),
        "employment": ("AARSV", "employment in full-time equivalents (aarsvaerk); or ANSATTE"),
        "region": ("KOM", "municipality of the head office"),
        "purchases_abroad": (None, "purchases abroad (optional); name uncertain"),
    },
    "uhdi": {
        "firm": ("CVRNR", "firm (CVR) number"),
        "year": ("AAR", "year"),
        "country": ("LAND", "partner country, ISO alpha-2"),
        "product": ("VARE", "CN8 product code (KN8)"),
        "value": ("VAERDI", "value, DKK (see value_scale)"),
        "flow": ("IMPEKS", "import/export flag (see import_code, export_code); name uncertain"),
    },
    "world_trade": {
        "exporter": ("i", "exporter (BACI: M49-like numeric)"),
        "importer": ("j", "importer"),
        "product": ("k", "HS6 product"),
        "year": ("t", "year"),
        "value": ("v", "value, USD 1,000"),
    },
    "nonemployed": {
        "person": ("PNR", "person id"),
        "year": ("AAR", "year"),
        "education": ("HFAUDD", "highest completed education"),
        "training": ("ERHAUDD", "highest vocational education"),
        "age": ("ALDER", "age at the end of the year"),
        "status": (None, "optional: 'unemployed' or 'out_of_labour_force'"),
    },
}

#: register -> option -> (default, comment)
OPTIONS: dict[str, dict[str, tuple[Any, str]]] = {
    "ida": {
        "occupation_key": (
            None,
            "CSV source,target: DISCO codes (full length) -> ISCO-08, consulted first",
        ),
        "occupation_weights": (None, "CSV isco08,employment: weights of the ISCO-88 -> 08 links"),
        "experience_scale": (1.0, "multiplies experience to years"),
        "unmapped": ("error", "'error' or 'drop' rows whose codes have no target"),
    },
    "firm": {
        "classification": (
            "db03",
            f"industry classification of the codes: {', '.join(CLASSIFICATIONS)}",
        ),
        "target": ("own", "'own' keeps the codes; 'nace_rev2' recodes DB03/NACE Rev.1.1 -> Rev.2"),
        "industry_key": (
            None,
            "CSV source,target: full industry codes -> written code, consulted first",
        ),
        "study_classification": (
            None,
            "classification of the written codes (default: own or target)",
        ),
        "value_scale": (1.0, "multiplies money variables to DKK 1,000"),
        "unmapped": ("error", "'error' or 'drop'"),
    },
    "uhdi": {
        "country_code": ("alpha2", "'alpha2', 'm49' or 'alpha3'"),
        "import_code": ("I", "value of the flow variable for imports"),
        "export_code": ("E", "value of the flow variable for exports"),
        "value_scale": (0.001, "multiplies values to DKK 1,000 (0.001 for DKK)"),
        "product_key": (None, "CSV source,target: one-to-one final recode of the HS6 codes"),
        "unmapped": ("error", "'error' or 'drop'"),
    },
    "world_trade": {
        "country_code": ("m49", "'alpha2', 'm49' or 'alpha3'"),
        "hs_revision": ("by_year", "'by_year' (the year's HS edition) or an edition, e.g. 1996"),
        "value_scale": (1.0, "multiplies values to USD 1,000"),
        "product_key": (None, "CSV source,target: one-to-one final recode of the HS6 codes"),
        "unmapped": ("error", "'error' or 'drop'"),
    },
    "nonemployed": {"unmapped": ("error", "'error' or 'drop'")},
}

_TOP = {
    "years": ((1996, 2006), "first and last study year"),
    "base_years": ((1993, 1995), "pre-sample years (firms and customs only)"),
    "out": ("tables", "folder for the raw tables, relative to this file"),
    "hs_target": (1992, f"one HS edition for every year: {', '.join(map(str, HS_REVISIONS))}"),
    "education_codes": (None, "CSV code,kind,title,educ_years,isced (docs/registers.md)"),
    "calibration": (None, "optional: calibration file written as [structural] calibration"),
    "structural": (None, "optional: other [structural] keys of the study, e.g. x_support"),
}
REQUIRED = ("ida", "firm", "uhdi", "world_trade")


@dataclass(frozen=True)
class RegisterConfig:
    """A parsed ``[registers]`` mapping; paths are absolute."""

    root: Path
    years: tuple[int, int]
    base_years: tuple[int, int]
    out: Path
    hs_target: int
    education_codes: Path
    calibration: Path | None = None
    registers: dict[str, dict[str, Any]] = field(default_factory=dict)
    structural: dict[str, Any] = field(default_factory=dict)

    def variables(self, name: str) -> dict[str, str]:
        """skillshore column -> register variable of one register (given ones only)."""
        r = self.registers[name]
        return {k: r[k] for k in DEFAULTS[name] if r.get(k)}

    def option(self, name: str, key: str) -> Any:
        return self.registers[name][key]

    def path(self, name: str, key: str) -> Path | None:
        v = self.registers[name].get(key)
        return None if v is None else _abs(self.root, v)


def _abs(root: Path, v: str) -> Path:
    p = Path(v)
    return p if p.is_absolute() else root / p


def _pair(v: Any, what: str) -> tuple[int, int]:
    try:
        a, b = (int(v[0]), int(v[1]))
    except (TypeError, ValueError, IndexError):
        raise ConfigError(f"{what} must be [first, last], got {v!r}.") from None
    if a > b:
        raise ConfigError(f"{what} must be [first, last], got {v!r}.")
    return a, b


def load_register_config(path: str | Path) -> RegisterConfig:
    """Read the ``[registers]`` section of a TOML file (unknown keys are errors)."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found.") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err}).") from None
    sec = raw.get("registers")
    if not isinstance(sec, dict):
        raise ConfigError(f"{path}: no [registers] section (see `skillshore registers template`).")
    root = path.resolve().parent
    known = set(_TOP) | set(DEFAULTS)
    bad = sorted(set(sec) - known)
    if bad:
        raise ConfigError(f"{path}: [registers] has unknown key(s) {bad}; known: {sorted(known)}.")
    top = {k: sec.get(k, d) for k, (d, _) in _TOP.items()}
    if top["education_codes"] is None:
        raise ConfigError(f"{path}: [registers] education_codes is required (the code list).")
    regs: dict[str, dict[str, Any]] = {}
    for name in DEFAULTS:
        given = sec.get(name)
        if given is None:
            if name in REQUIRED:
                raise ConfigError(f"{path}: section [registers.{name}] is required.")
            continue
        allowed = {"path"} | set(DEFAULTS[name]) | set(OPTIONS[name])
        bad = sorted(set(given) - allowed)
        if bad:
            raise ConfigError(
                f"{path}: [registers.{name}] has unknown key(s) {bad}; known: {sorted(allowed)}."
            )
        if "path" not in given:
            raise ConfigError(f'{path}: [registers.{name}] needs path = "...".')
        r = {k: d for k, (d, _) in DEFAULTS[name].items()}
        r |= {k: d for k, (d, _) in OPTIONS[name].items()}
        r |= given
        if r.get("unmapped") not in ("error", "drop"):
            raise ConfigError(f"{path}: [registers.{name}] unmapped must be 'error' or 'drop'.")
        regs[name] = r
    if regs["ida"].get("hours") is None:
        raise ConfigError(f'{path}: [registers.ida] hours = "..." is required (no standard name).')
    if int(top["hs_target"]) not in HS_REVISIONS:
        raise ConfigError(f"{path}: [registers] hs_target must be one of {HS_REVISIONS}.")
    return RegisterConfig(
        root=root,
        years=_pair(top["years"], f"{path}: [registers] years"),
        base_years=_pair(top["base_years"], f"{path}: [registers] base_years"),
        out=_abs(root, top["out"]),
        hs_target=int(top["hs_target"]),
        education_codes=_abs(root, top["education_codes"]),
        calibration=None if top["calibration"] is None else _abs(root, top["calibration"]),
        registers=regs,
        structural=dict(top["structural"] or {}),
    )


def _toml(v: Any) -> str:
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, tuple | list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return str(v)


def template() -> str:
    """A commented mapping with every key and its default (``skillshore registers template``)."""
    lines = [
        "# skillshore register mapping (docs/registers.md). Defaults follow Statistics",
        "# Denmark's documented names; check each against your extract: names marked",
        "# 'uncertain' differ between extracts and years. Build the raw tables with",
        "#   skillshore registers build --config registers.toml",
        "",
        "[registers]",
    ]
    for k, (d, c) in _TOP.items():
        lines.append(f"{k} = {_toml(d)}  # {c}" if d is not None else f'# {k} = "..."  # {c}')
    for name in DEFAULTS:
        opt = "" if name in REQUIRED else "  # optional register"
        lines += [
            "",
            f"[registers.{name}]{opt}",
            'path = "..."  # CSV, Parquet, .sas7bdat or .dta; {year} expands',
        ]
        for k, (d, c) in DEFAULTS[name].items():
            lines.append(f"{k} = {_toml(d)}  # {c}" if d is not None else f'# {k} = "..."  # {c}')
        for k, (d, c) in OPTIONS[name].items():
            lines.append(f"{k} = {_toml(d)}  # {c}" if d is not None else f'# {k} = "..."  # {c}')
    return "\n".join(lines) + "\n"
