"""Options reach the stage that declares them: the structural market shifter reads
``[offshoring] home_country`` and ``raw_material_hs2``; ``source``/``industry_digits`` are
passed on or refused; config paths resolve against the config file's folder."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from skillshore.config import StudyConfig
from skillshore.errors import ConfigError
from skillshore.offshoring.stage import source_options
from skillshore.skills.stage import skills_files, skills_stage
from skillshore.structural.stage import market_shifter
from skillshore.tables.stage import RawTables
from tests.conftest import tiny_frames, write_tiny_study

TABLES = {"workers": "w", "catalog": "c", "firms": "f", "customs": "cu", "world_trade": "wt"}


def _cfg(root=".", **sections) -> StudyConfig:
    raw = {"tables": TABLES, "study": {"years": [1996, 1997], "base_years": [1993, 1993]}}
    return StudyConfig.from_dict({**raw, **sections}, root=root)


def _trade() -> RawTables:
    """Two industries; industry 1 exports product 500000, industry 2 products 600000 and the
    raw material 010000 (HS chapter 01) in the base year 1993."""
    firms = pl.DataFrame(
        {
            "firm_id": [1, 1, 2, 2],
            "year": [1996, 1997] * 2,
            "industry": ["111111"] * 2 + ["222222"] * 2,
        }
    )
    customs = pl.DataFrame(
        {
            "firm_id": [1, 2, 2],
            "year": [1993] * 3,
            "hs6": ["500000", "600000", "010000"],
            "flow": ["export"] * 3,
            "value": [1.0, 1.0, 1.0],
        }
    )
    rows = [  # China's exports: (hs6, importer, 1996, 1997)
        ("500000", "USA", 10.0, 20.0),
        ("500000", "DNK", 10.0, 10.0),
        ("600000", "USA", 10.0, 10.0),
        ("600000", "DNK", 5.0, 10.0),
        ("010000", "USA", 10.0, 40.0),
    ]
    wt = pl.DataFrame(
        [
            {"exporter": "CHN", "importer": imp, "hs6": h, "year": y, "value": v}
            for h, imp, v0, v1 in rows
            for y, v in ((1996, v0), (1997, v1))
        ]
    )
    return RawTables({"firms": firms, "customs": customs, "world_trade": wt}, None)


@pytest.mark.parametrize(
    "offshoring,z",
    [
        # home DNK: growth of exports to the rest of the world 1.0 (500000) and 0.0 (600000)
        ({}, {"111111": 0.5, "222222": -0.5}),
        # home USA: 0.0 (500000, to DNK) and 1.0 (600000, 5 -> 10)
        ({"home_country": "USA"}, {"111111": -0.5, "222222": 0.5}),
        # raw materials kept: industry 2 = 1/2 600000 + 1/2 010000, I: 10 -> 25, g = 1.5
        ({"raw_material_hs2": []}, {"111111": -0.25, "222222": 0.25}),
    ],
)
def test_market_shifter_reads_home_country_and_raw_materials(offshoring, z):
    out = market_shifter(_trade(), _cfg(offshoring=offshoring), 1997)
    got = dict(zip(out["industry"], out["z"], strict=True))
    assert got == pytest.approx(z, abs=1e-12)  # exact arithmetic on small integers


def test_source_options_pass_through_or_refuse():
    def old(panel, *, home="DNK"):
        return None

    def new(panel, *, source="CHN", industry_digits=6):
        return None

    assert source_options(old, _cfg()) == {}
    cfg = _cfg(offshoring={"source": "low_wage", "industry_digits": 4})
    assert source_options(new, cfg) == {"source": "low_wage", "industry_digits": 4}
    with pytest.raises(ConfigError, match=r"\[offshoring\] source = 'low_wage' is not supported"):
        source_options(old, cfg)


def test_literal_options_are_checked_on_load():
    with pytest.raises(ConfigError, match=r"\[offshoring\] normalise: 'per_wrker' is not one of"):
        _cfg(offshoring={"normalise": "per_wrker"})
    with pytest.raises(ConfigError, match=r"\[structural\] skill: 'iq' is not one of"):
        _cfg(structural={"skill": "iq"})
    with pytest.raises(ConfigError, match=r"\[structural\] scheduler"):
        _cfg(structural={"scheduler": "thread"})


def test_skill_paths_resolve_against_the_config_folder(tmp_path, monkeypatch):
    from skillshore.skills.onet import BUNDLE_DIR

    toml = write_tiny_study(tmp_path / "study")
    shutil.copytree(BUNDLE_DIR, toml.parent / "onet")
    (toml.parent / "overrides.csv").write_text("code,onet_soc\n3252,53-3032.00\n")
    text = toml.read_text() + '\n[skills]\nonet_dir = "onet"\noverrides = "overrides.csv"\n'
    toml.write_text(text)
    from skillshore.config import load_config

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    cfg = load_config(toml)
    assert skills_files(cfg) == [toml.parent / "onet", toml.parent / "overrides.csv"]
    res = skills_stage(cfg, RawTables(tiny_frames(), None))
    row = res.codes.filter(pl.col("code") == "3252")
    assert row["onet_soc"].item() == "53-3032.00"  # the override (the matcher says glazier)


def test_type_correction_options_are_config_keys(tmp_path):
    """[structural] validation_method / validation_outliers / calibrated_controls: checked
    on load (choices) and before any data is read (control names)."""
    from skillshore.structural.stage import validation_options

    with pytest.raises(ConfigError, match=r"\[structural\] validation_method: 'fuzzy'"):
        _cfg(structural={"validation_method": "fuzzy"})
    (tmp_path / "v.csv").write_text("code,x_true\n3252,0.5\n")
    cfg = _cfg(
        tmp_path, structural={"validation": "v.csv", "calibrated_controls": ["cognitive", "iq"]}
    )
    assert cfg.structural.validation_method == "soft" and not cfg.structural.validation_outliers
    with pytest.raises(ConfigError, match=r"calibrated_controls: \['iq'\] are not wage controls"):
        validation_options(None, cfg, 1996)


def test_shifter_cap_bounds_the_market_shifter():
    """[structural] shifter_cap = c: z -> c tanh(z / c) (by hand: z = +-0.5, c = 0.4);
    0 (default) leaves z as it is; a negative cap is refused on load."""
    import numpy as np

    free = market_shifter(_trade(), _cfg(), 1997).sort("industry")["z"].to_numpy()
    capped = market_shifter(_trade(), _cfg(structural={"shifter_cap": 0.4}), 1997)
    got = capped.sort("industry")["z"].to_numpy()
    assert free == pytest.approx([0.5, -0.5])
    assert got == pytest.approx(0.4 * np.tanh(np.array([0.5, -0.5]) / 0.4))
    with pytest.raises(ConfigError, match="shifter_cap must be >= 0"):
        _cfg(structural={"shifter_cap": -1.0})


def test_firm_type_tfp_nets_out_capital_intensity():
    """[structural] firm_type: "va_per_worker" is the year's value added per worker;
    "tfp" is log(VA/L) - b log(K/L) net of year effects, b by least squares, averaged over
    the study window: on firms whose log(VA/L) = a + 0.3 log(K/L) + year effect exactly,
    b = 0.3 and the ranks are those of a, which VA per worker gets wrong."""
    import numpy as np

    from skillshore.structural.stage import firm_productivity

    rng = np.random.default_rng(0)
    n, years = 40, [1996, 1997]
    lk = rng.normal(5, 1.0, n)
    a = rng.normal(0, 0.3, n)
    a -= (a - a.mean()) @ (lk - lk.mean()) / ((lk - lk.mean()) @ (lk - lk.mean())) * lk
    rows = []
    for t in years:
        for i in range(n):
            L = 10 + i
            rows.append(
                {
                    "firm_id": i,
                    "year": t,
                    "employment": L,
                    "capital": L * np.exp(lk[i]),
                    "value_added": L * np.exp(a[i] + 0.3 * lk[i] + 0.05 * (t - 1996)),
                }
            )
    firms = pl.DataFrame(rows)
    tfp = firm_productivity(firms, _cfg(structural={"firm_type": "tfp"}), 1997).sort("firm_id")
    np.testing.assert_allclose(tfp["prod"].to_numpy(), a - a.mean(), atol=1e-10)
    va = firm_productivity(firms, _cfg(), 1997).sort("firm_id")
    np.testing.assert_allclose(va["prod"].to_numpy(), np.exp(a + 0.3 * lk + 0.05), rtol=1e-12)
    assert not np.array_equal(np.argsort(va["prod"].to_numpy()), np.argsort(a))
    with pytest.raises(ConfigError, match="needs the firms table's capital"):
        firm_productivity(firms.drop("capital"), _cfg(structural={"firm_type": "tfp"}), 1997)
    with pytest.raises(ConfigError, match="firm_type"):
        _cfg(structural={"firm_type": "sales"})
