"""Workers of the synthetic economy: hiring from the equilibrium matches, careers and wages.

Each study year, for every active firm j and occupation group g:

1. **Target.** The firm's number of workers is the stochastic rounding of its expected
   domestic matches M_kg pi_j; their skill cells are Multinomial(n_jg, p_j), with p_j the
   equilibrium's conditional distribution pi(x | y_j). In high-offshorable occupations
   the firm-year confounder e_jt tilts it linearly,
   p_j(x) (1 - gamma e~ (x - E_pj x) / sd(x)), e~ = e clipped to [-2.5, 2.5]
   (mean-preserving over firms: the expected cell counts stay the model's).
2. **Continuing workers.** Last year's workers of the firm in cell c stay with probability
   ``stay_prob`` (in high-offshorable occupations shifted by cell and year,
   ``stay_tilt_high``; not past age 66), up to the target of their cell.
3. **New matches.** The remaining slots of (g, c) are filled first by workers separated
   this year from any firm (each available with probability ``rehire_prob``, not past
   age 62; careers across firms), then by new persons whose education code is drawn
   uniformly among the group's codes in cell c.

A person's occupation (ISCO-08) is that of the education code's true O*NET occupation
(85%) or of another code of the same group (15%). Training: a new person holds a
training record with probability ``train_prob_initial``; with probability
``train_prob_later`` one is completed later (1-10 years after the first match).

Wages (DKK per hour): log w = log max(w(x, y), w0) + 0.04
(educ_years - 12) + 0.03 exper - 0.0006 exper^2 + 0.25 (cog - 1/2) + 0.05 (man - 1/2)
+ 0.3 (int - 1/2) + N(0, 0.15^2) (the seed's wage table, skills after training), with
w(x, y) the equilibrium's wage plus lambda_x log(p_final / p_cell) when the planted tilts
move the firm's cell distribution (``SynthSettings.consistent_wages``, off by default;
:func:`consistent_wages`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from skillshore.synth.params import N_CELLS, SynthSettings
from skillshore.tables.schemas import SCHEMAS

__all__ = [
    "CodeBook",
    "Workforce",
    "WAGE_COEF",
    "consistent_wages",
    "finish_workers",
    "nonemployed_rows",
    "tilt_to_mean",
    "worker_rows",
]

WAGE_COEF = {
    "educ_years": 0.04,
    "experience": 0.03,
    "experience2": -0.0006,
    "cognitive": 0.25,
    "manual": 0.05,
    "interpersonal": 0.3,
}
GROUPS = ("high", "low")


@dataclass(frozen=True)
class CodeBook:
    """Education codes by (group, cell) and their attributes (arrays by code index)."""

    group: np.ndarray  # 0 high, 1 low
    cell: np.ndarray
    isco: np.ndarray  # str
    educ_years: np.ndarray
    skills: np.ndarray  # (n, 3) cognitive, manual, interpersonal
    train_skills: np.ndarray  # (n_train, 3)

    def __post_init__(self) -> None:
        key = self.group * N_CELLS + self.cell
        order = np.argsort(key, kind="stable")
        counts = np.bincount(key, minlength=2 * N_CELLS)
        object.__setattr__(self, "_order", order)
        object.__setattr__(self, "_start", np.concatenate([[0], np.cumsum(counts)[:-1]]))
        object.__setattr__(self, "_count", counts)
        gorder = np.argsort(self.group, kind="stable")
        gcounts = np.bincount(self.group, minlength=2)
        object.__setattr__(self, "_gorder", gorder)
        object.__setattr__(self, "_gstart", np.array([0, gcounts[0]]))
        object.__setattr__(self, "_gcount", gcounts)

    def draw(self, rng: np.random.Generator, key: np.ndarray) -> np.ndarray:
        """A code uniformly among the codes of each (group, cell) key."""
        cnt = self._count[key]
        if np.any(cnt == 0):
            raise ValueError("a skill cell has no education code")
        return self._order[self._start[key] + (rng.random(len(key)) * cnt).astype(np.int64)]

    def draw_in_group(self, rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
        cnt = self._gcount[group]
        return self._gorder[self._gstart[group] + (rng.random(len(group)) * cnt).astype(np.int64)]


@dataclass
class Workforce:
    """Persons and last year's roster, advanced one year at a time by :meth:`step`."""

    codes: CodeBook
    settings: SynthSettings
    rng: np.random.Generator
    # person attributes (index = person_id - 1)
    code: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    birth: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    job_code: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    train: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    train_year: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # roster: person index, global firm index, group, cell
    roster: tuple = (np.zeros(0, np.int64),) * 4

    def _new_persons(self, key: np.ndarray, year: int) -> np.ndarray:
        rng, s = self.rng, self.settings
        n = len(key)
        code = self.codes.draw(rng, key)
        group = key // N_CELLS
        other = self.codes.draw_in_group(rng, group)
        job = np.where(rng.random(n) < 0.85, code, other)
        age = rng.integers(19, 60, n)
        n_train = len(self.codes.train_skills)
        has0 = rng.random(n) < s.train_prob_initial
        later = rng.random(n) < s.train_prob_later
        tyear = np.where(
            has0, year - 1, np.where(later, year + rng.integers(1, 11, n), 10_000)
        ).astype(np.int64)
        train = np.where(tyear < 10_000, rng.integers(0, max(n_train, 1), n), -1)
        first = len(self.code)
        self.code = np.concatenate([self.code, code])
        self.birth = np.concatenate([self.birth, year - age])
        self.job_code = np.concatenate([self.job_code, job])
        self.train = np.concatenate([self.train, train])
        self.train_year = np.concatenate([self.train_year, tyear])
        return np.arange(first, first + n, dtype=np.int64)

    def step(
        self,
        year: int,
        firm_global: np.ndarray,
        counts: dict[str, np.ndarray],
        stay_shift: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Advance to ``year``: ``counts[g]`` (F, N_CELLS) are the target cell counts of the
        active firms ``firm_global`` (global indices); ``stay_shift`` (2 N_CELLS,), optional:
        added to ``stay_prob`` by group x cell. Returns the new roster (person index, global firm
        index, group, cell)."""
        rng, s = self.rng, self.settings
        F = len(firm_global)
        T = np.stack([counts["high"], counts["low"]], axis=1).reshape(-1)  # (F*2*N_CELLS,)
        local = np.full(int(max(firm_global.max(initial=0), self.roster[1].max(initial=0))) + 1, -1)
        local[firm_global] = np.arange(F)
        pid, fglob, grp, cell = self.roster
        loc = local[fglob] if len(fglob) else fglob
        key = (loc * 2 + grp) * N_CELLS + cell
        u = rng.random(len(pid))
        age = year - self.birth[pid]
        stay = s.stay_prob if stay_shift is None else s.stay_prob + stay_shift[grp * N_CELLS + cell]
        surv = (loc >= 0) & (u < stay) & (age <= 66)
        # rank survivors within their (firm, group, cell) by u; keep up to the target
        sidx = np.flatnonzero(surv)
        order = sidx[np.lexsort((u[sidx], key[sidx]))]
        ks = key[order]
        first = np.r_[0, np.flatnonzero(np.diff(ks)) + 1]
        rank = np.arange(len(ks)) - np.repeat(first, np.diff(np.r_[first, len(ks)]))
        keep = order[rank < T[ks]]
        kept_n = np.bincount(key[keep], minlength=len(T))
        need = T - kept_n
        slot_key = np.repeat(np.arange(len(T)), need)
        slot_gc = slot_key % (2 * N_CELLS)  # group * N_CELLS + cell
        slot_firm = slot_key // (2 * N_CELLS)
        # separated workers available for new matches
        kept_mask = np.zeros(len(pid), bool)
        kept_mask[keep] = True
        pool = np.flatnonzero(~kept_mask & (age <= 62) & (rng.random(len(pid)) < s.rehire_prob))
        pool_gc = grp[pool] * N_CELLS + cell[pool]
        pool = pool[np.lexsort((rng.random(len(pool)), pool_gc))]
        pool_gc = grp[pool] * N_CELLS + cell[pool]
        pcount = np.bincount(pool_gc, minlength=2 * N_CELLS)
        pstart = np.r_[0, np.cumsum(pcount)[:-1]]
        sorder = np.lexsort((rng.random(len(slot_gc)), slot_gc))
        sg = slot_gc[sorder]
        sfirst = np.r_[0, np.flatnonzero(np.diff(sg)) + 1] if len(sg) else np.zeros(0, np.int64)
        srank = np.arange(len(sg)) - np.repeat(sfirst, np.diff(np.r_[sfirst, len(sg)]))
        filled = srank < pcount[sg]
        person = np.empty(len(sg), np.int64)
        person[filled] = pid[pool[pstart[sg[filled]] + srank[filled]]]
        person[~filled] = self._new_persons(sg[~filled], year)
        new_firm = firm_global[slot_firm[sorder]]
        out_pid = np.concatenate([pid[keep], person])
        out_firm = np.concatenate([fglob[keep], new_firm])
        out_grp = np.concatenate([grp[keep], sg // N_CELLS])
        out_cell = np.concatenate([cell[keep], sg % N_CELLS])
        self.roster = (out_pid, out_firm, out_grp, out_cell)
        return self.roster


def tilt_to_mean(p: np.ndarray, x: np.ndarray, target: np.ndarray, n_iter: int = 50) -> np.ndarray:
    """Exponential tilt of each row of ``p`` (F, C) over cell values ``x`` (C,) so that its
    mean is ``target`` (F,): p'_c proportional to p_c exp(theta x_c), theta by Newton's
    method (the mean is increasing in theta with derivative the tilted variance).

    The planted effect (docs/synth.md, "The planted effect"): a firm's cell distribution
    in high-offshorable occupations is the equilibrium's, tilted so that its mean skill
    rises by beta x offshoring. Targets outside (min x, max x) raise ``ValueError``.
    """
    x = np.asarray(x, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    if np.any(target <= x.min()) or np.any(target >= x.max()):
        raise ValueError("a planted mean skill lies outside the skill cells' range")
    theta = np.zeros(len(p))
    xc = x - x.mean()
    for _ in range(n_iter):
        w = p * np.exp(theta[:, None] * xc[None, :])
        w /= w.sum(axis=1, keepdims=True)
        m = w @ x
        v = w @ (x * x) - m * m
        step = (m - target) / np.maximum(v, 1e-12)
        theta -= step
        if np.max(np.abs(m - target), initial=0.0) < 1e-13:
            break
    w = p * np.exp(theta[:, None] * xc[None, :])
    return w / w.sum(axis=1, keepdims=True)


def consistent_wages(
    wages: np.ndarray, p_cell: np.ndarray, p_final: np.ndarray, lambda_x: float
) -> np.ndarray:
    """Equilibrium wages (F, C) made consistent with the planted matches (F, C):
    w'(x_c, y_j) = w(x_c, y_j) + lambda_x log(p_final[j, c] / p_cell[j, c]).

    The worker side of the logit model (seed eq. 5; docs/model.md, "From the seed's choice
    problems to the equilibrium equations") holds for any matching that workers accept:
    w = w0 + lambda_x (log(pi(x, y) / f0(x)) - nu_x). The planted tilts move firm j's cell
    distribution from the equilibrium's pi(x | y_j) (``p_cell``) to ``p_final`` at an
    unchanged firm total, so log(pi' / f0) - log(pi / f0) = log(p_final / p_cell), and the
    wage that makes the drawn matches an equilibrium of the workers' choices moves by
    lambda_x times that (a firm-specific surplus shifter on the firm side). A cell with
    ``p_final`` or ``p_cell`` zero is never drawn: its wage is left unchanged.
    """
    wages = np.asarray(wages, dtype=np.float64)
    p_cell = np.asarray(p_cell, dtype=np.float64)
    p_final = np.asarray(p_final, dtype=np.float64)
    if not (wages.shape == p_cell.shape == p_final.shape):
        raise ValueError(
            f"wages {wages.shape}, p_cell {p_cell.shape} and p_final {p_final.shape} differ"
        )
    ok = (p_cell > 0) & (p_final > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(ok, np.log(np.where(ok, p_final, 1.0) / np.where(ok, p_cell, 1.0)), 0.0)
    return wages + lambda_x * shift


def worker_rows(
    t, pid, fglob, grp, cell, local, wages, wf: Workforce, book: CodeBook, firms, p, rng
):
    """Worker-year rows of year ``t`` (the ``workers`` schema before the codes are named):
    skills after training, experience, and the wage equation of the module docstring;
    ``wages[g]`` (F, N_CELLS) are the firm-cell wages w(x, y) of group g (the equilibrium's,
    or :func:`consistent_wages`)."""
    code = wf.code[pid]
    trained = (wf.train[pid] >= 0) & (wf.train_year[pid] <= t)
    skills = book.skills[code]
    if len(book.train_skills):
        tsk = book.train_skills[np.maximum(wf.train[pid], 0)]
        skills = np.where(trained[:, None], np.maximum(skills, tsk), skills)
    ey = book.educ_years[code]
    age = t - wf.birth[pid]
    exper = np.maximum(0.0, age - ey - 6.0)
    li = local[fglob]
    w_eq = np.where(grp == 0, wages["high"][li, cell], wages["low"][li, cell])
    lw = (
        np.log(np.maximum(w_eq, p["w0"]))
        + WAGE_COEF["educ_years"] * (ey - 12)
        + WAGE_COEF["experience"] * exper
        + WAGE_COEF["experience2"] * exper**2
        + (skills - 0.5)
        @ np.array([WAGE_COEF[k] for k in ("cognitive", "manual", "interpersonal")])
        + rng.normal(0.0, 0.15, len(pid))
    )
    return pl.DataFrame(
        {
            "person_id": pid + 1,
            "year": np.full(len(pid), t, np.int32),
            "firm_id": firms.firm_id[fglob],
            "isco": book.isco[wf.job_code[pid]],
            "educ_idx": code,
            "train_idx": np.where(trained, wf.train[pid], -1),
            "educ_years": ey.astype(np.float64),
            "experience": exper.astype(np.float64),
            "hourly_wage": np.exp(lw),
            "hours": np.clip(rng.normal(1600.0, 150.0, len(pid)), 400.0, 2200.0),
            "age": age.astype(np.int32),
            "region": firms.region[fglob],
        }
    )


def nonemployed_rows(
    parts: list[tuple[int, np.ndarray]],
    book: CodeBook,
    educ_codes: np.ndarray,
    first_id: int,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """The ``nonemployed`` table (schema ``OPTIONAL_SCHEMAS["nonemployed"]``): for each
    study year ``t`` and high-offshorable skill cell in ``parts`` (year, cell per person),
    a person with an education code drawn uniformly in the cell (as new workers are),
    age 19-59, status "unemployed"; ids from ``first_id`` on (after the workers').
    These are the unemployed of the equilibria, f0(x) (seed, "Identification"), drawn by
    stochastic rounding of M f0(x_c) summed over the year's markets."""
    from skillshore.tables.schemas import OPTIONAL_SCHEMAS

    year = np.concatenate([np.full(len(c), t, np.int32) for t, c in parts] or [np.zeros(0)])
    cell = np.concatenate([c for _, c in parts] or [np.zeros(0, np.int64)]).astype(np.int64)
    code = book.draw(rng, cell) if len(cell) else np.zeros(0, np.int64)  # group 0: high
    n = len(cell)
    schema = OPTIONAL_SCHEMAS["nonemployed"].polars_schema
    return pl.DataFrame(
        {
            "person_id": np.arange(first_id, first_id + n, dtype=np.int64),
            "year": year.astype(np.int32),
            "educ_code": educ_codes[code].astype(object),
            "train_code": np.full(n, None, dtype=object),
            "educ_years": book.educ_years[code].astype(np.float64),
            "isced": np.full(n, None, dtype=object),
            "age": rng.integers(19, 60, n).astype(np.int32),
            "status": np.full(n, "unemployed", dtype=object),
        },
        schema=schema,
    )


def finish_workers(
    df: pl.DataFrame, educ_codes: np.ndarray, train_codes: np.ndarray
) -> pl.DataFrame:
    """All years' rows with education and training codes named, in the ``workers`` schema."""
    tc = pl.Series(np.append(train_codes, None).astype(object), dtype=pl.Utf8)
    idx = df["train_idx"].to_numpy()
    idx = np.where(idx < 0, len(train_codes), idx)
    return (
        df.with_columns(
            educ_code=pl.Series(educ_codes.astype(object), dtype=pl.Utf8)[
                df["educ_idx"].to_numpy()
            ],
            train_code=tc[idx],
        )
        .select(list(SCHEMAS["workers"].polars_schema))
        .cast(SCHEMAS["workers"].polars_schema)
        .sort(["person_id", "year"])
    )
