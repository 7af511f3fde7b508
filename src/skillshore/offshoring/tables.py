"""IV tables in the seed's layout.

Seed slides "Regression Analysis" (by occupational offshorability; by firm
productivity, all and continuing workers) and "Robustness Checks" (two
slides): a title line ("IV (Dependent Variable: ...)"), column groups, column
labels and numbers; coefficient with stars over its SE in parentheses; fixed
effect check rows; Mean Y; First Stage F-stat; AR First Stage F-stat; N.

* :class:`IVTable` renders any list of :class:`~skillshore.offshoring.iv.IVResult`;
* :class:`ColumnSpec` / :func:`run_columns` / :func:`seed_table` estimate the
  seed's tables from a firm-year frame whose column names are passed in (the
  defaults are those of the study's firm panel, ``docs/facts.md``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import pandas as pd

from skillshore._results import TableMixin, _latex_escape, fmt_coef, fmt_se
from skillshore.errors import ModelInputError
from skillshore.offshoring._fit import to_pandas
from skillshore.offshoring.iv import IVResult, iv_regression

__all__ = ["IVTable", "ColumnSpec", "run_columns", "SEED_TABLES", "seed_table"]

FirstStageStat = Literal["kp", "effective", "partial"]


@dataclass(frozen=True, eq=False)
class IVTable(TableMixin):
    """A seed-layout IV table over columns (:class:`IVResult`).

    Parameters
    ----------
    columns : sequence of IVResult
    labels : column labels (e.g. "Low", "High"); default none
    groups : ``(header, span)`` pairs over consecutive columns, e.g.
        ``(("All Workers", 3), ("Continuing Workers (Invariant Skills)", 3))``
    numbers : column numbers, default ``(1)..(n)``
    coef_labels : variable -> row label, in row order (default: every
        endogenous regressor under its own name); a column without the
        variable leaves the cell blank
    fe_rows : row label -> fixed-effect names; the row shows ✓ where the
        column absorbs one of them (matched as whole terms, "a^b" included)
    first_stage : "kp" (Kleibergen-Paap rk Wald F, default; Stata
        ``ivreghdfe``), "effective" (Montiel Olea-Pflueger) or "partial"
    extra_rows : more rows (label -> one cell per column), placed before N
    """

    columns: Sequence[IVResult]
    labels: Sequence[str] | None = None
    groups: Sequence[tuple[str, int]] = ()
    numbers: Sequence[str] | None = None
    coef_labels: Mapping[str, str] | None = None
    fe_rows: Mapping[str, Sequence[str]] = field(default_factory=dict)
    title: str = ""
    first_stage: FirstStageStat = "kp"
    extra_rows: Mapping[str, Sequence[str]] = field(default_factory=dict)
    digits: int = 4
    notes: Sequence[str] = ()

    def __post_init__(self) -> None:
        n = len(self.columns)
        if n == 0:
            raise ModelInputError("IVTable needs at least one column.")
        if self.labels is not None and len(self.labels) != n:
            raise ModelInputError(f"{len(self.labels)} labels for {n} columns.")
        if self.numbers is not None and len(self.numbers) != n:
            raise ModelInputError(f"{len(self.numbers)} numbers for {n} columns.")
        if self.groups and sum(s for _, s in self.groups) != n:
            raise ModelInputError(f"groups span {sum(s for _, s in self.groups)} columns, not {n}.")
        for k, v in self.extra_rows.items():
            if len(v) != n:
                raise ModelInputError(f"extra row {k!r} has {len(v)} cells for {n} columns.")
        if self.first_stage not in ("kp", "effective", "partial"):
            raise ModelInputError(
                f"first_stage must be kp, effective or partial, not {self.first_stage!r}."
            )

    # ---------------------------------------------------------------- header
    def _header(self) -> tuple[list[str], list[str], list[str]]:
        n = len(self.columns)
        groups = [g for g, s in self.groups for _ in range(s)] if self.groups else [""] * n
        labels = list(self.labels) if self.labels is not None else [""] * n
        numbers = (
            list(self.numbers) if self.numbers is not None else [f"({i + 1})" for i in range(n)]
        )
        return groups, labels, numbers

    def _fs(self, r: IVResult) -> float:
        fs = r.first_stage
        if self.first_stage == "kp":
            return fs.kp_f
        if self.first_stage == "effective":
            return fs.effective_f
        return float(fs.partial_f.iloc[0])

    def to_frame(self) -> pd.DataFrame:
        """Cells as strings; columns a (group, label, number) MultiIndex."""
        cols = self.columns
        coef_labels = dict(self.coef_labels or {e: e for r in cols for e in r.endog})
        rows: list[tuple[str, list[str]]] = []
        for var, lab in coef_labels.items():
            coef, se = [], []
            for r in cols:
                if var in r.params.index:
                    coef.append(fmt_coef(r.params[var], r.pvalues[var], self.digits))
                    se.append(fmt_se(r.std_errors[var], self.digits))
                else:
                    coef.append("")
                    se.append("")
            rows += [(lab, coef), ("", se)]
        for lab, names in self.fe_rows.items():
            want = {_fe_key(n) for n in names}
            rows.append((lab, ["✓" if want & {_fe_key(f) for f in r.fe} else "" for r in cols]))
        rows.append(("Mean Y", [f"{r.mean_y:.2f}" for r in cols]))
        rows.append(("First Stage F-stat", [f"{self._fs(r):.2f}" for r in cols]))
        rows.append(("AR First Stage F-stat", [f"{r.anderson_rubin().stat:.2f}" for r in cols]))
        rows += [(k, list(v)) for k, v in self.extra_rows.items()]
        if any(r.dropped for r in cols):
            rows.append(("Dropped (collinear with FE)", [", ".join(r.dropped) for r in cols]))
        rows.append(("N", [f"{r.nobs:,d}" for r in cols]))
        groups, labels, numbers = self._header()
        index = pd.MultiIndex.from_arrays([groups, labels, numbers])
        return pd.DataFrame([v for _, v in rows], index=[k for k, _ in rows], columns=index)

    # ------------------------------------------------------------- rendering
    def to_markdown(self) -> str:
        df = self.to_frame()
        groups, labels, numbers = self._header()
        lines = [f"**{self.title}**\n"] if self.title else []
        lines.append("| | " + " | ".join(numbers) + " |")
        lines.append("|---|" + "---:|" * len(numbers))
        if any(groups):
            lines.append("| | " + " | ".join(_first_of_span(groups)) + " |")
        if any(labels):
            lines.append("| | " + " | ".join(labels) + " |")
        for idx, row in df.iterrows():
            lines.append("| " + " | ".join([str(idx), *[str(v) for v in row]]) + " |")
        lines += [f"\n_Note: {n}_" for n in self.notes]
        return "\n".join(lines) + "\n"

    def to_latex(self) -> str:
        df = self.to_frame()
        groups, labels, numbers = self._header()
        n = len(numbers)
        out = [r"\begin{tabular}{l" + "c" * n + "}", r"\toprule"]
        if self.title:
            out.append(rf" & \multicolumn{{{n}}}{{c}}{{{_latex_escape(self.title)}}} \\")
        if any(groups):
            cells, rules, j = [], [], 2
            for g, span in self.groups:
                cells.append(rf"\multicolumn{{{span}}}{{c}}{{{_latex_escape(g)}}}")
                if g:
                    rules.append(rf"\cmidrule(lr){{{j}-{j + span - 1}}}")
                j += span
            out.append(" & " + " & ".join(cells) + r" \\")
            out.append(" ".join(rules))
        if any(labels):
            out.append(" & " + " & ".join(_latex_escape(v) for v in labels) + r" \\")
        out.append(" & " + " & ".join(numbers) + r" \\")
        out.append(r"\midrule")
        for idx, row in df.iterrows():
            out.append(" & ".join([_latex_escape(idx), *[_latex_escape(v) for v in row]]) + r" \\")
        out += [r"\bottomrule", r"\end{tabular}"]
        out += [rf"\par\footnotesize Note: {_latex_escape(n)}" for n in self.notes]
        return "\n".join(out).replace("×", r"$\times$") + "\n"


def _fe_key(name: str) -> frozenset[str]:
    return frozenset(name.split("^"))


def _first_of_span(groups: list[str]) -> list[str]:
    return [g if i == 0 or g != groups[i - 1] else "" for i, g in enumerate(groups)]


# ------------------------------------------------------------------ seed tables
@dataclass(frozen=True)
class ColumnSpec:
    """One IV column: sample filters and model.

    ``where`` maps a column to the value(s) kept (``{"occ_group": "high",
    "low_va": 1}``); ``None`` values are skipped.
    """

    label: str = ""
    group: str = ""
    where: Mapping[str, Any] = field(default_factory=dict)
    y: str = "avg_cognitive"
    endog: tuple[str, ...] = ("off_china",)
    instruments: tuple[str, ...] = ("iv_china",)
    controls: tuple[str, ...] = ()
    weights: str | None = None


def _subset(data: pd.DataFrame, where: Mapping[str, Any]) -> pd.DataFrame:
    mask = pd.Series(True, index=data.index)
    for col, val in where.items():
        if val is None:
            continue
        vals = list(val) if isinstance(val, list | tuple | set) else [val]
        mask &= data[col].isin(vals)
    return data[mask]


def run_columns(
    data: Any,
    specs: Sequence[ColumnSpec],
    *,
    fe: Sequence[str] = ("firm_id", "sector_year"),
    cluster: str | None = "firm_id",
    **kwargs: Any,
) -> list[IVResult]:
    """Estimate every column of ``specs`` on ``data`` with :func:`iv_regression`."""
    out = []
    for s in specs:
        need = [s.y, *s.endog, *s.instruments, *s.controls, *s.where, *fe]
        need += [c for c in (cluster, s.weights) if c]
        frame = _subset(to_pandas(data, [p for c in need for p in c.split("^")]), s.where)
        out.append(
            iv_regression(
                frame,
                s.y,
                s.endog,
                s.instruments,
                fe=fe,
                controls=s.controls,
                cluster=cluster,
                weights=s.weights,
                title=s.label,
                **kwargs,
            )
        )
    return out


def column_spans(specs: Sequence[ColumnSpec]) -> list[tuple[str, int]]:
    """Column-group header spans ``(group, number of consecutive columns)``."""
    spans: list[tuple[str, int]] = []
    for s in specs:
        if spans and spans[-1][0] == s.group:
            spans[-1] = (s.group, spans[-1][1] + 1)
        else:
            spans.append((s.group, 1))
    return spans


def _by_type(group: str, type_col: str, **kw: Any) -> list[ColumnSpec]:
    return [
        ColumnSpec(label="Low", group=group, where={"occ_group": "high", type_col: 1}, **kw),
        ColumnSpec(label="High", group=group, where={"occ_group": "high", type_col: 0}, **kw),
    ]


def _productivity(group: str, y: str) -> list[ColumnSpec]:
    return [
        ColumnSpec(label="All", group=group, where={"occ_group": "high"}, y=y),
        *_by_type(group, "low_va", y=y),
    ]


SEED_TABLES: dict[str, tuple[str, list[ColumnSpec]]] = {
    "offshorability": (
        "IV (Dependent Variable: Average Cognitive Skills × 100)",
        [
            ColumnSpec(label="All", group="All", where={"occ_group": "all"}),
            ColumnSpec(
                label="Low (H-Skill)",
                group="By Occupational Offshorability",
                where={"occ_group": "low_high_skill"},
            ),
            ColumnSpec(
                label="Low (M/L-Skill)",
                group="By Occupational Offshorability",
                where={"occ_group": "low_mid_low_skill"},
            ),
            ColumnSpec(
                label="High", group="By Occupational Offshorability", where={"occ_group": "high"}
            ),
        ],
    ),
    "productivity": (
        "IV (Dependent Variable: Average Cognitive Skills × 100, High-offshorable)",
        _productivity("All Workers", "avg_cognitive")
        + _productivity("All Workers (Invariant Skills)", "avg_cognitive_inv"),
    ),
    "continuing": (
        "IV (Dependent Variable: Average Cognitive Skills × 100, High-offshorable)",
        _productivity("All Workers", "avg_cognitive")
        + _productivity("Continuing Workers (Invariant Skills)", "avg_cognitive_cont_inv"),
    ),
    "robustness_1": (
        "IV (Dependent Variable: Average Cognitive Skills × 100, High-offshorable)",
        _by_type("Sales per K", "low_spk")
        + _by_type("TFP", "low_tfp")
        + _by_type(
            "Offshoring (Alternate)", "low_va", endog=("off_lowwage",), instruments=("iv_lowwage",)
        )
        + _by_type("Weighted Regressions", "low_va", weights="n_workers"),
    ),
    "industry_4d": (
        "IV (Dependent Variable: Average Cognitive Skills × 100, High-offshorable), "
        "4-digit industries",
        [
            ColumnSpec(
                label="All",
                group="4-digit Industry",
                where={"occ_group": "high"},
                endog=("off_china_4d",),
                instruments=("iv_china_4d",),
            ),
            *_by_type(
                "4-digit Industry",
                "low_va",
                endog=("off_china_4d",),
                instruments=("iv_china_4d",),
            ),
        ],
    ),
    "robustness_2": (
        "IV (Dependent Variable: Average Cognitive Skills × 100, High-offshorable)",
        [
            *(
                ColumnSpec(
                    label=s.label, group="Exclude Copenhagen", where={**s.where, "copenhagen": 0}
                )
                for s in _by_type("", "low_va")
            ),
            *_by_type(
                "Firm Controls",
                "low_va",
                controls=("log_sales", "log_size", "importer", "exporter"),
            ),
            *(
                ColumnSpec(
                    label=s.label, group="L-Intensive", where={**s.where, "labour_intensive": 1}
                )
                for s in _by_type("", "low_va")
            ),
            ColumnSpec(
                label="All", group="K-Intensive", where={"occ_group": "high", "labour_intensive": 0}
            ),
            *_by_type(
                "IV Export",
                "low_va",
                endog=("off_china", "exports"),
                instruments=("iv_china", "iv_exports"),
            ),
        ],
    ),
}
"""The seed's IV tables: title and columns (study firm-panel column names)."""

