"""The fresh evaluation set of titles is frozen (docs/skills.md): nobody tunes on it, and
its bytes do not change."""

import hashlib
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def test_fresh_title_set_is_unchanged():
    want = (DATA / "skills_fresh_titles.sha256").read_text().split()[0]
    got = hashlib.sha256((DATA / "skills_fresh_titles.csv").read_bytes()).hexdigest()
    assert got == want


def test_second_fresh_title_set_is_unchanged():
    """The second blind set (written after the first became a development set; evaluated
    once) and its SOC 2010 original, from which scripts/fresh2_to_soc2019.py derives it."""
    for line in (DATA / "skills_fresh2_titles.sha256").read_text().splitlines():
        want, name = line.split()
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == want, name


def test_third_fresh_title_set_is_unchanged():
    """The third blind set (O*NET-SOC 2019 labels), written during the third round and
    evaluated once after it."""
    want = (DATA / "skills_fresh3_titles.sha256").read_text().split()[0]
    got = hashlib.sha256((DATA / "skills_fresh3_titles.csv").read_bytes()).hexdigest()
    assert got == want


def test_fourth_fresh_title_set_is_unchanged():
    """The fourth blind set (O*NET-SOC 2019 labels), written during the fourth round and
    evaluated once after it."""
    want = (DATA / "skills_fresh4_titles.sha256").read_text().split()[0]
    got = hashlib.sha256((DATA / "skills_fresh4_titles.csv").read_bytes()).hexdigest()
    assert got == want


def test_fifth_fresh_title_set_is_unchanged():
    """The fifth blind set (O*NET-SOC 2019 labels), written during the fifth round by a
    helper who saw neither the matcher nor the earlier sets, and evaluated once after it."""
    want = (DATA / "skills_fresh5_titles.sha256").read_text().split()[0]
    got = hashlib.sha256((DATA / "skills_fresh5_titles.csv").read_bytes()).hexdigest()
    assert got == want


def test_sixth_fresh_title_set_is_unchanged():
    """The sixth blind set, written during the sixth round by a helper who saw neither the
    matcher nor the earlier sets; scored once with the fifth round's matcher and once with
    the sixth's."""
    want = (DATA / "skills_fresh6_titles.sha256").read_text().split()[0]
    got = hashlib.sha256((DATA / "skills_fresh6_titles.csv").read_bytes()).hexdigest()
    assert got == want


def test_seventh_fresh_title_set_is_unchanged():
    """The seventh blind set, written after the sixth round by a helper who saw neither the
    matcher nor the earlier sets; scored once with the sixth round's matcher."""
    want = (DATA / "skills_fresh7_titles.sha256").read_text().split()[0]
    got = hashlib.sha256((DATA / "skills_fresh7_titles.csv").read_bytes()).hexdigest()
    assert got == want
