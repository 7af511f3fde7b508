"""Check everything ``run`` will need before any computation: one line per problem.

``skillshore validate`` and the start of ``skillshore run`` call :func:`preflight` on the
parsed config and the validated tables (:func:`skillshore.tables.load_tables`), so a
user's mistake surfaces in a second, as a list of readable lines, instead of a
traceback (or a silent "not estimated") minutes into a run:

* **paths**: every file the config names exists and is a file (a folder where a folder is
  expected), resolved against the config file's folder: tables, O*NET folder, title
  overrides, calibration; the output folder can be created and written;
* **options**: each option's type and range (``bootstrap >= 0``, ``min_confidence`` in [0, 1],
  ``phi_up > 0``, ``normalise`` / ``skill`` / ``cluster`` among the valid names, ...);
* **data feasibility** of each stage (seed slides "Data Sources", "Offshoring Exposure
  from China", "Estimation"): non-empty tables, workers in the first and last study
  years, a non-empty baseline sample with enough firms for the IV, imports from the
  instrument's origin and base-year imports for the shares s_hk0, the origin's export
  supply in world trade, ``purchases_abroad`` for the structural offshoring rate;
* a reachable Dask scheduler when one is named (a TCP connect with a timeout).
"""

from __future__ import annotations

import math
import socket
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl

from skillshore.errors import PreflightError, SkillshoreError

if typing.TYPE_CHECKING:  # pragma: no cover
    from skillshore.config import StudyConfig

__all__ = [
    "Problem",
    "preflight",
    "check_inputs",
    "raise_for_problems",
    "check_scheduler",
    "MIN_IV_FIRMS",
]

MIN_IV_FIRMS = 5  # the IV stage's own guard (pipeline: fewer firms -> "not estimated")
WAGE_OUTLIER = 1e6  # a wage this many times the median is a unit or typing error


@dataclass(frozen=True)
class Problem:
    """One problem found before the run.

    Attributes
    ----------
    where : str
        The option (``[structural] bootstrap``), file or table concerned.
    message : str
        The rule broken and, where there is one, the fix.
    stage : str
        The stage that needs it (``config``, ``tables``, ``skills``, ``facts``, ``iv``,
        ``structural``, ``counterfactuals``, ``output``).
    level : {"error", "warning"}
        Errors stop ``run``; warnings are printed and the run goes on.
    """

    where: str
    message: str
    stage: str = "config"
    level: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def _resolve(cfg: StudyConfig, p: str | Path) -> Path:
    p = Path(p).expanduser()
    return p if p.is_absolute() else Path(cfg.root) / p


def _need_file(path: Path, where: str, stage: str, what: str) -> list[Problem]:
    if not path.exists():
        return [Problem(where, f"{what} {path} not found (no such file).", stage)]
    if path.is_dir():
        return [Problem(where, f"{what} {path} is a folder, not a file.", stage)]
    return []


# ------------------------------------------------------------------------ paths
def _path_problems(cfg: StudyConfig) -> list[Problem]:
    out: list[Problem] = []
    for name, p in cfg.tables.items():
        if p is not None:
            out += _need_file(Path(p), f"[tables] {name}", "tables", "table file")
    sk = cfg.skills
    if sk.onet_dir:
        d = _resolve(cfg, sk.onet_dir)
        if not d.exists():
            out.append(Problem("[skills] onet_dir", f"O*NET folder {d} not found.", "skills"))
        elif not d.is_dir():
            out.append(Problem("[skills] onet_dir", f"{d} is a file, not a folder.", "skills"))
        elif not any(d.iterdir()):
            out.append(Problem("[skills] onet_dir", f"O*NET folder {d} is empty.", "skills"))
    if sk.overrides:
        p = _resolve(cfg, sk.overrides)
        probs = _need_file(p, "[skills] overrides", "skills", "title overrides file")
        if not probs:
            try:
                cols = pl.read_csv(p.read_bytes(), n_rows=0, infer_schema=False).columns
            except Exception as exc:  # parser error: one line
                cols = []
                probs.append(
                    Problem("[skills] overrides", f"{p} is not a CSV file ({exc}).", "skills")
                )
            # code, onet_soc; or a filled review file (skillshore skills review): code, choice
            need = ("code", "choice") if "choice" in cols else ("code", "onet_soc")
            missing = [c for c in need if cols and c not in cols]
            if missing:
                probs.append(
                    Problem(
                        "[skills] overrides",
                        f"{p} lacks column(s) {missing} (needs code, onet_soc; or code, "
                        "choice as written by 'skillshore skills review').",
                        "skills",
                    )
                )
        out += probs
    out += _calibration_problems(cfg)
    return out


