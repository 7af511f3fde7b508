"""The calibration table: the seed's preset, custom files, config wiring."""

from __future__ import annotations

import pandas as pd
import pytest

from skillshore.config import StudyConfig
from skillshore.errors import ConfigError
from skillshore.structural import calibration_from_config, load_calibration, seed_calibration
from skillshore.structural.calibration import _PRESETS

# transcribed from the seed's slide "Calibrated Parameters"
SEED = {
    1996: dict(
        r0=0,
        w0=40.538,
        w0_star=17.945,
        mean_w_star=28.672,
        wage_bill_share=0.5371,
        unemployment_rate=0.0633,
        fbar_star=0.6325,
        offshoring_rate=0.0005,
        fbar=1,
    ),
    2006: dict(
        r0=0,
        w0=45.276,
        w0_star=25.825,
        mean_w_star=56.513,
        wage_bill_share=0.6786,
        unemployment_rate=0.0391,
        fbar_star=0.6325,
        offshoring_rate=0.0155,
        fbar=1,
    ),
}


@pytest.mark.parametrize("year", [1996, 2006])
def test_seed_preset_has_the_seed_values(year):
    cal = seed_calibration().year(year)
    for k, v in SEED[year].items():
        assert getattr(cal, k) == pytest.approx(v)
    assert cal.gbar == pytest.approx(1 + SEED[year]["offshoring_rate"])


# nu_y* - nu_x* of the seed's slide "Estimation Results" (the foreign normalisation)
SEED_NU_STAR = {1996: (-9.56, -9.22), 2006: (-7.57, -6.99)}


@pytest.mark.parametrize("year", [1996, 2006])
def test_seed_preset_carries_the_seeds_foreign_normalisation(year):
    cal = seed_calibration().year(year)
    nx, ny = SEED_NU_STAR[year]
    assert cal.nu_star_gap == pytest.approx(ny - nx)
    assert cal.foreign_normalisation == pytest.approx(ny - nx)


def test_foreign_normalisation_is_optional_and_checked(tmp_path):
    df = pd.read_csv(_PRESETS["seed"])
    base = df[df["parameter"] != "nu_star_gap"]
    base.to_csv(tmp_path / "c.csv", index=False)
    cal = load_calibration(tmp_path / "c.csv").year(2006)
    assert cal.nu_star_gap is None and cal.foreign_normalisation == "symmetric"
    one_year = df[~((df["parameter"] == "nu_star_gap") & (df["year"] == 1996))]
    one_year.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(ConfigError, match="same years"):
        load_calibration(tmp_path / "d.csv")


def test_every_entry_has_a_source_and_table_renders():
    tab = seed_calibration()
    assert tab.years == (1996, 2006)
    assert all(e.source for e in tab.entries)
    df = tab.to_frame()
    assert list(df.columns) == ["1996", "2006", "Note"]
    assert "|gbar|" in df.index
    assert "Statistics Denmark" in tab.to_markdown()


def test_custom_file_relative_to_config(tmp_path):
    rows = []
    for k, v in SEED[2006].items():
        rows.append({"parameter": k, "symbol": k, "year": 2010, "value": 2 * v, "source": "mine"})
    pd.DataFrame(rows).to_csv(tmp_path / "cal.csv", index=False)
    cfg = StudyConfig.from_dict(
        {
            "tables": {
                k: "x.csv" for k in ("workers", "catalog", "firms", "customs", "world_trade")
            },
            "structural": {"calibration": "cal.csv"},
        },
        root=tmp_path,
    )
    cal = calibration_from_config(cfg).year(2010)
    assert cal.w0 == pytest.approx(2 * 45.276)


def test_missing_parameter_or_year_is_an_error(tmp_path):
    pd.DataFrame([{"parameter": "w0", "year": 2006, "value": 1.0}]).to_csv(
        tmp_path / "bad.csv", index=False
    )
    with pytest.raises(ConfigError, match="lacks"):
        load_calibration(tmp_path / "bad.csv")
    with pytest.raises(ConfigError, match="no values for 2000"):
        seed_calibration().year(2000)
    with pytest.raises(ConfigError, match="not found"):
        load_calibration("nope.csv", root=tmp_path)


