"""The CLI wires stages and fails with readable messages."""

from __future__ import annotations

import json

import pytest
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


@pytest.mark.slow  # about 20 s alone, 33 s on a loaded 2-core machine
def test_rerun_reuses_cached_stages(tiny_study, tmp_path):
    out = tmp_path / "out"
    assert (
        runner.invoke(app, ["run", "--config", str(tiny_study), "--out", str(out)]).exit_code == 0
    )
    first = json.loads((out / "results.json").read_text())
    assert "validate" in first["stages_run"]
    assert (
        runner.invoke(app, ["run", "--config", str(tiny_study), "--out", str(out)]).exit_code == 0
    )
    second = json.loads((out / "results.json").read_text())
    assert second["stages_run"] == [] and "validate" in second["stages_reused"]
    res = runner.invoke(app, ["run", "--config", str(tiny_study), "--out", str(out)])
    assert "reused from the cache: validate, skills, facts" in " ".join(res.output.split())
    # a changed input file invalidates the stage
    import polars as pl

    wpath = tiny_study.parent / "workers.parquet"
    pl.read_parquet(wpath).with_columns(pl.col("hours") + 1).write_parquet(wpath)
    assert (
        runner.invoke(app, ["run", "--config", str(tiny_study), "--out", str(out)]).exit_code == 0
    )
    third = json.loads((out / "results.json").read_text())
    assert "validate" in third["stages_run"]
    assert (
        runner.invoke(
            app, ["run", "--config", str(tiny_study), "--out", str(out), "--force"]
        ).exit_code
        == 0
    )
    assert "validate" in json.loads((out / "results.json").read_text())["stages_run"]


def test_montecarlo_command_writes_draws(tmp_path):
    out = tmp_path / "mc.csv"
    res = runner.invoke(
        app, ["montecarlo", "--seeds", "1", "--workers", "1", "--skills", "truth", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "2SLS, firm-clustered Wald" in res.output
    import pandas as pd

    d = pd.read_csv(out)
    assert d["seed"].tolist() == [1]
    assert d.loc[0, "iv_lo"] <= d.loc[0, "iv"] <= d.loc[0, "iv_hi"]
    bad = runner.invoke(app, ["montecarlo", "--seeds", "1", "--workers", "1", "--skills", "x"])
    assert bad.exit_code == 1
    assert "skills must be" in bad.output


def test_top_level_api_mirrors_the_cli():
    import pytest

    import skillshore
    import skillshore.montecarlo
    import skillshore.pipeline

    assert skillshore.run_study is skillshore.pipeline.run_study
    assert skillshore.validate_study is skillshore.pipeline.validate_study
    assert skillshore.iv_montecarlo is skillshore.montecarlo.iv_montecarlo
    with pytest.raises(AttributeError):
        skillshore.no_such_thing  # noqa: B018


def test_bad_scheduler_is_one_readable_error(tiny_study, tmp_path):
    res = runner.invoke(
        app, ["run", "--config", str(tiny_study), "--out", str(tmp_path / "o"), "--scheduler", "x"]
    )
    assert res.exit_code == 1
    assert "scheduler" in res.output and "'threads', 'processes'" in res.output
    assert "Traceback" not in res.output


def test_synth_set_parses_typed_knobs():
    from skillshore.cli import synth_settings
    from skillshore.synth import SynthSettings

    assert synth_settings([]) is None
    s = synth_settings(
        ["beta_high=0.1", "stay_prob=1", "seg_sd_high=[0.02, 0]", "firm_volume=equal"]
    )
    assert s == SynthSettings(
        beta_high=0.1, stay_prob=1.0, seg_sd_high=(0.02, 0.0), firm_volume="equal"
    )
    assert isinstance(s.stay_prob, float) and isinstance(s.seg_sd_high[1], float)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("beta_hihg=0.1", "KEY one of"),
        ("beta_high", "KEY=VALUE"),
        ("beta_high=true", "expected a number"),
        ("seg_sd_high=0.1", "a list of 2 numbers"),
        ("firm_volume=3", "expected a str"),
    ],
)
def test_synth_set_rejects_bad_knobs(item, message, tmp_path):
    res = runner.invoke(app, ["synth", "--out", str(tmp_path / "o"), "--set", item])
    assert res.exit_code == 1
    assert message in res.output and "Traceback" not in res.output
    assert not (tmp_path / "o").exists()  # nothing written before the settings are valid
