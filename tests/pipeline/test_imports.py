"""Imports follow the study's one-way flow (``python -m skillshore._devtools imports``)."""

from __future__ import annotations

import subprocess
import sys

from skillshore import _devtools


def test_no_import_against_the_flow():
    assert _devtools.violations() == []


def test_allow_list_has_no_stale_entry():
    """Each allowed backward edge still exists: removing one must also shrink the list."""
    assert _devtools.ALLOWED <= set(_devtools.edges())


def test_checker_detects_a_backward_edge(monkeypatch):
    """The check can fail: an infrastructure module importing a stage, a stage importing a
    later one, and estimation importing the generator are all reported."""
    fake = {
        "skillshore._cache": ("skillshore.report.io",),
        "skillshore.skills.stage": ("skillshore.structural.stage",),
        "skillshore.offshoring.stage": ("skillshore.synth.generator",),
        "skillshore.structural.stage": ("skillshore.offshoring.stage",),
    }
    monkeypatch.setattr(_devtools, "all_modules", lambda: sorted(fake))
    monkeypatch.setattr(_devtools, "imports_of", lambda m: fake[m])
    assert set(_devtools.violations()) == {
        ("skillshore._cache", "skillshore.report.io"),
        ("skillshore.skills.stage", "skillshore.structural.stage"),
        ("skillshore.offshoring.stage", "skillshore.synth.generator"),
    }
    assert _devtools.main(["imports"]) == 1


def test_command_line_exits_zero():
    proc = subprocess.run(
        [sys.executable, "-m", "skillshore._devtools", "imports"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "-> skillshore.tables.stage" in proc.stdout
