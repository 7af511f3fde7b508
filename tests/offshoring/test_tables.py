"""IVTable layout and the seed's table specs on a simulated firm-panel frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skillshore._results import stars
from skillshore.errors import ModelInputError
from skillshore.offshoring.iv import iv_regression
from skillshore.offshoring.tables import SEED_TABLES, ColumnSpec, IVTable, run_columns, seed_table
from tests.offshoring.iv_sim import simulate_panel

FE = ["firm", "sy"]


@pytest.fixture(scope="module")
def panel():
    return simulate_panel(seed=21)[0]


@pytest.fixture(scope="module")
def firm_panel(panel):
    """The study's firm-panel column names on the simulated panel, four occupation groups."""
    rng = np.random.default_rng(0)
    frames = []
    for g in ("all", "high", "low_high_skill", "low_mid_low_skill"):
        f = pd.DataFrame(
            {
                "firm_id": panel["firm"],
                "sector_year": panel["sy"],
                "occ_group": g,
                "avg_cognitive": 50 + panel["y"] + rng.normal(size=len(panel)),
                "avg_cognitive_inv": 50 + panel["y"],
                "avg_cognitive_cont_inv": 49 + panel["y"],
                "off_china": panel["x"],
                "iv_china": panel["z"],
                "off_lowwage": panel["x"] + 0.1 * rng.normal(size=len(panel)),
                "iv_lowwage": panel["z"],
                "off_china_4d": panel["x"] + 0.2 * rng.normal(size=len(panel)),
                "iv_china_4d": panel["z"],
                "off_lowwage_4d": panel["x"] + 0.3 * rng.normal(size=len(panel)),
                "iv_lowwage_4d": panel["z"],
                "exports": panel["x2"],
                "iv_exports": panel["z2"],
                "n_workers": panel["w"] * 10,
                "log_sales": panel["c"],
                "log_size": rng.normal(size=len(panel)),
                "importer": rng.integers(0, 2, len(panel)),
                "exporter": rng.integers(0, 2, len(panel)),
            }
        )
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    firm = out["firm_id"].to_numpy()
    for i, col in enumerate(("low_va", "low_spk", "low_tfp", "copenhagen", "labour_intensive")):
        draw = np.random.default_rng(100 + i).uniform(size=firm.max() + 1) < 0.5
        out[col] = draw[firm].astype(int)
    return out


def test_iv_table_cells_come_from_the_results(panel):
    cols = [
        iv_regression(panel, "y", "x", "z", fe=FE, cluster="firm"),
        iv_regression(panel, "y", "x", "z", fe=["firm"], controls="c", cluster="firm"),
    ]
    t = IVTable(
        cols,
        labels=["Low", "High"],
        groups=[("Sample", 2)],
        coef_labels={"x": "Offshoring (China)", "c": "Control"},
        fe_rows={"Sector by Year FE": ["sy"], "Firm FE": ["firm"]},
        title="IV (Dependent Variable: y)",
    )
    f = t.to_frame()
    r0 = cols[0]
    assert f.iloc[0, 0] == f"{r0.params['x']:.4f}{stars(r0.pvalues['x'])}"
    assert f.iloc[1, 0] == f"({r0.std_errors['x']:.4f})"
    assert f.loc["Control"].tolist() == [
        "",
        f"{cols[1].params['c']:.4f}{stars(cols[1].pvalues['c'])}",
    ]
    assert f.loc["Sector by Year FE"].tolist() == ["✓", ""]
    assert f.loc["Firm FE"].tolist() == ["✓", "✓"]
    assert f.loc["Mean Y"].iloc[0] == f"{r0.mean_y:.2f}"
    assert f.loc["First Stage F-stat"].iloc[0] == f"{r0.first_stage.kp_f:.2f}"
    assert f.loc["AR First Stage F-stat"].iloc[0] == f"{r0.anderson_rubin().stat:.2f}"
    assert f.loc["N"].iloc[0] == f"{r0.nobs:,d}"
    assert list(f.index[-4:]) == ["Mean Y", "First Stage F-stat", "AR First Stage F-stat", "N"]
    md = t.to_markdown()
    assert "| | (1) | (2) |" in md and "| | Low | High |" in md and "Offshoring (China)" in md
    tex = t.to_latex()
    assert (
        r"\multicolumn{2}{c}{Sample}" in tex
        and r"\checkmark{}" in tex
        and r"\cmidrule(lr){2-3}" in tex
    )
    assert "IV (Dependent Variable: y)" in tex


