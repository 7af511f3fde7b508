"""Counterfactuals and wage-inequality statistics (seed slides "Counterfactuals:
Wage Inequality", "Changes in Between-Firm Wage Inequality", "Changes in Firms'
Matching", "Changes in Unemployment").

A scenario is data: a name and a list of changes to the economy's primitives
(``c_F = 0`` sets C* = C; ``Phi up`` scales Phi; ``nu up`` adds to an intensity).
Statistics are computed from an equilibrium: E(wage) and SD(wage) over domestic
matches; the between-firm gap E(wage|y)_10-90 and the between-worker gap
E(wage|x)_10-90, by default the employment-weighted mean of E(wage|.) over the top
decile of the type (y or x) minus that over the bottom decile (``gap="decile_means"``;
``"quantiles"`` gives E(wage|.) at the 90th minus the 10th percentile of the type);
the between-firm skill gap (the same statistic of E(x|y), the seed's "segregation").
Deciles are of the type, not of the wage: in one market with positive sorting the two
agree, while over several markets (:class:`~skillshore.structural.economy.MarketEconomy`)
a firm's wage also depends on its market, and that between-market spread is not a gap
in y (vector types are ordered by value); the unemployment rate and the
offshoring rate |f*|/|f|. docs/model.md ("Reproducing the seed's tables") explains
why the decile-means reading is the one consistent with the seed's table.

The 1996 -> 2006 change is split by Shapley values over groups of primitives:
globalization (c_F, nu_x*, nu_y*, w0*, |fbar*|) and structural change (Phi, lambda,
nu_x, nu_y, C, w0, r0 and the domestic type distributions), two groups by default.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from skillshore._results import TableMixin
from skillshore.matching import Equilibrium, MatchingModel, solve
from skillshore.matching.presets import SEED_NU_UP, SEED_PHI_UP
from skillshore.structural.economy import MarketEconomy, SegmentedEquilibrium

Economy = MatchingModel | MarketEconomy

__all__ = [
    "STATISTICS",
    "CounterfactualTable",
    "Decomposition",
    "Scenario",
    "apply_scenario",
    "counterfactuals",
    "decompose_change",
    "seed_scenarios",
    "wage_inequality",
    "tail_gap",
    "weighted_quantile",
]

#: Row labels of the counterfactual table, in the seed's order (then two more).
STATISTICS: dict[str, str] = {
    "mean_wage": "E(wage)",
    "sd_wage": "SD(wage)",
    "firm_gap": "E(wage|y)_10-90",
    "worker_gap": "E(wage|x)_10-90",
    "skill_gap": "E(x|y)_10-90",
    "unemployment_rate": "unemployment rate",
    "offshoring_rate": "offshoring rate",
}

#: Primitives of each group (``c_F`` stands for C - C*; "types" for the type supports,
#: the domestic masses and the base measure, which move together).
GROUPS: dict[str, tuple[str, ...]] = {
    "globalization": ("c_F", "nu_x_star", "nu_y_star", "w0_star", "fbar_star"),
    "structural": (
        "Phi",
        "lambda_x",
        "lambda_y",
        "nu_x",
        "nu_y",
        "C",
        "w0",
        "r0",
        "types",
    ),
}
_TYPES = ("x", "y", "fbar", "gbar", "dx", "dy")


def weighted_quantile(
    values: np.ndarray, weights: np.ndarray, q, by: np.ndarray | None = None
) -> np.ndarray:
    """Quantiles of a discrete distribution, interpolating between cell midpoints of the CDF.

    With ``by`` the cells are ordered by ``by`` (a type) instead of by their values: the
    value at the q-th quantile of ``by``, i.e. E(wage | y) at the q-th quantile of y."""
    v = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    ok = (w > 0) & np.isfinite(v)
    key = v if by is None else np.asarray(by, dtype=np.float64)
    v, w, key = v[ok], w[ok], key[ok]
    order = np.lexsort((v, key))
    v, w = v[order], w[order]
    pos = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, pos, v)


def tail_gap(
    values: np.ndarray, weights: np.ndarray, share: float = 0.1, by: np.ndarray | None = None
) -> float:
    """Weighted mean of the top ``share`` of the distribution minus that of the bottom share.

    With ``by`` the top and bottom are those of ``by`` (a type), not of the values: the
    mean of E(wage | y) over the top decile of y minus that over the bottom decile, the
    seed's E(wage|y)_10-90. When the values increase with ``by`` (one market with positive
    sorting) both readings agree; over several markets a firm's wage also depends on its
    market, and ordering by value would count that between-market spread as a gap in y.

    Cells straddling a cut-off enter with the fraction of their weight inside it, so
    the statistic is continuous in the weights (ten equal cells: top cell minus bottom).
    """
    if not 0 < share <= 0.5:
        raise ValueError(f"share must be in (0, 0.5], got {share}")
    v = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    ok = (w > 0) & np.isfinite(v)
    if not ok.any():
        return float("nan")
    key = v if by is None else np.asarray(by, dtype=np.float64)
    v, w, key = v[ok], w[ok], key[ok]
    if by is None:
        order = np.argsort(v, kind="stable")
        v, w = v[order], w[order] / w.sum()
        return -_bottom_share(-v[::-1], w[::-1], share) - _bottom_share(v, w, share)
    # ordered by type; cells of one type are pooled (their mean), so ties never matter
    uk, inv = np.unique(key, return_inverse=True)
    wk = np.bincount(inv, weights=w, minlength=uk.size)
    vk = np.bincount(inv, weights=w * v, minlength=uk.size) / wk
    wk = wk / wk.sum()
    return -_bottom_share(-vk[::-1], wk[::-1], share) - _bottom_share(vk, wk, share)


def _bottom_share(vals: np.ndarray, wts: np.ndarray, share: float) -> float:
    """Mean of the first ``share`` of the (ordered, normalised) weights; a cell straddling
    the cut-off enters with its fraction inside."""
    before = np.cumsum(wts) - wts
    take = np.clip(share - before, 0.0, wts)
    return float(take @ vals) / share


def _scalar_type(t: np.ndarray) -> np.ndarray | None:
    """A one-dimensional type as a vector (the gaps are ordered by it), else None (vector
    types: the gaps are ordered by value)."""
    t = np.asarray(t, dtype=np.float64)
    if t.ndim == 1:
        return t
    return t[:, 0] if t.ndim == 2 and t.shape[1] == 1 else None


def _mean_gap(values, parts, weights, gap, q) -> float:
    """Employment-weighted mean over markets of each market's gap of ``values`` by decile
    of its firm types (markets without a finite gap are left out of the mean)."""
    g = np.array(
        [
            _gap(v, p.matches_by_firm(), gap, q, by=_scalar_type(p.model.y))
            for v, p in zip(values, parts, strict=True)
        ]
    )
    ok = np.isfinite(g) & (weights > 0)
    return float(np.average(g[ok], weights=weights[ok])) if ok.any() else float("nan")


def _gap(
    values: np.ndarray,
    weights: np.ndarray,
    gap: str,
    q: tuple[float, float],
    by: np.ndarray | None = None,
) -> float:
    if gap == "decile_means":
        return tail_gap(values, weights, q[0], by=by)
    if gap == "quantiles":
        lo, hi = weighted_quantile(values, weights, list(q), by=by)
        return float(hi - lo)
    raise ValueError(f"gap must be 'decile_means' or 'quantiles', got {gap!r}")


def wage_inequality(
    eq: Equilibrium,
    q: tuple[float, float] = (0.1, 0.9),
    gap: str = "decile_means",
    markets: str = "within",
) -> dict[str, float]:
    """The seed's counterfactual statistics of one equilibrium (see the module docstring).

    Parameters
    ----------
    eq : Equilibrium
        One market's, or a :class:`~skillshore.structural.economy.SegmentedEquilibrium`.
    q : (float, float)
        Bottom and top shares (``decile_means``: q[0] is the share of each tail).
    gap : {"decile_means", "quantiles"}
        Definition of the 10-90 gaps (module docstring).
    markets : {"within", "pooled"}
        The between-firm gaps E(wage|y)_10-90 and E(x|y)_10-90 of a segmented economy:
        ``"within"`` (default) each market's own gap, averaged with the markets'
        employment (the seed's statistic is that of one market, where a firm's wage
        follows from its type y alone); ``"pooled"`` one gap over all markets' firms by
        decile of y, which also counts differences between the markets' wage levels at
        the same y (e.g. from market-specific offshoring costs). One market: the same.
    """
    if markets not in ("within", "pooled"):
        raise ValueError(f"markets must be 'within' or 'pooled', got {markets!r}")
    emp_y, emp_x = eq.matches_by_firm(), eq.matches_by_worker()
    y, x = _scalar_type(eq.model.y), _scalar_type(eq.model.x)
    parts = getattr(eq, "parts", None)
    if parts is not None and markets == "within":
        w = np.array([p.matched_domestic for p in parts])
        firm_gap = _mean_gap([p.wage_by_firm() for p in parts], parts, w, gap, q)
        skill_gap = _mean_gap([p.mean_matched_quality_by_firm(0) for p in parts], parts, w, gap, q)
    else:
        firm_gap = _gap(eq.wage_by_firm(), emp_y, gap, q, by=y)
        skill_gap = _gap(eq.mean_matched_quality_by_firm(0), emp_y, gap, q, by=y)
    return {
        "mean_wage": float(eq.mean_wage),
        "sd_wage": float(eq.sd_wage),
        "firm_gap": firm_gap,
        "worker_gap": _gap(eq.wage_by_worker(), emp_x, gap, q, by=x),
        "skill_gap": skill_gap,
        "unemployment_rate": float(eq.unemployment_rate),
        "offshoring_rate": float(eq.offshoring_rate) if eq.model.has_foreign else 0.0,
    }


@dataclass(frozen=True)
class Scenario:
    """A named change of primitives: ``(parameter, op, value)`` with op in set/add/scale.

    ``c_F`` is a pseudo-parameter: setting it sets C* = C - value.
    """

    name: str
    label: str
    changes: tuple[tuple[str, str, float], ...] = ()


def seed_scenarios(phi_up: float = SEED_PHI_UP, nu_up: float = SEED_NU_UP) -> list[Scenario]:
    """The seed's six counterfactuals (sizes configurable: ``[counterfactuals]``).

    The defaults are the sizes implied by the seed's table (docs/model.md): Phi up is
    Phi x (1 + phi_up) with phi_up = 1.267 fitted (x2 leaves the Phi column's firm gap
    23% low), nu up is +1.
    """
    return [
        Scenario("baseline", "Baseline"),
        Scenario("c_F_zero", "c_F = 0", (("c_F", "set", 0.0),)),
        Scenario("phi_up", "Φ ↑", (("Phi", "scale", 1.0 + phi_up),)),
        Scenario("nu_x_up", "νx ↑", (("nu_x", "add", nu_up),)),
        Scenario("nu_y_up", "νy ↑", (("nu_y", "add", nu_up),)),
        Scenario("nu_x_star_up", "νx* ↑", (("nu_x_star", "add", nu_up),)),
        Scenario("nu_y_star_up", "νy* ↑", (("nu_y_star", "add", nu_up),)),
    ]


def apply_scenario(model: Economy, scenario: Scenario) -> Economy:
    """The economy with the scenario's changes (C* follows C when c_F is not set); a
    :class:`~skillshore.structural.economy.MarketEconomy` changes every market alike."""
    if isinstance(model, MarketEconomy):
        return model.map(lambda m: apply_scenario(m, scenario))
    ch: dict = {}
    for par, op, val in scenario.changes:
        if par == "c_F":
            cur = model.c_F
        else:
            cur = ch.get(par, getattr(model, par))
        new = {"set": lambda c, v: v, "add": lambda c, v: c + v, "scale": lambda c, v: c * v}[op](
            cur, val
        )
        if par == "c_F":
            ch["C_star"] = ch.get("C", model.C) - new
        else:
            ch[par] = new
    return model.replace(**ch) if ch else model


@dataclass(frozen=True, eq=False)
class CounterfactualTable(TableMixin):
    """Statistics of each scenario (seed slide "Counterfactuals: Wage Inequality")."""

    scenarios: tuple[Scenario, ...]
    stats: pd.DataFrame
    equilibria: dict[str, Equilibrium] = field(repr=False)
    baseline_label: str = "Baseline"
    title: str = "Counterfactuals: wage inequality"
    draws: np.ndarray | None = field(default=None, repr=False)
    n_boot: int = 0
    level: float = 0.95

    def to_frame(self) -> pd.DataFrame:
        df = self.stats.copy()
        df.index = [STATISTICS[k] for k in df.index]
        df.columns = [
            self.baseline_label if s.name == "baseline" else s.label for s in self.scenarios
        ]
        return df

    def change(self) -> pd.DataFrame:
        """Each scenario minus the baseline."""
        return self.stats.sub(self.stats["baseline"], axis=0).drop(columns="baseline")

    def conf_int(self, level: float | None = None) -> pd.DataFrame:
        """Percentile intervals of each change (``draws``: the changes on bootstrap
        draws of the parameters, :func:`~skillshore.structural.cf_bootstrap.with_intervals`);
        rows (statistic, scenario), columns lower, upper; NaN without draws."""
        ch = self.change()
        return _draw_intervals(ch, self.draws, self.level if level is None else level)

    def change_table(self) -> pd.DataFrame:
        """Changes from the baseline as "change (lower, upper)" strings."""
        labels = {s.name: s.label for s in self.scenarios}
        return _formatted(self.change(), self.conf_int(), labels)


def _solve(model: Economy, tol: float, init=None) -> Equilibrium | SegmentedEquilibrium:
    if isinstance(model, MarketEconomy):
        return model.solve(tol=tol, init=init)
    return solve(model, tol=tol, init=init)


def counterfactuals(
    model: Economy,
    scenarios: list[Scenario] | None = None,
    *,
    phi_up: float = SEED_PHI_UP,
    nu_up: float = SEED_NU_UP,
    tol: float = 1e-10,
    baseline_label: str = "Baseline",
    gap: str = "decile_means",
    markets: str = "within",
    init: CounterfactualTable | None = None,
) -> CounterfactualTable:
    """Solve the baseline and each scenario (warm-started) and tabulate the statistics
    (``gap``, ``markets``: definition of the 10-90 gaps, see :func:`wage_inequality`). ``model`` is
    one economy or a :class:`~skillshore.structural.economy.MarketEconomy`, whose markets
    are solved one by one and pooled with the data's weights (their masses). ``init``:
    a table of the same scenarios on economies of the same shapes (e.g. the point
    estimate's, for a bootstrap draw) whose equilibria start each scenario's solve."""
    scenarios = scenarios or seed_scenarios(phi_up, nu_up)
    if scenarios[0].name != "baseline":
        scenarios = [Scenario("baseline", "Baseline"), *scenarios]
    eqs: dict[str, Equilibrium] = {}
    base = None
    for sc in scenarios:
        start = base if init is None else init.equilibria.get(sc.name, base)
        eq = _solve(apply_scenario(model, sc), tol, start)
        if base is None:
            base = eq
        eqs[sc.name] = eq
    stats = pd.DataFrame({k: wage_inequality(e, gap=gap, markets=markets) for k, e in eqs.items()})
    return CounterfactualTable(tuple(scenarios), stats, eqs, baseline_label)


def _rank_positions(masses: np.ndarray) -> np.ndarray:
    w = np.asarray(masses, dtype=np.float64)
    return (np.cumsum(w) - 0.5 * w) / w.sum()


def _to_support(
    values: np.ndarray, src: MatchingModel, dst: MatchingModel, side: str
) -> np.ndarray | float:
    """A per-type array of ``src`` re-expressed on ``dst``'s support of ``side`` ("x"/"y").

    Constant arrays stay constant. On scalar supports the values are carried over by rank
    (interpolated at the destination types' mid-CDF positions of their own masses); on
    vector supports, by their mass-weighted mean (a documented simplification).
    """
    v = np.asarray(values, dtype=np.float64)
    if np.ptp(v) == 0:
        return float(v[0])
    ws, wd = (src.fbar, dst.fbar) if side == "x" else (src.gbar, dst.gbar)
    types = src.x if side == "x" else src.y
    if types.shape[1] == 1 and (dst.x if side == "x" else dst.y).shape[1] == 1:
        order = np.argsort(types[:, 0], kind="stable")
        pos = _rank_positions(ws[order])
        dst_types = (dst.x if side == "x" else dst.y)[:, 0]
        d_order = np.argsort(dst_types, kind="stable")
        out = np.empty(len(wd))
        out[d_order] = np.interp(_rank_positions(wd[d_order]), pos, v[order])
        return out
    return float(ws @ v / ws.sum())


def _foreign_pool_on(src: MatchingModel, home: MatchingModel) -> np.ndarray:
    """src's foreign pool on home's worker support: its ratio to the domestic masses
    carried by :func:`_to_support`, rescaled so that |fbar*|/|fbar| is src's (the pool
    relative to the domestic workforce, so a market of one year carries the other's
    pool per worker)."""
    ratio = _to_support(src.fbar_star / src.fbar, src, home, "x")
    val = np.asarray(ratio * home.fbar, dtype=np.float64)
    total = val.sum()
    target = src.fbar_star.sum() / src.fbar.sum() * home.fbar.sum()
    return val * (target / total) if total > 0 else val


def _same_support(a: MatchingModel, b: MatchingModel) -> bool:
    return (
        a.shape == b.shape
        and a.x.shape == b.x.shape
        and a.y.shape == b.y.shape
        and np.allclose(a.x, b.x)
        and np.allclose(a.y, b.y)
    )


def _hybrid(
    a: MatchingModel, b: MatchingModel, take: set[str], groups: dict[str, tuple[str, ...]]
) -> MatchingModel:
    """Economy a with the primitives of the groups in ``take`` from b (c_F kept as c_F).

    "types" moves the supports, masses and base measures together; per-type arrays of
    the other year (outside options, the foreign pool) are carried onto the support in
    use by :func:`_to_support`, the foreign pool as its ratio to the domestic masses
    with its own total.
    """
    source = {par: (b if g in take else a) for g, pars in groups.items() for par in pars}
    home = source.get("types", a)
    ch: dict = {k: getattr(home, k) for k in _TYPES}
    for par, src in source.items():
        if par in ("c_F", "types"):
            continue
        val = getattr(src, par)
        if par in ("w0", "w0_star", "r0") and src is not home and not _same_support(src, home):
            val = _to_support(val, src, home, "y" if par == "r0" else "x")
        if par == "fbar_star" and val is not None and not _same_support(src, home):
            val = _foreign_pool_on(src, home)
        ch[par] = val
    c_src = source.get("c_F", a)
    ch["C_star"] = ch.get("C", a.C) - c_src.c_F
    if not _same_support(a, home):  # primitives of a not in any group, on b's support
        for par in ("w0", "w0_star", "r0"):
            if par not in source:
                ch[par] = _to_support(getattr(a, par), a, home, "y" if par == "r0" else "x")
        if "fbar_star" not in source and a.fbar_star is not None:
            ch["fbar_star"] = _foreign_pool_on(a, home)
    return a.replace(**ch)


def _draw_intervals(point: pd.DataFrame, draws: np.ndarray | None, level: float) -> pd.DataFrame:
    idx = pd.MultiIndex.from_product([point.index, point.columns], names=["statistic", "column"])
    if draws is None or len(draws) == 0:
        return pd.DataFrame(np.nan, index=idx, columns=["lower", "upper"])
    a = (1 - level) / 2
    lo, hi = np.nanquantile(draws, [a, 1 - a], axis=0)
    return pd.DataFrame({"lower": lo.ravel(), "upper": hi.ravel()}, index=idx)


def _formatted(point: pd.DataFrame, ci: pd.DataFrame, labels: dict) -> pd.DataFrame:
    from skillshore._results import fmt_num

    out = {}
    for col in point.columns:
        cells = {}
        for stat in point.index:
            lo, hi = ci.loc[(stat, col)]
            cell = fmt_num(point.loc[stat, col], 4)
            if np.isfinite(lo):
                cell += f" ({fmt_num(lo, 4)}, {fmt_num(hi, 4)})"
            cells[STATISTICS[stat]] = cell
        out[labels.get(col, col)] = cells
    return pd.DataFrame(out)


def _hybrid_markets(
    a: MarketEconomy, b: MarketEconomy, take: set[str], groups: dict[str, tuple[str, ...]]
) -> MarketEconomy:
    """:func:`_hybrid` market by market: the markets (supports and masses) of the economy
    whose "types" are in use; each market takes the other economy's parameters from its
    market of the same label, or from its reference market (c_F at z = 0) when it lacks it."""
    b_types = any("types" in groups[g] for g in take)
    home, other = (b, a) if b_types else (a, b)
    models = []
    for lab, h in zip(home.labels, home.models, strict=True):
        o = other.market(lab)
        o = other.reference() if o is None else o
        models.append(_hybrid(o, h, take, groups) if b_types else _hybrid(h, o, take, groups))
    return MarketEconomy(tuple(models), home.labels, home.c_F0)


@dataclass(frozen=True, eq=False)
class Decomposition(TableMixin):
    """Shapley decomposition of the change between two economies by groups of primitives.

    ``stats`` has one row per statistic (:data:`STATISTICS`) and the columns: the two
    economies, ``change`` (end minus start) and one column per group; the group columns
    add up to ``change`` exactly (Shapley efficiency).
    """

    stats: pd.DataFrame
    labels: tuple[str, str]
    groups: tuple[str, ...] = ("globalization", "structural")
    title: str = "Decomposition of the change: globalization vs structural change"
    draws: np.ndarray | None = field(default=None, repr=False)
    n_boot: int = 0
    level: float = 0.95
    equilibria: dict = field(default_factory=dict, repr=False)

    @property
    def parts(self) -> pd.DataFrame:
        """The change and its group contributions (the columns the intervals refer to)."""
        return self.stats[["change", *self.groups]]

    def conf_int(self, level: float | None = None) -> pd.DataFrame:
        """Percentile intervals of the change and of each group's part over bootstrap
        draws (:func:`~skillshore.structural.cf_bootstrap.with_intervals`); rows
        (statistic, column); NaN without draws."""
        return _draw_intervals(self.parts, self.draws, self.level if level is None else level)

    def interval_table(self) -> pd.DataFrame:
        """The change and the parts as "value (lower, upper)" strings."""
        return _formatted(self.parts, self.conf_int(), {})

    def to_frame(self) -> pd.DataFrame:
        df = self.stats.copy()
        df.index = [STATISTICS[k] for k in df.index]
        return df

    def to_dict(self) -> dict[str, dict[str, float]]:
        """{statistic: {column: value}} with plain floats (for results.json)."""
        return {k: {c: float(v) for c, v in row.items()} for k, row in self.stats.iterrows()}


def decompose_change(
    start: Economy,
    end: Economy,
    labels: tuple[str, str] = ("1996", "2006"),
    tol: float = 1e-10,
    groups: dict[str, tuple[str, ...]] | None = None,
    gap: str = "decile_means",
    markets: str = "within",
    init: Decomposition | None = None,
) -> Decomposition:
    """Shapley values of globalization and structural change in the change start -> end.

    Parameters
    ----------
    start, end : MatchingModel or MarketEconomy
        The two economies (e.g. the seed's 1996 and 2006). Their type supports may
        differ: the "types" pseudo-primitive (supports, masses, base measures) belongs
        to the structural group, and the other year's per-type arrays are carried onto
        the support in use (:func:`_hybrid`). Two market economies are combined market
        by market on the markets of the economy whose types are in use, each on its own
        support (:func:`_hybrid_markets`), and pooled with their masses.
    groups : dict, optional
        {group: primitives}; default :data:`GROUPS` (globalization: c_F, nu_x*, nu_y*,
        w0*, fbar*; structural: Phi, lambda, nu_x, nu_y, C, w0, r0, types). Every
        primitive that differs between the two economies must belong to a group.
    gap, markets : str
        Definition of the 10-90 gaps (:func:`wage_inequality`).
    init : Decomposition, optional
        A decomposition of economies of the same shapes (e.g. the point estimate's, for
        a bootstrap draw) whose equilibria start the solves.

    Each group's contribution is its marginal effect averaged over the orders of
    switching groups from ``start`` to ``end``; the contributions add up to the total
    change.
    """
    groups = dict(groups or GROUPS)
    names = list(groups)
    val: dict[frozenset, pd.Series] = {}
    eqs: dict[frozenset, object] = {}
    prev = None
    for r in range(len(names) + 1):
        for sub in itertools.combinations(names, r):
            if isinstance(start, MarketEconomy) != isinstance(end, MarketEconomy):
                raise TypeError("decompose_change: two MatchingModels or two MarketEconomies")
            if isinstance(start, MarketEconomy):
                hint = None if init is None else init.equilibria.get(frozenset(sub))
                eq = _solve(_hybrid_markets(start, end, set(sub), groups), tol, hint)
            else:
                model = _hybrid(start, end, set(sub), groups)
                same = prev is not None and _same_support(prev.model, model)
                eq = solve(model, tol=tol, init=prev if same else None)
            prev = eqs[frozenset(sub)] = eq
            val[frozenset(sub)] = pd.Series(wage_inequality(eq, gap=gap, markets=markets))
    n = len(names)
    contrib = {}
    for g in names:
        tot = 0.0
        others = [h for h in names if h != g]
        for r in range(n):
            for sub in itertools.combinations(others, r):
                S = frozenset(sub)
                wgt = math.factorial(r) * math.factorial(n - r - 1) / math.factorial(n)
                tot = tot + wgt * (val[S | {g}] - val[S])
        contrib[g] = tot
    df = pd.DataFrame(
        {
            labels[0]: val[frozenset()],
            labels[1]: val[frozenset(names)],
            "change": val[frozenset(names)] - val[frozenset()],
            **contrib,
        }
    )
    return Decomposition(df, labels, tuple(names), equilibria=eqs)