def _calibration_problems(cfg: StudyConfig) -> list[Problem]:
    from skillshore.structural.calibration import calibration_path, load_calibration

    spec = cfg.structural.calibration
    where = "[structural] calibration"
    path = calibration_path(spec, cfg.root)
    if path is not None:
        probs = _need_file(path, where, "structural", "calibration file")
        if probs:
            return probs
    try:
        cal = load_calibration(spec, root=cfg.root)
    except SkillshoreError as err:
        return [Problem(where, str(err), "structural")]
    except Exception as exc:  # a CSV that pandas cannot read
        return [Problem(where, f"{path} could not be read as CSV ({exc}).", "structural")]
    y0, y1 = cfg.study.years
    missing = [y for y in sorted({y0, y1}) if y not in cal.years]
    if not missing:
        return []
    level: Literal["error", "warning"] = "error" if len(missing) == len({y0, y1}) else "warning"
    return [
        Problem(
            where,
            f"calibrates years {sorted(cal.years)}, not the study's first/last year(s) "
            f"{missing}: the structural model is estimated only in calibrated years.",
            "structural",
            level,
        )
    ]


# ------------------------------------------------------------------------ options
def _valid_clusters() -> list[str]:
    from skillshore.offshoring.measures import FIRM_PANEL_COLUMNS
    from skillshore.skills.vectors import SKILLS

    names: list[str] = []
    for key in FIRM_PANEL_COLUMNS:
        for k in key.split(", "):
            if "<skill>" in k:
                names += [k.replace("<skill>", s) for s in SKILLS]
            else:
                names.append(k)
    return names


