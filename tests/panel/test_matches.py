"""Continuing workers vs new matches, invariant skills and firm-group means."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from skillshore.errors import DataValidationError
from skillshore.panel import firm_group_means, invariant_skills, match_status


def _w() -> pl.DataFrame:
    rows = [
        (1, 1996, 10),
        (1, 1997, 10),
        (1, 1998, 10),  # stayer
        (2, 1996, 10),
        (2, 1997, 20),
        (2, 1998, 10),  # moves and comes back
        (3, 1996, 10),
        (3, 1998, 10),  # a gap year
        (4, 1997, 20),
        (4, 1998, 20),  # enters in 1997
    ]
    return pl.DataFrame(
        rows, schema={"person_id": pl.Int64, "year": pl.Int32, "firm_id": pl.Int64}, orient="row"
    )


def _status(df: pl.DataFrame) -> dict:
    return {(r["person_id"], r["year"]): r["continuing"] for r in df.iter_rows(named=True)}


def test_previous_year_definition():
    s = _status(match_status(_w()))
    assert s == {
        (1, 1996): None,
        (1, 1997): True,
        (1, 1998): True,
        (2, 1996): None,
        (2, 1997): False,
        (2, 1998): False,
        (3, 1996): None,
        (3, 1998): False,
        (4, 1997): False,
        (4, 1998): True,
    }


def test_first_year_definition():
    s = _status(match_status(_w(), reference="first_year"))
    assert s == {
        (1, 1996): True,
        (1, 1997): True,
        (1, 1998): True,
        (2, 1996): True,
        (2, 1997): False,
        (2, 1998): False,
        (3, 1996): True,
        (3, 1998): False,
        (4, 1997): False,
        (4, 1998): False,
    }
    s97 = _status(match_status(_w(), reference="first_year", first_year=1997))
    assert s97[(1, 1996)] is None and s97[(4, 1998)] is True and s97[(2, 1998)] is False


def test_match_status_keeps_row_order_and_rejects_duplicates():
    w = _w().reverse()
    out = match_status(w)
    assert out.select("person_id", "year").equals(w.select("person_id", "year"))
    with pytest.raises(DataValidationError, match="more than one row"):
        match_status(pl.concat([_w(), _w().head(1)]))
    with pytest.raises(DataValidationError):
        match_status(_w(), reference="last_year")


def test_invariant_skills_first_observation_or_given_column():
    w = _w().with_columns(
        (pl.col("year") - 1990 + pl.col("person_id") * 100).cast(pl.Float64).alias("cognitive")
    )
    w = w.with_columns(
        pl.when((pl.col("person_id") == 4) & (pl.col("year") == 1997))
        .then(None)
        .otherwise(pl.col("cognitive"))
        .alias("cognitive")
    )
    out = invariant_skills(w, ["cognitive"])
    first = {1: 106.0, 2: 206.0, 3: 306.0, 4: 408.0}  # person 4: first non-null value
    for r in out.iter_rows(named=True):
        assert r["cognitive_invariant"] == first[r["person_id"]]
    given = w.with_columns(pl.lit(-1.0).alias("cognitive_invariant"))
    assert (invariant_skills(given, ["cognitive"])["cognitive_invariant"] == -1.0).all()


def test_firm_group_means_against_pandas():
    rng = np.random.default_rng(3)
    n = 400
    p = pl.DataFrame(
        {
            "firm_id": rng.integers(0, 7, n),
            "year": rng.integers(2000, 2003, n).astype(np.int32),
            "occ_group": pl.Series(
                [["high", "low_high_skill", None][k] for k in rng.integers(0, 3, n)], dtype=pl.Utf8
            ),
            "continuing": pl.Series(
                [[True, False, None][k] for k in rng.integers(0, 3, n)], dtype=pl.Boolean
            ),
            "x": rng.normal(size=n),
        }
    )
    out = firm_group_means(p, ["x"])
    pdf = p.to_pandas()
    for r in out.sample(15, seed=1).iter_rows(named=True):
        sel = (pdf.firm_id == r["firm_id"]) & (pdf.year == r["year"])
        if r["occ_group"] != "all":
            sel &= pdf.occ_group == r["occ_group"]
        sub = pdf[sel]
        assert r["n_workers"] == len(sub)
        assert r["x"] == pytest.approx(sub.x.mean(), rel=1e-12)
        cont = sub[sub.continuing == True]  # noqa: E712
        new = sub[sub.continuing == False]  # noqa: E712
        assert r["n_workers_cont"] == len(cont) and r["n_workers_new"] == len(new)
        if len(cont):
            assert r["x_cont"] == pytest.approx(cont.x.mean(), rel=1e-12)
        else:
            assert r["x_cont"] is None
    # group "all" has every worker, including those without an occupation group
    assert out.filter(pl.col("occ_group") == "all")["n_workers"].sum() == n


@pytest.mark.parametrize("reference", ["previous_year", "first_year"])
def test_match_status_against_a_python_spell_loop(reference):
    """Random careers (gaps, moves, returns), rows shuffled, extra columns carried along:
    spell starts and statuses equal a person-by-person loop over sorted years."""
    rng = np.random.default_rng(3)
    rows = []
    for person in range(300):
        years = np.sort(rng.choice(np.arange(1990, 2000), rng.integers(1, 10), replace=False))
        firm = rng.integers(0, 4)
        for y in years:
            if rng.random() < 0.25:
                firm = rng.integers(0, 4)
            rows.append((person, int(y), int(firm)))
    w = pl.DataFrame(
        rows, schema={"person_id": pl.Int64, "year": pl.Int32, "firm_id": pl.Int64}, orient="row"
    )
    w = w.with_columns(wage=pl.Series(rng.normal(size=w.height))).sample(
        fraction=1.0, shuffle=True, seed=1
    )
    first_year = 1993 if reference == "first_year" else None
    out = match_status(w, reference=reference, first_year=first_year)
    assert out.drop("spell_start", "continuing").equals(w)
    y0 = min(r[1] for r in rows)
    ref = first_year if first_year is not None else y0
    want = {}
    by_person: dict[int, list] = {}
    for p, y, f in rows:
        by_person.setdefault(p, []).append((y, f))
    for p, career in by_person.items():
        start = None
        for k, (y, f) in enumerate(career):
            if k == 0 or f != career[k - 1][1] or y != career[k - 1][0] + 1:
                start = y
            if reference == "previous_year":
                status = None if y == y0 else start < y
            else:
                status = None if y < ref else start <= ref
            want[(p, y)] = (start, status)
    got = {
        (r["person_id"], r["year"]): (r["spell_start"], r["continuing"])
        for r in out.iter_rows(named=True)
    }
    assert got == want
