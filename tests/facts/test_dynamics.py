"""Fact 3 against hand-built firm means, and the three figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import polars as pl
import pytest
from matplotlib.figure import Figure

from skillshore.errors import DataValidationError
from skillshore.facts import (
    between_firm_share,
    plot_between_firm_share,
    plot_skill_dynamics,
    plot_variance_decomposition,
    skill_dynamics,
    within_between,
)


def _panel() -> pl.DataFrame:
    # (firm, year, occ_group, continuing, cognitive)
    rows = [
        (1, 2000, "high", True, 1.0),
        (1, 2000, "high", False, 3.0),
        (1, 2000, "high", False, 5.0),
        (2, 2000, "high", True, 2.0),
        (2, 2000, "high", True, 4.0),
        (2, 2000, "high", False, 10.0),
        (2, 2000, "low_high_skill", True, 100.0),  # other group: ignored
        (1, 2001, "high", True, 2.0),
        (1, 2001, "high", False, 6.0),
        (2, 2001, "high", True, 4.0),  # no new match: contribution 0
        (3, 2001, "high", False, 7.0),  # no continuing worker: contribution undefined
    ]
    return pl.DataFrame(
        rows,
        schema={
            "firm_id": pl.Int64,
            "year": pl.Int32,
            "occ_group": pl.Utf8,
            "continuing": pl.Boolean,
            "cognitive": pl.Float64,
        },
        orient="row",
    ).with_columns((-pl.col("cognitive")).alias("manual"))


def test_firm_weighted_fact3_by_hand():
    d = skill_dynamics(_panel(), ["cognitive"]).data
    y0 = d.filter(pl.col("year") == 2000).row(0, named=True)
    # firm means: f1 all 3, cont 1, new 4, share 2/3, contrib 2; f2 all 16/3, cont 3, new 10, share 1/3, contrib 7/3
    assert y0["n_firms"] == 2 and y0["n_workers"] == 6
    assert y0["mean_all"] == pytest.approx((3 + 16 / 3) / 2)
    assert y0["mean_continuing"] == pytest.approx((1 + 3) / 2)
    assert y0["mean_new"] == pytest.approx((4 + 10) / 2)
    assert y0["share_new"] == pytest.approx((2 / 3 + 1 / 3) / 2)
    assert y0["contribution_new"] == pytest.approx((2 + 7 / 3) / 2)
    # every firm has both kinds of worker in 2000: the firm identity holds on average
    assert y0["mean_all"] == pytest.approx(y0["mean_continuing"] + y0["contribution_new"])
    y1 = d.filter(pl.col("year") == 2001).row(0, named=True)
    assert y1["mean_all"] == pytest.approx((4 + 4 + 7) / 3)
    assert y1["mean_continuing"] == pytest.approx((2 + 4) / 2)
    assert y1["mean_new"] == pytest.approx((6 + 7) / 2)
    assert y1["contribution_new"] == pytest.approx((2 + 0) / 2)  # firm 3 excluded


def test_worker_weighted_fact3_is_the_pooled_mean():
    p = _panel()
    d = skill_dynamics(p, ["cognitive", "manual"], weights="workers").data
    for year in (2000, 2001):
        sub = p.filter((pl.col("year") == year) & (pl.col("occ_group") == "high"))
        row = d.filter((pl.col("year") == year) & (pl.col("skill") == "cognitive"))
        assert row["mean_all"].item() == pytest.approx(sub["cognitive"].mean())
        assert row["mean_continuing"].item() == pytest.approx(
            sub.filter(pl.col("continuing"))["cognitive"].mean()
        )
        assert row["share_new"].item() == pytest.approx(1 - sub["continuing"].mean())
    m = d.filter(pl.col("skill") == "manual")
    c = d.filter(pl.col("skill") == "cognitive")
    np.testing.assert_allclose(m["mean_all"].to_numpy(), -c["mean_all"].to_numpy())
    with pytest.raises(DataValidationError):
        skill_dynamics(p, ["cognitive"], weights="people")


def test_figures_have_labelled_axes():
    rng = np.random.default_rng(0)
    n = 600
    p = pl.DataFrame(
        {
            "year": rng.integers(2000, 2004, n).astype(np.int32),
            "firm_id": rng.integers(0, 15, n),
            "sector": rng.choice(["10", "11"], n),
            "isco2": rng.choice(["71", "21"], n),
            "occ_group": rng.choice(["high", "low_high_skill"], n),
            "continuing": rng.uniform(size=n) < 0.7,
            "cognitive": rng.normal(size=n),
            "manual": rng.normal(size=n),
        }
    )
    figs = [
        plot_variance_decomposition(
            within_between(p, ["cognitive", "manual"], cells=("sector", "isco2"))
        ),
        plot_between_firm_share(between_firm_share(p, ["cognitive"], cells=("sector", "isco2"))),
        plot_skill_dynamics(skill_dynamics(p, ["cognitive", "manual"])),
    ]
    for fig in figs:
        assert isinstance(fig, Figure)
        for ax in fig.axes:
            assert ax.get_xlabel() == "Year" and "(" in ax.get_ylabel()  # units in parentheses
            assert len(ax.get_lines()) >= 2
        # distinct line styles or markers, so the lines read in greyscale
        lines = fig.axes[0].get_lines()
        assert len({(ln.get_linestyle(), ln.get_marker()) for ln in lines}) == len(lines)
    with pytest.raises(DataValidationError):
        plot_skill_dynamics(skill_dynamics(p, ["cognitive"]), skills=["interpersonal"])
    import matplotlib.pyplot as plt

    plt.close("all")


def test_new_match_contribution_table_and_figure():
    """Fact 3's contribution of new matches: the table and figure show the result's numbers."""
    from skillshore.facts import plot_new_match_contribution

    res = skill_dynamics(_panel(), ["cognitive", "manual"])
    tab = res.contribution().to_frame()
    assert list(tab.index) == [2000, 2001]
    assert tab.loc[2000, "cognitive: contribution of new matches"] == pytest.approx(
        (2 + 7 / 3) / 2  # by hand, as in test_firm_weighted_fact3_by_hand
    )
    assert tab.loc[2001, "manual: contribution of new matches"] == pytest.approx(-(2 + 0) / 2)
    assert tab.loc[2000, "New-match share"] == pytest.approx((2 / 3 + 1 / 3) / 2)
    assert "contribution" in res.contribution().to_markdown()
    fig = plot_new_match_contribution(res)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Year" and "(" in ax.get_ylabel()
    ys = {ln.get_label(): list(ln.get_ydata()) for ln in ax.get_lines() if ln.get_label()[0] != "_"}
    assert ys["Cognitive"] == pytest.approx([(2 + 7 / 3) / 2, 1.0])
    import matplotlib.pyplot as plt

    plt.close("all")