def _option_problems(cfg: StudyConfig, full: bool = False) -> list[Problem]:
    """Options' types and ranges. Names checked against the stages' own lists
    (``normalise``, ``cluster``, ``skill``) import those stages (seconds: pyfixest,
    scikit-learn), so they are checked only where they differ from the defaults, which
    are valid (``full=True`` checks them all; a test does)."""
    from skillshore import config as C

    out: list[Problem] = []

    def bad(where: str, msg: str, stage: str) -> None:
        out.append(Problem(where, msg, stage))

    def in_range(where, v, lo, hi, stage, lo_open=False, hi_open=False):
        ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        ok = ok and (v > lo if lo_open else v >= lo) if lo is not None and ok else ok
        ok = ok and (v < hi if hi_open else v <= hi) if hi is not None and ok else ok
        if not ok:
            lb = "-inf" if lo is None else f"{lo:g}"
            ub = "inf" if hi is None else f"{hi:g}"
            rng = f"{'(' if lo_open or lo is None else '['}{lb}, {ub}{')' if hi_open or hi is None else ']'}"
            bad(where, f"must be in {rng}, got {v!r}.", stage)

    st = cfg.study
    in_range("[study] seed", st.seed, 0, None, "config")
    sa = cfg.sample
    in_range("[sample] min_employees", sa.min_employees, 0, None, "facts")
    sectors = sa.manufacturing_sectors
    odd = [s for s in (sectors or ()) if not (len(s) == 2 and s.isdigit())]
    if odd or sectors == ():
        bad(
            "[sample] manufacturing_sectors",
            f"needs 2-digit sector codes, got {odd or '[]'}.",
            "facts",
        )
    sk = cfg.skills
    in_range("[skills] min_confidence", sk.min_confidence, 0.0, 1.0, "skills")
    in_range("[skills] top_k", sk.top_k, 1, None, "skills")
    if sk.semantic:
        from skillshore.skills.matcher import semantic_available

        if not semantic_available():
            bad(
                "[skills] semantic",
                "true needs the optional extra: pip install 'skillshore[semantic]'.",
                "skills",
            )
    of = cfg.offshoring
    for key in ("source", "home_country"):
        v = getattr(of, key)
        if not (len(v) == 3 and v.isalpha() and v.isupper()):
            bad(
                f"[offshoring] {key}",
                f"must be an ISO3 country code such as 'CHN', got {v!r}.",
                "iv",
            )
    if of.source == of.home_country:
        bad("[offshoring] source", f"must differ from home_country ({of.home_country!r}).", "iv")
    odd = [h for h in of.raw_material_hs2 if not (len(h) == 2 and h.isdigit())]
    if odd:
        bad("[offshoring] raw_material_hs2", f"needs 2-digit HS chapters, got {odd}.", "iv")
    if full or of.normalise != C.OffshoringSection.normalise:
        from skillshore.offshoring.measures import Normalise

        valid = list(typing.get_args(Normalise))
        if of.normalise not in valid:
            bad("[offshoring] normalise", f"must be one of {valid}, got {of.normalise!r}.", "iv")
    in_range("[offshoring] industry_digits", of.industry_digits, 1, 6, "iv")
    clusters = _valid_clusters() if full or of.cluster != C.OffshoringSection.cluster else []
    if clusters and of.cluster not in clusters:
        near = [c for c in clusters if c.startswith(of.cluster[:2])][:5] or clusters[:5]
        bad(
            "[offshoring] cluster",
            f"{of.cluster!r} is not a column of the firm panel (e.g. {', '.join(near)}).",
            "iv",
        )
    in_range(
        "[offshoring] high_offshorable_threshold",
        of.high_offshorable_threshold,
        None,
        None,
        "facts",
    )
    sr = cfg.structural
    in_range("[structural] bootstrap", sr.bootstrap, 0, None, "structural")
    in_range("[structural] lambda_x_share", sr.lambda_x_share, 0.0, 1.0, "structural", True, True)
    if full or sr.skill != C.StructuralSection.skill:
        from skillshore.skills.vectors import SKILLS

        skills = [*SKILLS, *(f"{s}_invariant" for s in SKILLS)]
        if sr.skill not in skills:
            bad("[structural] skill", f"must be one of {skills}, got {sr.skill!r}.", "structural")
    cf = cfg.counterfactuals
    in_range("[counterfactuals] phi_up", cf.phi_up, 0.0, None, "counterfactuals", lo_open=True)
    in_range("[counterfactuals] nu_up", cf.nu_up, None, None, "counterfactuals")
    in_range("[counterfactuals] bootstrap_draws", cf.bootstrap_draws, 0, None, "counterfactuals")
    return out


# ------------------------------------------------------------------------ scheduler
def check_scheduler(address: str, timeout: float = 2.0) -> str | None:
    """None if the Dask scheduler at ``address`` answers within ``timeout`` seconds, else
    the reason (``inproc://`` addresses are not checked).

    A ``tcp://`` scheduler sends its handshake as soon as a connection opens (a 64-bit
    length, then a msgpack message naming its ``pickle-protocol``): a service that opens
    the port but answers otherwise (a dashboard, a web proxy) is refused here, before
    Dask's client would read its reply as a message length and fail deep in the run."""
    addr = address.strip()
    proto, _, rest = addr.rpartition("://")
    if proto and proto not in ("tcp", "tls", "ws", "wss"):
        return None
    host, _, port = rest.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit():
        return f"{address!r} is not an address of the form tcp://host:port."
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as sock:
            if proto not in ("", "tcp"):
                return None  # TLS and websockets: the handshake needs their own client
            return _dask_handshake(sock, address, timeout)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        if isinstance(exc, TimeoutError | socket.timeout):
            why = f"no answer within {timeout:g} s"
        return f"cannot reach the Dask scheduler at {address} ({why})."


