"""The stage cache reruns exactly what a change touches.

The stages' real declarations (:data:`skillshore.pipeline.STAGES`) and key derivation are
used with stub functions (the keys never depend on the results), so every config section
can be changed in turn in a second; ``test_render.py`` and ``test_workers.py`` run the
real stages. The expected sets below are written from reading each stage's code, not
derived from the declarations under test.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from skillshore import _source, pipeline
from skillshore._cache import StageCache
from skillshore.config import SECTIONS, load_config
from skillshore.errors import ConfigError
from tests.conftest import write_tiny_study

ALL = {
    "validate",
    "skills",
    "facts",
    "iv",
    "structural",
    "counterfactuals",
    "model_illustration",
    "truth",
}
AFTER_FACTS = {"facts", "iv", "structural", "counterfactuals", "truth"}

# (section, a TOML line that changes it, the stages that must rerun)
CHANGES = [
    ("study", "seed = 5", ALL - {"model_illustration"}),  # years etc. reach every data stage
    ("sample", "min_employees = 5", AFTER_FACTS),
    ("skills", "top_k = 3", {"skills"} | AFTER_FACTS),
    ("offshoring", "high_offshorable_threshold = 0.5", AFTER_FACTS),  # the worker panel
    ("offshoring", 'cluster = "industry"', {"iv", "truth"}),  # the IV tables only
    ("offshoring", 'home_country = "SWE"', {"iv", "structural", "counterfactuals", "truth"}),
    ("offshoring", "raw_material_hs2 = []", {"iv", "structural", "counterfactuals", "truth"}),
    ("structural", "bootstrap = 9", {"structural", "counterfactuals", "truth"}),
    ("counterfactuals", "phi_up = 0.2", {"counterfactuals", "truth"}),  # truth compares them
    ("counterfactuals", "bootstrap_draws = 5", {"counterfactuals", "truth"}),
]


def _stubbed():
    """The pipeline's stages with stub functions (same module, so the same source digest)."""
    out = []
    for st in (*pipeline.STAGES, pipeline.TRUTH):

        def stub(cfg, **upstream):
            return object()

        stub.__module__ = st.run.__module__
        out.append(dataclasses.replace(st, run=stub))
    return out


def _ran(toml: Path, cache_dir: Path) -> set[str]:
    cfg = load_config(toml)
    cache = StageCache(cache_dir)
    results: dict = {}
    for st in _stubbed():
        results[st.name] = cache.run(st, cfg, results)
    return set(cache.ran)


def _with(toml: Path, section: str, line: str) -> None:
    text = toml.read_text()
    if f"[{section}]" in text:
        text = text.replace(f"[{section}]\n", f"[{section}]\n{line}\n")
    else:
        text += f"\n[{section}]\n{line}\n"
    toml.write_text(text)


def test_every_section_is_covered():
    assert {c[0] for c in CHANGES} == set(SECTIONS)


@pytest.mark.parametrize("section,line,expected", CHANGES)
def test_changing_a_section_reruns_exactly_its_readers(tmp_path, section, line, expected):
    toml = write_tiny_study(tmp_path / "data")
    cache = tmp_path / "cache"
    assert _ran(toml, cache) == ALL
    assert _ran(toml, cache) == set()  # nothing changed: everything reused
    _with(toml, section, line)
    assert _ran(toml, cache) == expected


def test_table_content_reruns_everything_that_reads_data(tmp_path):
    toml = write_tiny_study(tmp_path / "data")
    cache = tmp_path / "cache"
    _ran(toml, cache)
    catalog = toml.parent / "catalog.parquet"
    import polars as pl

    df = pl.read_parquet(catalog)
    df.with_columns(pl.col("title").str.replace("Glazier", "Glass fitter")).write_parquet(catalog)
    assert _ran(toml, cache) == ALL - {"model_illustration"}


@pytest.mark.parametrize(
    "edited,expected",
    [
        ("facts/stage.py", AFTER_FACTS),
        ("skills/matcher.py", {"skills"} | AFTER_FACTS),  # a module the skills stage imports
        ("skills/data/danish/glossary.csv", {"skills"} | AFTER_FACTS),  # data it ships
        ("structural/config.py", {"structural", "counterfactuals", "truth"}),
        (
            "matching/equilibrium.py",
            {"model_illustration", "structural", "counterfactuals", "truth"},
        ),
    ],
)
def test_editing_a_stage_source_reruns_it_and_downstream(tmp_path, monkeypatch, edited, expected):
    """An edit to a stage's module (or one it imports) changes its key: simulated by
    appending a comment to the file's bytes as the source digest reads them."""
    toml = write_tiny_study(tmp_path / "data")
    cache = tmp_path / "cache"
    assert _ran(toml, cache) == ALL
    target = (_source.PACKAGE_ROOT / edited).resolve()
    real = _source.file_bytes
    monkeypatch.setattr(
        _source, "file_bytes", lambda p: real(p) + (b"\n# edit\n" if p.resolve() == target else b"")
    )
    assert _ran(toml, cache) == expected


def test_undeclared_section_is_an_error(tmp_path):
    """A stage that reads a section it did not declare fails loudly (its key would miss it)."""
    cfg = load_config(write_tiny_study(tmp_path / "data"))
    stages = {st.name: st for st in pipeline.STAGES}
    st = stages["counterfactuals"]  # reads [counterfactuals] only
    assert st.view(cfg).counterfactuals.phi_up == cfg.counterfactuals.phi_up
    with pytest.raises(ConfigError, match=r"stage 'counterfactuals' read \[structural\] bootstrap"):
        _ = st.view(cfg).structural.bootstrap
    facts = stages["facts"]  # one key of [offshoring]
    assert facts.view(cfg).offshoring.high_offshorable_threshold == 0.0
    with pytest.raises(ConfigError, match=r"'offshoring.cluster'"):
        _ = facts.view(cfg).offshoring.cluster
    with pytest.raises(ValueError, match="offshoring.clustr"):
        dataclasses.replace(facts, reads=("offshoring.clustr",))


def test_every_option_is_read_by_a_stage_that_declares_its_section():
    """An option nothing reads is dead: each field of each section appears as ``.field``
    in the source (module and imports) of a stage that declares the section."""
    read_by_pipeline = {("study", "name"), ("study", "output")}
    stages = (*pipeline.STAGES, pipeline.TRUTH)
    for section, klass in SECTIONS.items():
        for f in dataclasses.fields(klass):
            if (section, f.name) in read_by_pipeline:
                continue
            found = False
            for st in stages:
                keys = st.declared().get(section, frozenset())
                if keys is not None and f.name not in keys:
                    continue
                for m in _source.closure([st.module]):
                    text = _source.module_file(m).read_text()
                    if re.search(rf"\.{f.name}\b", text):
                        found = True
                        break
                if found:
                    break
            assert found, f"[{section}] {f.name} is read by no stage that declares [{section}]"
