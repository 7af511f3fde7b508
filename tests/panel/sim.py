"""A small simulated economy in the raw-table schemas (plus skill columns), for tests."""

from __future__ import annotations

import numpy as np
import polars as pl


def simulate_economy(
    seed: int = 0,
    n_firms: int = 24,
    years: tuple[int, int] = (1996, 1999),
    base_years: tuple[int, int] = (1994, 1995),
    workers_per_firm: int = 12,
) -> dict[str, pl.DataFrame]:
    """Firms, workers (with cognitive/manual/interpersonal), customs and world trade.

    Firms 0..n-1 in three manufacturing industries and one non-manufacturing
    industry; a few firms miss a year or are small. Workers move between firms
    with probability 0.2 a year.
    """
    rng = np.random.default_rng(seed)
    all_years = list(range(base_years[0], years[1] + 1))
    industries = ["251100", "251200", "281100", "451100"]
    regions = ["Copenhagen", "Copenhagen environs", "Aarhus", "Odense"]
    firm_ind = [industries[i % 4] for i in range(n_firms)]
    firm_reg = [regions[(i // 2) % 4] for i in range(n_firms)]
    rows = []
    for j in range(n_firms):
        tfp = rng.normal()
        for t in all_years:
            if j == 1 and t == years[0] + 1:
                continue  # a gap: not continuous
            emp = int(rng.integers(12, 60)) if j != 2 else 8
            cap = float(np.exp(rng.normal(5, 0.5)))
            va = float(
                np.exp(1.0 + tfp + 0.3 * np.log(cap) + 0.7 * np.log(emp) + 0.1 * rng.normal())
            )
            rows.append(
                dict(
                    firm_id=j,
                    year=t,
                    industry=firm_ind[j],
                    sales=va * 2.5,
                    value_added=va,
                    capital=cap,
                    employment=emp,
                    region=firm_reg[j],
                )
            )
    firms = pl.DataFrame(rows, schema_overrides={"year": pl.Int32})

    iscos = ["7125", "8332", "2643", "1111", "4110", "5120", "9329", "3113"]
    educs = [9.0, 12.0, 12.0, 15.0, 17.0]
    n_people = n_firms * workers_per_firm
    person_firm = rng.integers(0, n_firms, n_people)
    wrows = []
    cog = rng.uniform(0.2, 0.8, n_people)
    for i in range(n_people):
        isco = iscos[i % len(iscos)]
        ey = educs[i % len(educs)]
        for t in range(years[0] - 1, years[1] + 1):
            if rng.uniform() < 0.2:
                person_firm[i] = rng.integers(0, n_firms)
            j = int(person_firm[i])
            present = firms.filter((pl.col("firm_id") == j) & (pl.col("year") == t)).height
            if not present:
                continue
            c = cog[i] + 0.01 * (t - years[0]) + 0.05 * (j % 3)
            wrows.append(
                dict(
                    person_id=i,
                    year=t,
                    firm_id=j,
                    isco=isco,
                    educ_code="E1",
                    train_code=None,
                    educ_years=ey,
                    experience=5.0,
                    hourly_wage=200.0,
                    hours=1600.0,
                    age=40,
                    region=firm_reg[j],
                    cognitive=c,
                    manual=1 - c + 0.1 * rng.normal(),
                    interpersonal=0.5 * c + 0.1 * rng.normal(),
                )
            )
    workers = pl.DataFrame(wrows, schema_overrides={"year": pl.Int32, "age": pl.Int32})

    products = ["700510", "870421", "847130", "010121", "620520"]
    crows = []
    for j in range(n_firms):
        for t in all_years:
            for h in products:
                for country in ("CHN", "VNM", "DEU"):
                    if rng.uniform() < 0.35:
                        crows.append(
                            dict(
                                firm_id=j,
                                year=t,
                                country=country,
                                hs6=h,
                                flow="import",
                                value=float(rng.uniform(1, 10)),
                            )
                        )
                if rng.uniform() < 0.4:
                    crows.append(
                        dict(
                            firm_id=j,
                            year=t,
                            country="USA",
                            hs6=h,
                            flow="export",
                            value=float(rng.uniform(1, 10)),
                        )
                    )
    customs = pl.DataFrame(crows, schema_overrides={"year": pl.Int32})
    customs = customs.join(firms.select("firm_id", "year"), on=["firm_id", "year"], how="semi")

    trows = []
    for t in all_years:
        for h in products:
            for exporter in ("CHN", "VNM", "DEU", "DNK"):
                for importer in ("USA", "DEU", "DNK", "CHN"):
                    if exporter != importer:
                        trows.append(
                            dict(
                                exporter=exporter,
                                importer=importer,
                                hs6=h,
                                year=t,
                                value=float(rng.uniform(10, 100) * (1 + 0.2 * (t - all_years[0]))),
                            )
                        )
    world_trade = pl.DataFrame(trows, schema_overrides={"year": pl.Int32})
    return {"firms": firms, "workers": workers, "customs": customs, "world_trade": world_trade}