_COEF_LABELS = {
    "off_china": "Offshoring (China)",
    "off_lowwage": "Offshoring (Low)",
    "off_china_4d": "Offshoring (China, 4-digit)",
    "off_lowwage_4d": "Offshoring (Low, 4-digit)",
}
_SOURCES = {"CHN": "china", "china": "china", "LOWWAGE": "lowwage", "low_wage": "lowwage"}
_SOURCES["lowwage"] = "lowwage"


def _measure_map(source: str, industry_digits: int) -> dict[str, str]:
    """Column renaming for ``[offshoring] source`` / ``industry_digits``: the seed's main
    measure (China, 6-digit) becomes the chosen one; the alternate source swaps with it."""
    if source not in _SOURCES:
        raise ModelInputError(f"source must be one of {sorted(_SOURCES)}, got {source!r}.")
    if industry_digits not in (4, 6):
        raise ModelInputError(f"industry_digits must be 4 or 6, got {industry_digits!r}.")
    main = _SOURCES[source]
    alt = "lowwage" if main == "china" else "china"
    sfx = "" if industry_digits == 6 else "_4d"
    out = {}
    for kind in ("off", "iv"):
        out[f"{kind}_china"] = f"{kind}_{main}{sfx}"
        out[f"{kind}_lowwage"] = f"{kind}_{alt}{sfx}"
    return out