def test_calibration_table_agrees_with_the_matching_presets():
    """Two transcriptions of the seed's slide (this table and skillshore.matching's) agree."""
    from skillshore.matching import SEED_CALIBRATION

    for year, ref in SEED_CALIBRATION.items():
        cal = seed_calibration().year(year)
        for k, v in ref.items():
            assert getattr(cal, "mean_w_star" if k == "E_w_star" else k) == pytest.approx(v)


def test_data_moments_by_hand():
    """W/Y and the offshoring rate from the tables, computed by hand."""
    import pandas as pd

    from skillshore.structural.calibration import data_moments, with_data_moments

    firms = pd.DataFrame(
        {
            "firm_id": [1, 2, 3, 1],
            "year": [2000, 2000, 2000, 2001],
            "value_added": [100.0, 300.0, -5.0, 50.0],
            "employment": [10, 30, 4, 10],
            "purchases_abroad": [10.0, 0.0, 7.0, 1.0],
        }
    )
    workers = pd.DataFrame(
        {
            "firm_id": [1, 1, 2, 3],
            "year": [2000, 2000, 2000, 2000],
            "hourly_wage": [100.0, 100.0, 200.0, 50.0],
            "hours": [1000.0, 1000.0, 1500.0, 100.0],
        }
    )
    m = data_moments(firms, workers, 2000)
    # wage bill 2*100*1000 + 200*1500 = 500,000 DKK over (100 + 300) x 1,000 DKK
    assert m.wage_bill_share == pytest.approx(1.25)
    # offshored workers 10/100 x 10 + 0 over 40 employees (firm 3: value added <= 0)
    assert m.offshoring_rate == pytest.approx(0.025)
    assert (m.n_firms, m.n_workers) == (2, 3)
    cal = with_data_moments(seed_calibration().year(2006), m)
    assert (cal.wage_bill_share, cal.offshoring_rate) == (m.wage_bill_share, m.offshoring_rate)
    assert cal.w0 == seed_calibration().year(2006).w0
    with pytest.raises(ConfigError, match="lacks column"):
        data_moments(firms.drop(columns="employment"), workers, 2000)
    with pytest.raises(ConfigError, match="no firm"):
        data_moments(firms, workers, 1999)


def test_settings_table_states_the_structural_keys_and_the_foreign_normalisation():
    """The report's "Structural settings": every key that changes the estimates, as the
    config has it, and per year nu_y* - nu_x* from the calibration (or nu_y* = nu_x*)."""
    import dataclasses

    from skillshore.config import StudyConfig
    from skillshore.structural.settings import structural_settings

    cfg = StudyConfig.from_dict(
        {
            "tables": {t: t for t in ("workers", "catalog", "firms", "customs", "world_trade")},
            "study": {"years": [1996, 2006], "base_years": [1993, 1993]},
            "structural": {"firm_type": "tfp", "shifter_cap": 2.5, "bootstrap": 9},
        }
    )
    cal = calibration_from_config(cfg)
    st = structural_settings(cfg, cal, (1996, 2006))
    assert st.value("firm_type") == "tfp" and st.value("shifter_cap") == "2.5"
    assert st.value("bootstrap") == "9" and st.value("wage_effects") == "firm_type"
    gaps = {y: cal.year(y).nu_star_gap for y in (1996, 2006)}
    for y, gap in gaps.items():
        assert st.value(f"foreign normalisation ({y})") == f"nu_y* - nu_x* = {gap:g}"
    frame = st.to_frame()
    assert list(frame.columns) == ["value", "meaning"] and frame.index.name == "setting"
    # without the optional key: the symmetric normalisation, and the table says so
    bare = dataclasses.replace(
        cal, entries=tuple(e for e in cal.entries if e.parameter != "nu_star_gap")
    )
    assert structural_settings(cfg, bare, (2006,)).value("foreign normalisation (2006)") == (
        "nu_y* = nu_x*"
    )
    assert "| firm_type | tfp |" in st.to_markdown()
    with pytest.raises(KeyError):
        st.value("no such setting")