def _dask_handshake(sock: socket.socket, address: str, timeout: float) -> str | None:
    """None if ``sock`` receives a Dask handshake within ``timeout`` s, else the reason."""
    import struct

    def read(n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                break
            buf += chunk
        return buf

    not_dask = f"{address} answers, but not as a Dask scheduler"
    sock.settimeout(timeout)
    try:
        head = read(8)
        if len(head) < 8:
            return f"{not_dask} (it closed the connection)."
        (n,) = struct.unpack("<Q", head)
        if not 0 < n <= 1 << 16:
            return f"{not_dask} (it sent {head[:8]!r}); check the host and port (8786 by default)."
        body = read(n)
    except TimeoutError:
        return f"{not_dask} (no handshake within {timeout:g} s); check the port (8786 by default)."
    if b"pickle-protocol" not in body:
        return f"{not_dask} (unexpected handshake); check the host and port (8786 by default)."
    return None


# ------------------------------------------------------------------------ data
def _rows(df: pl.DataFrame, col: str) -> str:
    shown = df.head(5)
    parts = [f"row {r} ({v!r})" for r, v in zip(shown["__row__"], shown[col], strict=True)]
    more = f", and {df.height - 5} more" if df.height > 5 else ""
    return f"{df.height} row{'s' if df.height != 1 else ''}: " + ", ".join(parts) + more


def _data_problems(cfg: StudyConfig, frames: Mapping[str, pl.DataFrame]) -> list[Problem]:
    out: list[Problem] = []
    stage_of = {
        "workers": "facts",
        "firms": "facts",
        "catalog": "skills",
        "customs": "iv",
        "world_trade": "iv",
    }
    for name, stage in stage_of.items():
        df = frames.get(name)
        if df is not None and df.height == 0:
            out.append(Problem(name, "the table has no rows (header only).", stage))
    if out:
        return out
    y0, y1 = cfg.study.years
    b0, b1 = cfg.study.base_years
    of = cfg.offshoring
    workers, firms = frames["workers"], frames["firms"]
    have = set(workers["year"].unique().to_list())
    miss = [y for y in sorted({y0, y1}) if y not in have]
    if miss:
        out.append(
            Problem(
                "workers",
                f"no worker-years in the study's first/last year(s) {miss} ([study] years).",
                "facts",
            )
        )
    wages = workers.with_row_index("__row__", offset=1).filter(pl.col("hourly_wage") > 0)
    if wages.height:
        med = float(wages["hourly_wage"].median())
        big = wages.filter(pl.col("hourly_wage") > WAGE_OUTLIER * med)
        if big.height:
            out.append(
                Problem(
                    "workers",
                    f"column 'hourly_wage': more than {WAGE_OUTLIER:g} times the median "
                    f"({med:.4g}) in " + _rows(big, "hourly_wage") + " (a unit or typing error?).",
                    "facts",
                )
            )
    from skillshore.panel import baseline_sample

    try:
        sample = baseline_sample(
            firms,
            (y0, y1),
            sectors=cfg.sample.manufacturing_sectors,
            classification=cfg.sample.classification,
            min_employees=cfg.sample.min_employees,
            continuous=cfg.sample.continuous_firms,
        )
    except SkillshoreError as err:
        out.append(Problem("[sample]", str(err), "facts"))
    else:
        steps = ", ".join(f"{n} {rule}" for rule, n in sample.steps)
        if sample.n_firms == 0:
            out.append(Problem("[sample]", f"the baseline sample is empty ({steps}).", "facts"))
        elif sample.n_firms < MIN_IV_FIRMS:
            out.append(
                Problem(
                    "[sample]",
                    f"the baseline sample keeps {sample.n_firms} firm(s) ({steps}); the IV "
                    f"regressions need at least {MIN_IV_FIRMS} and will not be estimated.",
                    "iv",
                    "warning",
                )
            )
    customs = frames["customs"]
    raw = list(of.raw_material_hs2)
    imports = customs.filter(
        (pl.col("flow") == "import") & ~pl.col("hs6").str.slice(0, 2).is_in(raw)
    )
    if (
        imports.filter((pl.col("country") == of.source) & pl.col("year").is_between(y0, y1)).height
        == 0
    ):
        out.append(
            Problem(
                "customs",
                f"no import (raw materials aside) from {of.source} ([offshoring] source) in "
                f"{y0}-{y1}: narrow offshoring from {of.source} is zero and the shift-share IV "
                "cannot be estimated.",
                "iv",
            )
        )
    if imports.filter(pl.col("year").is_between(b0, b1)).height == 0:
        out.append(
            Problem(
                "customs",
                f"no import (raw materials aside) in the base years {b0}-{b1} ([study] "
                "base_years): the initial import shares s_hk0 of the instrument are undefined.",
                "iv",
            )
        )
    wt = frames["world_trade"]
    supply = wt.filter(
        (pl.col("exporter") == of.source)
        & (pl.col("importer") != of.home_country)
        & pl.col("year").is_between(y0, y1)
    )
    if supply["year"].n_unique() < 2:
        out.append(
            Problem(
                "world_trade",
                f"exports of {of.source} to countries other than {of.home_country} cover "
                f"{supply['year'].n_unique()} study year(s); the world export supply shock "
                "needs at least two.",
                "iv",
            )
        )
    if (
        "purchases_abroad" not in firms.columns
        or firms["purchases_abroad"].null_count() == firms.height
    ):
        out.append(
            Problem(
                "firms",
                "column 'purchases_abroad' is missing or empty: the structural stage measures "
                "offshored workers as purchases abroad / value added x employment (the seed's "
                "identifying assumption) and cannot estimate c_F without it.",
                "structural",
                "warning",
            )
        )
    return out


# ------------------------------------------------------------------------ entry
def preflight(
    cfg: StudyConfig,
    frames: Mapping[str, pl.DataFrame] | None = None,
    *,
    out: str | Path | None = None,
    scheduler: str | None = None,
    timeout: float = 2.0,
) -> list[Problem]:
    """Every problem ``run`` would meet with this config and these tables, before any
    computation.

    Parameters
    ----------
    cfg : StudyConfig
        The parsed config (paths resolved against its folder, ``cfg.root``).
    frames : dict of polars.DataFrame, optional
        The validated tables (:func:`skillshore.tables.load_tables`); without them only
        the paths and options are checked.
    out : path, optional
        The output folder ``run`` will write (checked for being creatable and writable).
    scheduler : str, optional
        A Dask scheduler address overriding ``[structural] scheduler`` (``--scheduler``).
    timeout : float
        Seconds to wait for the scheduler's TCP connection.

    Returns
    -------
    list of Problem
        Empty when ``run`` can start; ``str(problem)`` is its one-line message.
    """
    problems = _path_problems(cfg) + _option_problems(cfg)
    if out is not None:
        from skillshore._outdir import check_output_folder

        try:
            check_output_folder(out)
        except SkillshoreError as err:
            problems.append(Problem("--out", str(err), "output"))
    address = scheduler if scheduler is not None else cfg.structural.scheduler
    if address and "://" in address and cfg.structural.bootstrap > 0:  # not threads/processes
        why = check_scheduler(address, timeout)
        if why:
            problems.append(Problem("--scheduler", why, "structural"))
    if frames is not None:
        problems += _data_problems(cfg, frames)
    return problems


def check_inputs(
    cfg: StudyConfig,
    *,
    out: str | Path | None = None,
    scheduler: str | None = None,
    timeout: float = 2.0,
) -> tuple[dict[str, pl.DataFrame], list[Problem]]:
    """Everything ``validate`` and the start of ``run`` check, in one call: paths and
    options (:func:`preflight`), the tables (:func:`~skillshore.tables.load_tables`), then
    the data's feasibility; every problem found is reported at once.

    Returns
    -------
    frames : dict of polars.DataFrame
        The validated tables.
    warnings : list of Problem
        Problems that do not stop a run (to print).

    Raises
    ------
    PreflightError
        Listing every error (also a ConfigError and a DataValidationError).
    """
    from skillshore.errors import DataValidationError
    from skillshore.tables import load_tables

    problems = preflight(cfg, out=out, scheduler=scheduler, timeout=timeout)
    frames: dict[str, pl.DataFrame] | None = None
    if not any(p.where.startswith("[tables]") for p in problems):
        try:
            frames = load_tables(cfg.tables, years=cfg.all_years)
        except DataValidationError as err:
            problems += [Problem("", line, "tables") for line in err.problems]
    if frames is not None:
        problems += _data_problems(cfg, frames)
    warnings = raise_for_problems(problems)
    assert frames is not None
    return frames, warnings


def raise_for_problems(problems: list[Problem], source: Any = None) -> list[Problem]:
    """Raise :class:`~skillshore.errors.PreflightError` listing the errors; return the
    warnings (for the caller to print)."""
    errors = [p for p in problems if p.level == "error"]
    if errors:
        prefix = f"{source}: " if source else ""
        raise PreflightError([prefix + str(p) for p in errors])
    return [p for p in problems if p.level == "warning"]