def _remap(spec: ColumnSpec, mapping: Mapping[str, str]) -> ColumnSpec:
    def m(cols: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(mapping.get(c, c) for c in cols)

    return replace(spec, endog=m(spec.endog), instruments=m(spec.instruments))


_FE_ROWS = {"Sector by Year FE": ("sector_year", "sector^year"), "Firm FE": ("firm_id",)}


def seed_table(
    name: str,
    data: Any,
    *,
    fe: Sequence[str] = ("firm_id", "sector_year"),
    cluster: str | None = "firm_id",
    first_stage: FirstStageStat = "kp",
    source: str = "CHN",
    industry_digits: int = 6,
    **kwargs: Any,
) -> IVTable:
    """Estimate and lay out one of the seed's IV tables (:data:`SEED_TABLES`).

    ``data`` is the firm x year x occupation-group frame (columns as in the
    study's firm panel: ``occ_group``, ``avg_cognitive``, ``off_china``,
    ``iv_china``, ``low_va``, ...). Extra keyword arguments go to
    :func:`iv_regression`; controls collinear with the fixed effects are dropped
    (``drop_collinear=True``, as Stata's ``reghdfe``) and listed in a row of the table.

    ``source`` (``"CHN"`` or ``"LOWWAGE"``) and ``industry_digits`` (6 or 4) are
    ``[offshoring] source`` and ``industry_digits``: they choose the main offshoring
    measure and instrument (``off_<source>[_4d]``, ``iv_<source>[_4d]``); the
    "Offshoring (Alternate)" column then uses the other source. The
    ``industry_4d`` table is the 4-digit robustness column whatever the choice.
    """
    if name not in SEED_TABLES:
        raise ModelInputError(f"unknown seed table {name!r}; choose from {sorted(SEED_TABLES)}.")
    title, specs = SEED_TABLES[name]
    if name != "industry_4d":
        mapping = _measure_map(source, industry_digits)
        specs = [_remap(s, mapping) for s in specs]
    kwargs.setdefault("drop_collinear", True)
    kept, results, notes = [], [], []
    for s in specs:
        try:
            results += run_columns(data, [s], fe=fe, cluster=cluster, **kwargs)
            kept.append(s)
        except ModelInputError as err:
            # a subsample can leave the instrument without variation within the fixed
            # effects (few firms per sector-year): the column is omitted and said so
            notes.append(
                f"column {s.group} {s.label} ".replace("  ", " ") + f"not estimated: {err}"
            )
    if not kept:
        raise ModelInputError(f"seed table {name!r}: no column could be estimated ({notes[0]})")
    specs = kept
    spans = column_spans(specs)
    used = {e for r in results for e in r.endog}
    coef_labels = {k: v for k, v in _COEF_LABELS.items() if k in used}
    return IVTable(
        columns=results,
        labels=[s.label for s in specs],
        groups=spans,
        coef_labels=coef_labels,
        fe_rows=_FE_ROWS,
        title=title,
        first_stage=first_stage,
        notes=tuple(notes),
    )
