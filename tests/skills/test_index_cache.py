"""The matcher's index cached on disk (issue 16: cold start): the cached index gives the
same matches as a freshly built one; a damaged file is rebuilt; the cache can be off."""

from __future__ import annotations

import polars as pl
import pytest

from skillshore.skills.index_cache import index_dir, index_key
from skillshore.skills.matcher import TitleMatcher

TITLES = ["Tømrer (EUD)", "Musicology, cand.mag.", "Process technology, AP degree", "Welding"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLSHORE_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SKILLSHORE_INDEX_CACHE", raising=False)
    return tmp_path


def _top(m: TitleMatcher) -> pl.DataFrame:
    cat = pl.DataFrame({"code": [str(i) for i in range(len(TITLES))], "title": TITLES})
    return m.match(cat).top


def test_cached_index_matches_the_built_one(cache):
    built = TitleMatcher()
    assert not built.from_cache
    path = index_dir() / f"{index_key(True)}.pkl"
    assert path.is_file() and path.parent.parent == cache
    loaded = TitleMatcher()
    assert loaded.from_cache
    assert _top(loaded).equals(_top(built))
    assert index_key(True) != index_key(False)


def test_damaged_cache_is_rebuilt_and_cache_can_be_off(cache, monkeypatch):
    TitleMatcher()
    path = index_dir() / f"{index_key(True)}.pkl"
    path.write_bytes(b"not a pickle")
    again = TitleMatcher()
    assert not again.from_cache and TitleMatcher().from_cache  # rewritten
    monkeypatch.setenv("SKILLSHORE_INDEX_CACHE", "0")
    path.unlink()
    assert not TitleMatcher().from_cache and not path.exists()
