"""The CLI wires stages and fails with readable messages."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from skillshore.cli import app

runner = CliRunner()


def test_run_on_config_writes_report_and_results(tiny_study, tmp_path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", "--config", str(tiny_study), "--out", str(out)])
    assert res.exit_code == 0, res.output
    results = json.loads((out / "results.json").read_text())
    assert results["headline"]["worker-years"] == 6
    assert results["config"]["study"]["years"] == [1996, 1997]
    assert "numpy" in results["versions"]
    html = (out / "report.html").read_text()
    assert "Raw tables" in html and "<table" in html
    assert (out / "tables" / "raw_tables.tex").exists()
    assert not list(out.rglob("*.tmp"))


def test_bad_config_is_one_readable_error(tmp_path):
    toml = tmp_path / "s.toml"
    toml.write_text('[tables]\nworkers = "w.csv"\n[sampel]\nx = 1\n')
    res = runner.invoke(app, ["validate", "--config", str(toml)])
    assert res.exit_code == 1
    assert "unknown section" in res.output and "sampel" in res.output
    assert "Traceback" not in res.output
