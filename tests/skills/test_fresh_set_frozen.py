"""The fresh evaluation set of titles is frozen (docs/skills.md): nobody tunes on it, and
its bytes do not change."""

import hashlib
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def test_fresh_title_set_is_unchanged():
    want = (DATA / "skills_fresh_titles.sha256").read_text().split()[0]
    got = hashlib.sha256((DATA / "skills_fresh_titles.csv").read_bytes()).hexdigest()
    assert got == want
