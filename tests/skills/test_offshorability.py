"""O*NET offshorability index (fixture, hand computation) and the seed's default table."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from skillshore.errors import SkillshoreError
from skillshore.panel.occupations import assign_occupation_groups
from skillshore.skills import (
    default_offshorability,
    load_bundle,
    onet_offshorability,
    read_onet_dir,
)
from skillshore.skills.offshorability import FACE_TO_FACE, ON_SITE

from .conftest import OCC, wa_value, wc_value


def _z(x):
    return (x - x.mean()) / x.std(ddof=1)


def test_index_matches_hand_computation(tiny_onet):
    b = read_onet_dir(tiny_onet)
    idx = onet_offshorability(b)
    codes = sorted(OCC)

    def composite(elements):
        cols = []
        for eid, dom in elements.items():
            v = np.array(
                [wc_value(c) if dom == "work_context" else wa_value(c, eid) for c in codes]
            )
            cols.append(_z(v))
        return np.mean(cols, axis=0)

    expect = _z(-(composite(FACE_TO_FACE) + composite(ON_SITE)))
    got = idx.by_occupation.sort("onet_soc")["offshorability"].to_numpy()
    np.testing.assert_allclose(got, expect, rtol=1e-10)
    # ISCO 2512 gets 15-1252.00 only; standardised over ISCO codes afterwards
    assert set(idx.by_isco["isco"]) == {"1120", "1112", "2512", "2511", "2211", "7125"}
    assert abs(idx.by_isco["offshorability"].mean()) < 1e-12
    assert "mean index" in idx.to_markdown()


def test_index_plugs_into_occupation_groups(tiny_onet):
    idx = onet_offshorability(read_onet_dir(tiny_onet))
    w = pl.DataFrame({"isco": ["2512", "7125"]})
    out = assign_occupation_groups(w, idx.table(), threshold=0.0)
    vals = dict(idx.by_isco.select("isco", "offshorability").iter_rows())
    assert out["high_offshorable"].to_list() == [vals["2512"] > 0, vals["7125"] > 0]


def test_shipped_bundle_has_no_work_activities():
    with pytest.raises(SkillshoreError, match="Work Activities and Work Context"):
        onet_offshorability(load_bundle())


def test_default_table_is_the_seed_table():
    t = default_offshorability()
    assert t.height == 10 and t["isco"].str.len_chars().max() == 1
    # seed appendix: crafts (7) and operators (8) and office work (4) are the positive ones
    pos = t.filter(pl.col("offshorability") > 0)["isco"].sort().to_list()
    assert pos == ["4", "7", "8"]
