"""Broken copies of ``skillshore synth --scale tiny`` output (issue 19): each case gives one
clear line naming the problem, exit status 1 and no traceback, through the preflight
function, ``skillshore validate`` and ``skillshore run``.

``validate_study`` and ``run_study`` call :func:`skillshore.preflight.check_inputs`
before any computation, and ``run_study`` writes through
:func:`skillshore._outdir.output_folder`: every case fails within seconds and leaves the
previous output untouched. Cases with ``warning=True`` are not errors: the run goes on
and the stage concerned says why it is not estimated. ``--scheduler`` cases:
``test_scheduler.py``; SIGKILL during a run: ``test_run_kill.py``.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from skillshore.cli import app
from skillshore.config import load_config
from skillshore.errors import ConfigError, DataValidationError
from skillshore.preflight import preflight
from skillshore.tables import load_tables

from .conftest import add_section

runner = CliRunner()


def _first_row(col: str, value):
    def fn(df: pl.DataFrame) -> pl.DataFrame:
        dtype = pl.Float64 if isinstance(value, float) else df.schema[col]
        return df.with_columns(
            pl.when(pl.int_range(pl.len()) == 0)
            .then(pl.lit(value, dtype=dtype))
            .otherwise(pl.col(col).cast(dtype))
            .alias(col)
        )

    return fn


def _set(section: str, line: str):
    return lambda text: add_section(text, section, line)


def _replace(old: str, new: str):
    def fn(text: str) -> str:
        assert old in text
        return text.replace(old, new)

    return fn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _csv(name: str, sep: str = ",", edit=None):
    """Write table ``name`` as CSV (optionally editing its text) and point the config at it."""

    def setup(data: Path) -> None:
        text = pl.read_parquet(data / f"{name}.parquet").write_csv(separator=sep)
        (data / f"{name}.csv").write_text(edit(text) if edit else text)
        toml = data / "study.toml"
        toml.write_text(toml.read_text().replace(f"{name}.parquet", f"{name}.csv"))

    return setup


def _decimal_comma(text: str) -> str:
    lines = text.splitlines()
    head = lines[0].split(",")
    i = head.index("sales")
    row = lines[3].split(",")
    row[i] = row[i].split(".")[0] + ",5"  # 1234,5 unquoted: one field too many
    lines[3] = ",".join(row)
    return "\n".join(lines) + "\n"


def _keep_four_firms(data: Path) -> None:
    """Raise [sample] min_employees until the baseline sample keeps 4 firms."""
    firms = pl.read_parquet(data / "firms.parquet").filter(pl.col("year").is_between(1996, 2006))
    size = firms.group_by("firm_id").agg(pl.col("employment").min())["employment"]
    threshold = int(size.sort(descending=True)[3])
    assert (size >= threshold).sum() == 4  # no tie at the 4th largest
    toml = data / "study.toml"
    toml.write_text(add_section(toml.read_text(), "sample", f"min_employees = {threshold}"))


@dataclass
class Case:
    id: str
    needle: str
    tables: dict | None = None
    toml: object = None
    setup: object = None  # fn(data_folder)
    level: str = "preflight"  # "tables": found by load_tables; "config": by load_config
    # (a Literal option's typo); "preflight"
    out: str | None = None  # "file" / "under_file": a broken --out (run only)
    warning: bool = False  # the run goes on (the stage says why it is not estimated)


CASES = [
    # --- exact types and file-level errors (load_tables: validate and run work today)
    Case(
        "parquet-year-1996.7",
        "integer column holds non-integral values",
        tables={"firms": _first_row("year", 1996.7)},
        level="tables",
    ),
    Case(
        "parquet-employment-12.9",
        "'employment': integer column holds non-integral",
        tables={"firms": _first_row("employment", 12.9)},
        level="tables",
    ),
    Case(
        "parquet-person-id-1.5",
        "'person_id': integer column holds non-integral",
        tables={"workers": _first_row("person_id", 1.5)},
        level="tables",
    ),
    Case(
        "world-trade-1900",
        "calendar year within 1950-2100",
        tables={"world_trade": _first_row("year", 1900)},
        level="tables",
    ),
    Case(
        "world-trade-2150",
        "calendar year within 1950-2100",
        tables={"world_trade": _first_row("year", 2150)},
        level="tables",
    ),
    Case(
        "semicolon-csv",
        "looks semicolon-separated",
        setup=_csv("workers", ";"),
        level="tables",
    ),
    Case(
        "decimal-comma",
        "decimal comma",
        setup=_csv("firms", edit=_decimal_comma),
        level="tables",
    ),
    Case(
        "missing-table",
        "not found (no such file)",
        setup=lambda d: (d / "catalog.parquet").unlink(),
        level="tables",
    ),
    Case(
        "table-is-a-folder",
        "is a folder, not a file",
        setup=lambda d: ((d / "catalog.parquet").unlink(), (d / "catalog.parquet").mkdir()),
        level="tables",
    ),
    # --- paths and options (preflight)
    Case(
        "missing-calibration",
        "calibration file",
        toml=_replace('calibration = "calibration.csv"', 'calibration = "nope.csv"'),
    ),
    Case("missing-overrides", "title overrides file", toml=_set("skills", 'overrides = "ov.csv"')),
    Case("missing-onet-dir", "O*NET folder", toml=_set("skills", 'onet_dir = "onet_nope"')),
    Case(
        "normalise-typo",
        "[offshoring] normalise",
        toml=_set("offshoring", 'normalise = "per_wroker"'),
        level="config",
    ),
    Case(
        "skill-typo",
        "[structural] skill",
        toml=_set("structural", 'skill = "cognitve"'),
        level="config",
    ),
    Case(
        "bootstrap-negative",
        "[structural] bootstrap: must be in [0, inf)",
        toml=_set("structural", "bootstrap = -3"),
    ),
    Case(
        "min-score-5",
        "[skills] min_confidence: must be in [0, 1]",
        toml=_set("skills", "min_confidence = 5.0"),
    ),
    Case(
        "phi-up-negative",
        "[counterfactuals] phi_up: must be in (0, inf)",
        toml=_set("counterfactuals", "phi_up = -2.0"),
    ),
    Case(
        "cf-draws-negative",
        "[counterfactuals] bootstrap_draws: must be in [0, inf)",
        toml=_set("counterfactuals", "bootstrap_draws = -1"),
    ),
    Case(
        "cluster-typo",
        "[offshoring] cluster: 'frim_id' is not one of",
        toml=_set("offshoring", 'cluster = "frim_id"'),
        level="config",
    ),
    Case(
        "scheduler-unreachable",
        "cannot reach the Dask scheduler",
        toml=lambda t: add_section(
            t, "structural", f'scheduler = "tcp://127.0.0.1:{_free_port()}"'
        ),
    ),
    # --- data feasibility (preflight)
    Case(
        "customs-without-china",
        "no import (raw materials aside) from CHN",
        tables={"customs": lambda d: d.filter(pl.col("country") != "CHN")},
    ),
    Case(
        "workers-header-only",
        "workers: the table has no rows",
        tables={"workers": lambda d: d.clear()},
    ),
    Case(
        "customs-header-only",
        "customs: the table has no rows",
        tables={"customs": lambda d: d.clear()},
    ),
    Case(
        "wage-1e308",
        "more than 1e+06 times the median",
        tables={"workers": _first_row("hourly_wage", 1e308)},
    ),
    Case(
        "empty-baseline-sample",
        "the baseline sample is empty",
        toml=_set("sample", "min_employees = 1000000000"),
    ),
    Case(
        "no-purchases-abroad",
        "'purchases_abroad' is missing",
        tables={"firms": lambda d: d.drop("purchases_abroad")},
        warning=True,
    ),
    Case(
        "four-firms-in-sample",
        "the IV regressions need at least 5",
        setup=_keep_four_firms,
        warning=True,
    ),
    # --- output folder (run only)
    Case("out-is-a-file", "is a file, not a folder", out="file"),
    Case("out-under-a-file", "cannot be created", out="under_file"),
]


def _make(case: Case, broken, tmp_path: Path) -> tuple[Path, Path]:
    toml = broken(tables=case.tables, toml=case.toml)
    if case.setup is not None:
        case.setup(toml.parent)
    out = tmp_path / "out"
    if case.out is not None:
        f = tmp_path / "a_file"
        f.write_text("x")
        out = f if case.out == "file" else f / "out"
    return toml, out


def _one_line(output: str, needle: str) -> None:
    assert "Traceback" not in output, output
    flat = output.replace("\n", " ")
    assert needle in output or needle in flat, output
    hits = [ln for ln in output.splitlines() if ln.startswith("  - ")]
    assert len(hits) <= 1, output  # one problem, one line


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_found_before_any_computation(case, broken, tmp_path):
    toml, out = _make(case, broken, tmp_path)
    if case.level == "config":
        with pytest.raises(ConfigError, match=re.escape(case.needle)):
            load_config(toml)
        return
    cfg = load_config(toml)
    if case.level == "tables":
        with pytest.raises(DataValidationError) as err:
            load_tables(cfg.tables, years=cfg.all_years)
        assert len(err.value.problems) == 1, err.value.problems
        assert case.needle in err.value.problems[0]
        return
    frames = None
    if not case.id.startswith(("missing-", "out-")):
        frames = load_tables(cfg.tables, years=cfg.all_years)
    problems = preflight(cfg, frames, out=out)
    level = "warning" if case.warning else "error"
    assert [p.level for p in problems] == [level], [str(p) for p in problems]
    assert case.needle in str(problems[0])


def _validate_params():
    for c in CASES:
        if c.out is not None or c.warning:
            continue
        yield pytest.param(c, id=c.id)


@pytest.mark.parametrize("case", list(_validate_params()))
def test_validate_exits_1_with_one_line(case, broken, tmp_path):
    toml, _ = _make(case, broken, tmp_path)
    res = runner.invoke(app, ["validate", "--config", str(toml)])
    assert res.exit_code == 1, res.output
    _one_line(res.output, case.needle)


def _run_params():
    for c in CASES:
        if c.warning:
            continue
        yield pytest.param(c, id=c.id)


@pytest.mark.parametrize("case", list(_run_params()))
def test_run_exits_1_and_keeps_the_previous_output(case, broken, tmp_path):
    toml, out = _make(case, broken, tmp_path)
    previous = None
    if case.out is None:  # a previous complete run in the output folder
        out.mkdir()
        (out / "report.html").write_text("previous run")
        (out / ".skillshore-run.json").write_text('{"complete": true, "files": ["report.html"]}')
        previous = sorted(p.name for p in out.iterdir() if p.name != ".cache")
    res = runner.invoke(app, ["run", "--config", str(toml), "--out", str(out)])
    assert res.exit_code == 1, res.output
    _one_line(res.output, case.needle)
    if previous is not None:
        assert sorted(p.name for p in out.iterdir() if p.name != ".cache") == previous
        assert (out / "report.html").read_text() == "previous run"


def test_bracketed_file_name_is_a_file_not_a_glob(broken):
    toml = broken()
    data = toml.parent
    pl.read_parquet(data / "workers.parquet").write_csv(data / "workers[1].csv")
    toml.write_text(toml.read_text().replace('"workers.parquet"', '"workers[1].csv"'))
    res = runner.invoke(app, ["validate", "--config", str(toml)])
    assert res.exit_code == 0, res.output


def test_clean_economy_has_no_problem_even_with_every_name_checked(tiny_economy, tmp_path):
    """The defaults pass the full check (preflight skips importing the stages' name lists
    for default values on that basis)."""
    from skillshore.preflight import _option_problems

    cfg = load_config(tiny_economy / "study.toml")
    frames = load_tables(cfg.tables, years=cfg.all_years)
    assert preflight(cfg, frames, out=tmp_path / "out") == []
    assert _option_problems(cfg, full=True) == []


def test_paths_resolve_against_the_config_folder(broken, tmp_path, monkeypatch):
    toml = broken(toml=_set("skills", 'onet_dir = "onet"'))
    onet = toml.parent / "onet"
    onet.mkdir()
    (onet / "occupations.parquet").write_bytes(b"")
    monkeypatch.chdir(tmp_path)  # another working directory
    assert preflight(load_config(toml)) == []
