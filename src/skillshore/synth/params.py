"""Settings and structural parameters of the synthetic economy.

The matching parameters of year t are those of the model preset
:func:`skillshore.matching.seed_economy` for 1996 and 2006 (the seed's "Estimation Results"
and "Calibrated Parameters" on the preset's normalisation of types), linearly interpolated
between the two years (held at the end values outside): the scalar parameters, the total
foreign pool and offshoring rate of the preset's masses, and the preset's type supports and
base-measure volumes (a market's quantile positions in [0, 1] are mapped affinely onto the
preset's support, its cell volume is the preset's total volume over the number of cells), so a
refit preset flows into the synthetic economy. The calibration *targets* (unemployment rate,
offshoring rate, W/Y, E(w*)) are the seed's, :data:`skillshore.matching.SEED_CALIBRATION`. Two intensities are then *calibrated* so that the
synthetic economy's reference market reproduces the seed's calibration targets on our
normalisation of types (quantile grids in [0, 1], docs/model.md):

* a common shift ``d_nu`` of the domestic intensities (nu_x, nu_y) so that the
  unemployment rate |f0|/|fbar| equals the seed's calibrated rate of that year;
* a common shift ``d_nu_star`` of the foreign intensities (nu_x*, nu_y*) so that the
  offshoring rate |f*|/|f| equals the seed's calibrated rate of that year.

The reference market is the high-offshorable workers' skill grid (``N_CELLS`` uniform
cells) against a uniform grid of 30 firm types. Without the shifts the seed's estimates
put 28-40% of workers in unemployment on this normalisation (docs/model.md, "Units").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np
from scipy.optimize import brentq

from skillshore.errors import ConvergenceError, SkillshoreError
from skillshore.matching import SEED_CALIBRATION, MatchingModel, seed_economy, solve

__all__ = [
    "SCALES",
    "N_CELLS",
    "SynthSettings",
    "year_parameters",
    "calibrated_parameters",
    "market_model",
]

N_CELLS = 12
"""Skill cells per occupation group (quantiles of the cognitive index)."""

FIRM_MASSES = ("economy", "market")
"""The conventions of :class:`SynthSettings` ``firm_mass``."""

#: size of the economy: 6-digit industries per sector, firms per industry, catalog codes,
#: firm capacity multiplier (workers)
SCALES: dict[str, dict[str, float]] = {
    "tiny": {"industries_per_sector": 2, "firms_per_industry": 6, "codes": 240, "size": 14.0},
    "demo": {"industries_per_sector": 3, "firms_per_industry": 22, "codes": 800, "size": 22.0},
    "paper": {"industries_per_sector": 4, "firms_per_industry": 160, "codes": 2449, "size": 21.0},
}


@dataclass(frozen=True)
class SynthSettings:
    """Knobs of the data-generating process (every one is recorded in ``truth.json``).

    Parameters
    ----------
    kappa : float
        Strength of the shock: the offshoring cost of industry k falls by
        ``kappa * lambda_t`` per unit of the industry's proportional China export-supply
        growth since the first study year, I*_kt / I*_k,t0 - 1, above the cross-industry
        mean (so log offshoring moves about ``kappa`` x that relative growth).
    shock_cap : float
        Smooth bound on the demeaned growth, ``cap * tanh(dev / cap)`` (keeps the few
        boom industries' offshoring rates below about one half).
    gamma : float
        Confounder's tilt of hiring in high-offshorable occupations towards low skill.
    delta : float
        Confounder's effect on log offshoring purchases.
    rho_confounder : float
        AR(1) persistence of the firm-year confounder (unit variance).
    stay_prob : float
        Probability that an incumbent stays with the firm (if the firm's cell still
        has room).
    rehire_prob : float
        Probability that a separated worker is available for a new match that year.
    train_prob_initial, train_prob_later : float
        Share of new persons holding a training record / completing one later.
    lambda_x_share : float
        lambda_x / lambda (the seed does not report the split).
    china_share_lowwage : float
        Imports from the other low-wage countries relative to China's (own products).
    param_overrides : dict
        Structural parameters replaced in every year (e.g. ``{"Phi": 150.0}``).
    beta_low, beta_high : float
        **Planted causal effect** of offshoring on a firm's average cognitive skill x 100
        in high-offshorable occupations, per DKK 1,000 of narrow offshoring per worker, for
        firms below / at-or-above the median of value added per worker (``firm_type``) in the
        first study year (seed, IV "By Firm Productivity", columns (2) and (3): 0.2736 and
        -0.1732, s.e. 0.0623 and 0.1305). ``beta_high`` = 0.09 (1.9 s.e. above the seed's
        point) brings the all-firm effect near the seed's 0.1491 (column (1)): offshoring
        concentrates at high-productivity firms (seed eq. 10), so the all-firm IV weights
        them about 80% at paper scale; docs/synth.md.
    seg_sd_high, seg_sd_low : (float, float)
        Standard deviation of a persistent firm tilt of skill composition (cognitive index
        units), in the first and last study year (linear in between), in high- and
        low-offshorable occupations: the between-firm share of within-cell skill variance
        falls over time, more in high-offshorable occupations (seed, Fact 2). The firm's
        standard-normal draw is clipped to [-2.5, 2.5]. Default (0.03, 0) in high-offshorable
        occupations only (demo seed 0: the share falls from 3.3% to -0.8%; the seed says
        "especially in high-offshorable occupations"). A firm tilt independent of y looks
        like sorting to the structural estimator on true types (1996, at sd 0.035: lambda 61
        instead of 109); on measured types at 0.03 the 1996 lambda is 98.7 (truth 108.78);
        docs/synth.md.
    upgrade_high : float
        Common rise of the mean cognitive index of high-offshorable hires over the study
        period, quadratic in time (``upgrade_high`` x ((t - t0) / (t1 - t0))^2): the
        within-firm average rises and the new matches' contribution grows (seed, Fact 3).
        Absorbed by the IV's sector x year fixed effects. Off by default: at 0.06 the
        structural estimation with the generator's types diverges in 2006 (demo seed 0).
    stay_tilt_high : float
        Who turns over, not how many of each skill: in high-offshorable occupations an
        incumbent of skill cell c stays with probability ``stay_prob - stay_tilt_high`` x
        w_t x z_c, z_c = (c - (C - 1)/2) / ((C - 1)/2) in [-1, 1], w_t = (t - t0)/(t1 - t0).
        Over the years the more skilled incumbents leave more often and their slots are
        refilled by new matches of the same cell (the firm's cell counts stay the planted
        ones), so new matches are increasingly more skilled than continuing workers
        (seed, Fact 3: the contribution of new matches rises).
    firm_type : {"expected", "recorded"}
        The planted effect's firm type (``beta_low`` / ``beta_high``) by value added per
        worker in the first study year: its expectation (default) or the number the
        ``firms`` table records (expectation x that year's accounts noise, the number the
        estimator splits on, as the seed does). "recorded" removes the misclassification
        that attenuates the estimated low/high contrast (docs/synth.md, "Measured"); not the
        default yet because it moves the tiny economy's mean net / model wage ratio of
        tests/structural (1.044 against a tolerance of 0.02).
    firm_volume : {"capacity", "equal"}
        Base-measure volume of a firm type in its market: ``"capacity"`` (default) the
        preset's total y volume times the firm's share of the market's capacity, so every
        firm meets workers at the preset's density and a firm twice as large acts as two
        firms of its type (the measure on the firm side is jobs, not firms); ``"equal"``
        the total over the market's number of firms. With equal volumes, size differences
        move the firms' potentials and wages, and in the population truth c_F = 0 *raises*
        the between-firm 90-10 gap of E(wage | firm) (demo seed 0, 2006: 39.72 -> 39.90);
        with ``"capacity"`` it falls as in the seed (8.53 -> 1.83; seed 1.33 -> 1.01) and
        E(wage) goes 146.9 -> 132.3 (seed 147.42 -> 130.81). The structural estimator's
        matching base measure is ``base_measure="capacity"`` (``"uniform"`` for equal
        volumes); the generated ``study.toml`` selects it (``[structural] base_measure``).
    foreign_skill_tilt : float
        Skill profile of the foreign pool (the seed reports only its total, |fbar*| =
        0.6325): cell c's share of the pool is proportional to exp(tilt z_c), z_c the
        cell's standardised quantile position, so the pool relative to the domestic
        workforce, fbar*(x) / fbar(x), rises with x for tilt > 0 (0: the domestic profile).
        Seed eq. 10: foreign relative to domestic matches are more likely at high-y firms
        when a*(x) - a(x) falls in x, i.e. when unmatched foreign workers are relatively
        more abundant at high x; on the preset's narrow firm-type range the domestic
        profile leaves the c_F = 0 response of offshoring flat in y (docs/synth.md).
        Default 0: the structural estimator assumes the domestic profile (its population
        recovery test fails at tilt 1); at 1 the top cell's share is 24 times the bottom
        cell's.
    firm_mass : {"economy", "market"}
        Firm masses of a high-offshorable market, gbar = capacity share x (1 + o): the
        seed's calibration |gbar| = |fbar| (1 + |f*|/|f|) with o the economy's calibrated
        offshoring rate of the year (``"economy"``, default) or with o the market's own
        equilibrium offshoring rate (``"market"``, a fixed point): each industry's firms
        then have as many jobs as its domestic workers plus its own offshored workers.
        The choice decides which of the seed's pooled between-firm findings the
        industry-specific offshoring costs of the shock move (docs/synth.md, "Between
        markets").
    consistent_wages : bool
        Wages consistent with the planted matches (off by default). The planted tilts make firm
        j's cell distribution p_final(c | j) differ from the equilibrium's pi(x_c | y_j)
        (p_cell) at an unchanged firm total; in the model's own terms the deviation is a
        firm-specific surplus shifter, and the worker side of the logit model, w = w0 +
        lambda_x (log(pi / f0) - nu_x) (seed eq. 5; docs/model.md "From the seed's choice
        problems to the equilibrium equations"), then pays w + lambda_x log(p_final /
        p_cell) (lambda_x = lambda x ``lambda_x_share``, the year's markets' own value).
        ``False`` (default) pays the untilted equilibrium's w(x_c, y_j), for which the
        worker-side equation fails on the drawn matches. Off by default because it does not
        bring the structural estimator's lambda back on the generator's true types and moves
        Phi away (demo, 2006, 8 seeds: lambda 20.9 -> 22.8, Phi 74.8 -> 81.8 for 37.56 and
        75.55): the bias comes from the worker margins (docs/synth.md, "Consistent wages").
    nonemployed : bool
        Write the optional ``nonemployed`` table (and list it in ``study.toml``): the
        unemployed of the high-offshorable markets' equilibria, M f0(x_c) by stochastic
        rounding, each with an education code of the cell (the seed's f0(x), from the
        non-employed in the register). The structural stage then takes the worker types'
        population shares from the matched workers and these (``MarketSample.type_shares``)
        instead of equal shares, which the planted tilts violate (docs/synth.md,
        "Consistent wages"). Own random stream: the other tables are unchanged.
    """

    kappa: float = 1.0
    shock_cap: float = 2.5
    gamma: float = 0.1
    delta: float = 0.5
    rho_confounder: float = 0.5
    stay_prob: float = 0.82
    rehire_prob: float = 0.6
    train_prob_initial: float = 0.15
    train_prob_later: float = 0.2
    lambda_x_share: float = 0.5
    china_share_lowwage: float = 0.25
    param_overrides: dict = field(default_factory=dict)
    beta_low: float = 0.2736
    beta_high: float = 0.09
    seg_sd_high: tuple[float, float] = (0.03, 0.0)
    seg_sd_low: tuple[float, float] = (0.0, 0.0)
    upgrade_high: float = 0.0
    stay_tilt_high: float = 0.6
    firm_volume: str = "capacity"
    firm_type: str = "expected"
    foreign_skill_tilt: float = 0.0
    firm_mass: str = "economy"
    consistent_wages: bool = False
    nonemployed: bool = True

    def __post_init__(self) -> None:
        if self.firm_mass not in FIRM_MASSES:
            raise SkillshoreError(f"firm_mass must be one of {FIRM_MASSES}, got {self.firm_mass!r}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def model_only(cls, **changes) -> SynthSettings:
        """Settings whose draws follow the equilibrium alone: every planted deviation
        (``beta_*``, ``seg_sd_*``, ``upgrade_high``) off. For structural recovery checks,
        which compare the drawn matches with the model's pi."""
        return cls(
            **{
                "beta_low": 0.0,
                "beta_high": 0.0,
                "seg_sd_high": (0.0, 0.0),
                "seg_sd_low": (0.0, 0.0),
                "upgrade_high": 0.0,
                **changes,
            }
        )


def _support(v: np.ndarray, vol) -> tuple[float, float, float]:
    """(low, high, total volume) of a type grid with cell volumes ``vol``: a uniform grid
    of n points is taken to cover [v_0 - h, v_n + h], h half the spacing."""
    v = np.asarray(v, dtype=np.float64)
    if v.ndim == 2 and v.shape[1] == 1:
        v = v[:, 0]
    if v.ndim != 1:
        raise SkillshoreError(f"the synthetic economy needs one-dimensional types, got {v.shape}")
    total = float(np.sum(np.broadcast_to(np.asarray(vol, dtype=np.float64), v.shape)))
    h = (v.max() - v.min()) / (2 * (len(v) - 1)) if len(v) > 1 else 0.5
    return float(v.min() - h), float(v.max() + h), total


def _round(v: float) -> float:
    """12 significant digits: sums over the preset's grid are exact to that precision."""
    return float(f"{v:.12g}")


def _scalar(v, name: str) -> float:
    a = np.asarray(v, dtype=np.float64).ravel()
    if not np.all(a == a[0]):
        raise SkillshoreError(f"the synthetic economy needs a constant {name} in the preset")
    return float(a[0])


@lru_cache(maxsize=4)
def preset_values(year: int) -> dict[str, float]:
    """Scalar parameters, masses and type supports of ``seed_economy(year)``, plus the
    seed's calibration targets of that year (``SEED_CALIBRATION``)."""
    m = seed_economy(year)
    fbar = float(np.sum(m.fbar))
    x_lo, x_hi, x_vol = _support(m.x, m.dx)
    y_lo, y_hi, y_vol = _support(m.y, m.dy)
    out = {
        "Phi": _scalar(m.Phi, "Phi"),
        "lambda": float(m.lambda_x + m.lambda_y),
        "C": float(m.C),
        "C_star": float(m.C_star),
        "nu_x": float(m.nu_x),
        "nu_y": float(m.nu_y),
        "nu_x_star": float(m.nu_x_star),
        "nu_y_star": float(m.nu_y_star),
        "w0": _scalar(m.w0, "w0"),
        "r0": _scalar(m.r0, "r0"),
        "w0_star": _scalar(m.w0_star, "w0_star"),
        "fbar_star": _round(float(np.sum(m.fbar_star)) / fbar),
        "x_lo": _round(x_lo),
        "x_hi": _round(x_hi),
        "x_vol": _round(x_vol / fbar),
        "y_lo": _round(y_lo),
        "y_hi": _round(y_hi),
        "y_vol": _round(y_vol / fbar),
    }
    c = SEED_CALIBRATION[year]
    for k in ("E_w_star", "wage_bill_share", "unemployment_rate", "offshoring_rate", "fbar"):
        out[k] = float(c[k])
    return out


def year_parameters(year: int) -> dict[str, float]:
    """The preset's 1996 and 2006 values (:func:`preset_values`), linearly interpolated."""
    w = min(max((year - 1996) / 10.0, 0.0), 1.0)
    a, b = preset_values(1996), preset_values(2006)
    return {k: (1 - w) * a[k] + w * b[k] for k in a}


def market_model(
    p: dict[str, float],
    x: np.ndarray,
    y: np.ndarray,
    gbar: np.ndarray,
    c_F: float | None,
    lambda_x_share: float = 0.5,
    foreign: bool = True,
    firm_volume: str = "equal",
) -> MatchingModel:
    """The global-economy model of one market: uniform worker masses at the quantile
    positions ``x`` in [0, 1] (total 1), firms at positions ``y`` with masses ``gbar``, the
    foreign pool uniform with total mass |fbar*| (seed eqs. 4-10). Positions are mapped onto
    the preset's supports ``[x_lo, x_hi]``, ``[y_lo, y_hi]``; cell volumes are the preset's
    total volumes over the number of cells (:func:`preset_values`); with ``firm_volume =
    "capacity"`` a firm's volume is instead the preset's total times its share of the
    market's mass (:class:`SynthSettings`)."""
    if firm_volume not in ("equal", "capacity"):
        raise SkillshoreError(f"firm_volume must be 'equal' or 'capacity', got {firm_volume!r}")
    nx, ny = len(x), len(y)
    lam = p["lambda"]
    kw = dict(
        x=p["x_lo"] + (p["x_hi"] - p["x_lo"]) * np.asarray(x, dtype=np.float64),
        y=p["y_lo"] + (p["y_hi"] - p["y_lo"]) * np.asarray(y, dtype=np.float64),
        fbar=np.full(nx, 1.0 / nx),
        gbar=gbar,
        Phi=p["Phi"],
        C=p["C"],
        lambda_x=lam * lambda_x_share,
        lambda_y=lam * (1 - lambda_x_share),
        w0=p["w0"],
        r0=p["r0"],
        nu_x=p["nu_x"],
        nu_y=p["nu_y"],
        dx=p["x_vol"] / nx,
        dy=(
            p["y_vol"] / ny
            if firm_volume == "equal"
            else p["y_vol"] * np.asarray(gbar, dtype=np.float64) / np.sum(gbar)
        ),
    )
    if foreign:
        kw.update(
            fbar_star=foreign_pool(p["fbar_star"], x, p.get("foreign_skill_tilt", 0.0)),
            C_star=p["C"] - (p["C"] - p["C_star"] if c_F is None else c_F),
            w0_star=p["w0_star"],
            nu_x_star=p["nu_x_star"],
            nu_y_star=p["nu_y_star"],
        )
    return MatchingModel(**kw)


def foreign_pool(total: float, x: np.ndarray, tilt: float = 0.0) -> np.ndarray:
    """The foreign pool over the worker cells at quantile positions ``x``: masses
    proportional to exp(tilt z_c), z_c the standardised position, summing to ``total``
    (tilt 0: uniform, the domestic profile; :class:`SynthSettings` ``foreign_skill_tilt``)."""
    x = np.asarray(x, dtype=np.float64)
    sd = x.std()
    z = (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)
    w = np.exp(float(tilt) * z)
    return total * w / w.sum()


def _root(f, lo: float, hi: float, what: str) -> float:
    try:
        return float(brentq(f, lo, hi, xtol=1e-6))
    except ValueError as err:
        raise ConvergenceError(f"calibration of {what} found no root in [{lo}, {hi}]") from err


@lru_cache(maxsize=64)
def _calibrate(
    year: int,
    lambda_x_share: float,
    overrides: tuple[tuple[str, float], ...],
    foreign_skill_tilt: float = 0.0,
) -> tuple[float, float, int]:
    base = {**year_parameters(year), **dict(overrides), "foreign_skill_tilt": foreign_skill_tilt}
    grid = (np.arange(N_CELLS) + 0.5) / N_CELLS
    ny = 30
    yg = (np.arange(ny) + 0.5) / ny
    gbar = np.full(ny, (1 + base["offshoring_rate"]) / ny)
    n_solves = [0]

    def eq(dnu: float, dstar: float):
        p = dict(base)
        p["nu_x"] += dnu
        p["nu_y"] += dnu
        p["nu_x_star"] += dstar
        p["nu_y_star"] += dstar
        n_solves[0] += 1
        return solve(market_model(p, grid, yg, gbar, None, lambda_x_share), tol=1e-11)

    dnu, dstar = 0.0, 0.0
    for _ in range(3):
        ds0 = dstar
        dnu = _root(
            lambda d, ds0=ds0: eq(d, ds0).unemployment_rate - base["unemployment_rate"],
            -5.0,
            15.0,
            "d_nu",
        )
        dn0 = dnu
        dstar = _root(
            lambda s, dn0=dn0: np.log(eq(dn0, s).offshoring_rate / base["offshoring_rate"]),
            -15.0,
            25.0,
            "d_nu_star",
        )
    return dnu, dstar, n_solves[0]


def calibrated_parameters(year: int, settings: SynthSettings) -> dict[str, float]:
    """Year-t parameters with the calibrated intensity shifts (module docstring).

    Returns the interpolated seed values with ``nu_x, nu_y, nu_x_star, nu_y_star``
    shifted and the shifts themselves as ``d_nu`` and ``d_nu_star``.
    """
    bad = set(settings.param_overrides) - set(year_parameters(year))
    if bad:
        raise SkillshoreError(f"unknown parameter override(s) {sorted(bad)}")
    ov = tuple(sorted((k, float(v)) for k, v in settings.param_overrides.items()))
    tilt = float(settings.foreign_skill_tilt)
    dnu, dstar, n = _calibrate(int(year), float(settings.lambda_x_share), ov, tilt)
    p = {**year_parameters(year), **dict(ov), "foreign_skill_tilt": tilt}
    p["nu_x"] += dnu
    p["nu_y"] += dnu
    p["nu_x_star"] += dstar
    p["nu_y_star"] += dstar
    p["d_nu"] = dnu
    p["d_nu_star"] = dstar
    p["calibration_solves"] = n
    return p


def population_correction(
    p: dict[str, float], u_pop: float, o_pop: float, settings: SynthSettings
) -> dict[str, float]:
    """One Newton step from the reference-market calibration to the economy's own markets.

    The reference market (uniform firm types) and the economy's markets (capacity-weighted
    firms by industry) give different rates at the same intensities. Given the economy's
    population unemployment rate ``u_pop`` and high-offshorable offshoring rate ``o_pop``
    at ``p``, shift d_nu by (logit u_target - logit u_pop) / s_u and d_nu* by
    (log o_target - log o_pop) / s_o, with s_u, s_o the slopes of logit u and log o in the
    shifts on the reference market (central differences). Returns the corrected
    parameters with ``d_nu``, ``d_nu_star`` updated and ``population_step_nu``,
    ``population_step_nu_star`` recorded.
    """

    def logit(v: float) -> float:
        return float(np.log(v / (1 - v)))

    grid = (np.arange(N_CELLS) + 0.5) / N_CELLS
    yg = (np.arange(30) + 0.5) / 30
    gbar = np.full(30, (1 + p["offshoring_rate"]) / 30)

    def rates(dn: float, ds: float) -> tuple[float, float]:
        q = dict(p)
        q["nu_x"] += dn
        q["nu_y"] += dn
        q["nu_x_star"] += ds
        q["nu_y_star"] += ds
        eq = solve(market_model(q, grid, yg, gbar, None, settings.lambda_x_share), tol=1e-11)
        return logit(eq.unemployment_rate), float(np.log(eq.offshoring_rate))

    h = 0.05
    s_u = (rates(h, 0.0)[0] - rates(-h, 0.0)[0]) / (2 * h)
    s_o = (rates(0.0, h)[1] - rates(0.0, -h)[1]) / (2 * h)
    step_nu = (logit(p["unemployment_rate"]) - logit(u_pop)) / s_u
    step_star = (np.log(p["offshoring_rate"]) - np.log(o_pop)) / s_o
    out = dict(p)
    out["nu_x"] += step_nu
    out["nu_y"] += step_nu
    out["nu_x_star"] += step_star
    out["nu_y_star"] += step_star
    out["d_nu"] += step_nu
    out["d_nu_star"] += step_star
    out["population_step_nu"] = p.get("population_step_nu", 0.0) + float(step_nu)
    out["population_step_nu_star"] = p.get("population_step_nu_star", 0.0) + float(step_star)
    return out
