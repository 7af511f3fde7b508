"""The raw O*NET reader on a tiny fixture: taxonomies, joins, ISCO, optional tables, round trip."""

from __future__ import annotations

import polars as pl
import pytest

from skillshore.errors import ConfigError, SkillshoreError
from skillshore.skills import (
    load_bundle,
    match_titles,
    occupation_skills,
    read_onet_dir,
    write_bundle,
)

from .conftest import OCC, SKILL_IM


def test_taxonomies_detected_and_failures_reported(tiny_onet):
    b = read_onet_dir(tiny_onet)
    assert b.report["skills"]["taxonomy"].startswith("O*NET-SOC 2010")
    assert b.report["work_activities"]["taxonomy"] == "O*NET-SOC 2019"
    assert b.report["skills"]["codes_not_in_crosswalk"] == ["99-9999.00"]
    assert b.report["skills"]["occupations_2019_without"] == ["47-2121.00"]
    assert set(b.available) == {"abilities", "work_activities", "work_context", "alt_titles"}
    assert b.knowledge is None


def test_merged_codes_average_and_split_codes_copy(tiny_onet):
    b = read_onet_dir(tiny_onet)
    im = {(r["onet_soc"], r["element"]): r["importance"] for r in b.skills.iter_rows(named=True)}
    # 15-1252.00 merges 15-1132.00 and 15-1133.00: the mean of the two
    assert im[("15-1252.00", "Speaking")] == pytest.approx((3.0 + 2.0) / 2)
    # 29-1062.00 split into two 2019 codes: both get its ratings
    assert im[("29-1215.00", "Speaking")] == im[("29-1216.00", "Speaking")] == 4.0
    lv = b.skills.filter(pl.col("onet_soc") == "11-1011.00", pl.col("element") == "Repairing")
    assert lv["level"].item() == pytest.approx(SKILL_IM["11-1011.00"]["Repairing"] + 1.0)
    # work context keeps only the CX scale
    assert b.work_context["context"].n_unique() <= len(OCC)


def test_isco_most_frequent_then_first(tiny_onet):
    b = read_onet_dir(tiny_onet)
    isco = dict(b.occupations.select("onet_soc", "isco").iter_rows())
    assert isco["11-1011.00"] == "1120"  # tie between 1120 and 1112: first in the file
    assert isco["15-1252.00"] == "2512"  # 2512 twice (both predecessors), 2511 once
    assert isco["47-2121.00"] == "7125"  # no 2010 predecessor: its own SOC code
    w = b.isco_map().filter(pl.col("onet_soc") == "15-1252.00")
    assert dict(w.select("isco", "weight").iter_rows()) == pytest.approx(
        {"2512": 2 / 3, "2511": 1 / 3}
    )


def test_round_trip_through_parquet(tiny_onet, tmp_path):
    b = read_onet_dir(tiny_onet)
    write_bundle(b, tmp_path)
    c = load_bundle(tmp_path)
    assert c.available == b.available
    for name in ("occupations", "skills", "tasks", "work_activities", "alt_titles"):
        assert getattr(c, name).equals(getattr(b, name)), name
    assert c.report["skills"]["codes_not_in_crosswalk"] == ["99-9999.00"]


def test_grouping_with_domains_on_fixture(tiny_onet):
    b = read_onet_dir(tiny_onet)
    g = {"talk": ("Speaking", "abilities:Oral Comprehension"), "fix": ("Repairing",)}
    s = occupation_skills(b, grouping=g, scale="raw")
    row = s.filter(pl.col("onet_soc") == "15-1252.00").row(0, named=True)
    # intensity = (IM-1)/4 * LV/7, mean over the group's elements (hand computation)
    speak = (2.5 - 1) / 4 * (3.5 / 7)
    oral = (3.0 - 1) / 4 * (3.0 / 7)
    assert row["talk"] == pytest.approx((speak + oral) / 2)
    assert "47-2121.00" not in s["onet_soc"].to_list()  # no skill ratings
    with pytest.raises(ConfigError, match="unknown O\\*NET abilities elements"):
        occupation_skills(b, grouping={"x": ("abilities:Telepathy",)})
    with pytest.raises(SkillshoreError, match="no 'knowledge' table"):
        occupation_skills(b, grouping={"x": ("knowledge:Mathematics",)})


def test_alternate_titles_reach_the_matcher(tiny_onet):
    b = read_onet_dir(tiny_onet)
    cat = pl.DataFrame({"code": ["1"], "title": ["Window fitter"]})
    m = match_titles(cat, bundle=b, restrict_to_rated=False)
    assert m.best["onet_soc"].item() == "47-2121.00"


def test_missing_required_file_is_a_clear_error(tmp_path):
    (tmp_path / "Occupation Data.txt").write_text("O*NET-SOC Code\tTitle\tDescription\n")
    with pytest.raises(SkillshoreError, match="Skills"):
        read_onet_dir(tmp_path)