def test_iv_table_validation(panel):
    r = iv_regression(panel, "y", "x", "z", fe=FE, cluster="firm")
    with pytest.raises(ModelInputError):
        IVTable([r], labels=["a", "b"])
    with pytest.raises(ModelInputError):
        IVTable([r], groups=[("g", 2)])
    with pytest.raises(ModelInputError):
        IVTable([])


def test_interacted_fe_gets_its_check(panel):
    r = iv_regression(panel, "y", "x", "z", fe=["firm", "sector^year"], cluster="firm")
    t = IVTable([r], fe_rows={"Sector by Year FE": ["year^sector"], "Firm FE": ["firm"]})
    assert t.to_frame().loc["Sector by Year FE"].tolist() == ["✓"]


def test_run_columns_filters_rows(firm_panel):
    spec = ColumnSpec(where={"occ_group": "high", "low_va": 1})
    (r,) = run_columns(firm_panel, [spec])
    sub = firm_panel[(firm_panel["occ_group"] == "high") & (firm_panel["low_va"] == 1)]
    direct = iv_regression(
        sub,
        "avg_cognitive",
        "off_china",
        "iv_china",
        fe=["firm_id", "sector_year"],
        cluster="firm_id",
    )
    assert r.params["off_china"] == pytest.approx(direct.params["off_china"], abs=1e-12)
    assert r.nobs == direct.nobs


@pytest.mark.parametrize("name", ["offshorability", "robustness_2"])
def test_seed_tables_layout(firm_panel, name):
    t = seed_table(name, firm_panel)
    f = t.to_frame()
    assert f.shape[1] == len(SEED_TABLES[name][1])
    assert f.index[0] == (
        "Offshoring (China, 4-digit)" if name == "industry_4d" else "Offshoring (China)"
    )
    assert set(f.loc["Firm FE"]) == {"✓"} and set(f.loc["Sector by Year FE"]) == {"✓"}
    assert t.title.startswith("IV (Dependent Variable: Average Cognitive Skills")
    if name == "robustness_2":  # IV Export: two endogenous regressors, only offshoring shown
        assert t.columns[-1].endog == ("off_china", "exports")
        assert "exports" not in f.index
    assert "N" in f.index


def test_column_without_identifying_variation_is_omitted_with_a_note(firm_panel):
    data = firm_panel.copy()
    # outside copenhagen the instrument is a sector-year constant: absorbed by the FE
    cph = data["copenhagen"] == 0
    data.loc[cph, "iv_china"] = data.loc[cph, "sector_year"].astype(float)
    with pytest.raises(ModelInputError, match="collinear"):
        iv_regression(
            data[cph & (data["occ_group"] == "high")],
            "avg_cognitive",
            "off_china",
            "iv_china",
            fe=["firm_id", "sector_year"],
            cluster="firm_id",
        )
    t = seed_table("robustness_2", data)
    full = SEED_TABLES["robustness_2"][1]
    # both "Exclude Copenhagen" columns are gone, everything else is estimated
    assert len(t.columns) == len(full) - 2
    assert sum(span for g, span in t.groups if g == "Exclude Copenhagen") == 0
    assert len(t.notes) == 2 and all("collinear" in n for n in t.notes)
    assert "Note:" in t.to_markdown() and "Note:" in t.to_latex()


@pytest.mark.parametrize(
    "source,digits,main,alt",
    [
        ("CHN", 6, "off_china", "off_lowwage"),
        ("LOWWAGE", 6, "off_lowwage", "off_china"),
        ("CHN", 4, "off_china_4d", "off_lowwage_4d"),
    ],
)
def test_source_and_industry_digits_choose_the_measure(firm_panel, source, digits, main, alt):
    t = seed_table("robustness_1", firm_panel, source=source, industry_digits=digits)
    endog = [c.endog[0] for c in t.columns]
    assert endog.count(alt) == 2 and endog.count(main) == len(endog) - 2
    ref = iv_regression(
        firm_panel[(firm_panel["occ_group"] == "high") & (firm_panel["low_spk"] == 1)],
        "avg_cognitive",
        main,
        main.replace("off_", "iv_"),
        fe=["firm_id", "sector_year"],
        cluster="firm_id",
    )
    assert t.columns[0].params.iloc[0] == pytest.approx(ref.params.iloc[0], rel=1e-12)
    with pytest.raises(ModelInputError, match="source"):
        seed_table("productivity", firm_panel, source="USA")
    with pytest.raises(ModelInputError, match="industry_digits"):
        seed_table("productivity", firm_panel, industry_digits=2)
