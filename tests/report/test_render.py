"""Render report.html in headless Chromium: every figure loads, no table is empty."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from skillshore._results import TableMixin
from skillshore.report import ReportBuilder

CHROMIUM = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)

_PROBE = """
<script>
window.addEventListener('load', function () {
  var imgs = Array.from(document.images);
  var tables = Array.from(document.querySelectorAll('table'));
  var out = {
    images: imgs.length,
    broken: imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); }).length,
    tables: tables.length,
    empty_tables: tables.filter(function (t) { return t.querySelectorAll('tbody td').length === 0; }).length
  };
  var el = document.createElement('pre');
  el.id = 'probe-result';
  el.textContent = JSON.stringify(out);
  document.body.appendChild(el);
});
</script>
"""


def render_probe(html_path, tmp_path) -> dict:
    """Load a report in headless Chromium and return what the probe script saw."""
    if CHROMIUM is None:
        pytest.skip(
            "headless Chromium not installed (apt-get install chromium); report rendering not checked"
        )
    page = tmp_path / "probe.html"
    page.write_text(html_path.read_text().replace("</body>", _PROBE + "</body>"))
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chrome-profile'}",
        "--virtual-time-budget=5000",
        "--dump-dom",
        page.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    m = re.search(r'<pre id="probe-result">(.*?)</pre>', proc.stdout)
    assert m, f"probe did not run; chromium stderr: {proc.stderr[-2000:]}"
    return json.loads(m.group(1).replace("&quot;", '"'))


class _T(TableMixin):
    title = "A table"

    def to_frame(self):
        return pd.DataFrame({"(1)": ["0.1***", "(0.02)"]}, index=["x", ""])


def test_probe_detects_broken_image_and_empty_table(tmp_path):
    """The probe itself can fail: a broken image and an empty table are counted."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<html><body><img src='data:image/png;base64,AAAA'/>"
        "<table><thead><tr><th>a</th></tr></thead><tbody></tbody></table></body></html>"
    )
    res = render_probe(bad, tmp_path)
    assert res["broken"] == 1 and res["empty_tables"] == 1


def test_report_figures_load_and_tables_filled(tmp_path):
    rb = ReportBuilder("Test report", meta="unit test")
    rb.section("S1").table("t1", _T(), "a note")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("x (units)")
    rb.figure("f1", fig, "a line")
    path = rb.write(tmp_path / "rep")
    res = render_probe(path, tmp_path)
    assert res == {"images": 1, "broken": 0, "tables": 1, "empty_tables": 0}
    assert (tmp_path / "rep" / "figures" / "f1.pdf").exists()
    assert (tmp_path / "rep" / "tables" / "t1.md").read_text().count("|") > 4


def test_study_report_renders(tiny_study, tmp_path):
    from skillshore.pipeline import run_study

    study = run_study(tiny_study, out=tmp_path / "out")
    res = render_probe(study.report_path, tmp_path)
    assert res["images"] >= 3 and res["broken"] == 0
    assert res["tables"] >= 2 and res["empty_tables"] == 0
    for name in ("offshoring_prob_by_firm", "matched_quality_by_firm", "wage_along_c_f"):
        assert (tmp_path / "out" / "figures" / f"{name}.png").exists()


@pytest.mark.slow  # two or three tiny runs with the bootstrap: > 30 s on 2 cores
def test_synthetic_study_end_to_end_and_cached_rerun(tmp_path):
    """`skillshore run` on the synthetic economy: report renders; a rerun reuses every stage."""
    import json as _json

    from skillshore.pipeline import run_study

    out = tmp_path / "syn"
    study = run_study(None, scale="tiny", seed=3, out=out)
    html = study.report_path.read_text()
    assert "Truth vs estimate" in html and "O*NET" in html
    # every seed IV table (robustness_2 drops the controls the firm FE absorbs), the
    # exposure-robust column, Rotemberg weights and the truth comparison are written
    for name in (
        "iv_offshorability",
        "iv_productivity",
        "iv_continuing",
        "iv_robustness_1",
        "iv_robustness_2",
        "iv_exposure_robust",
        "rotemberg_weights",
        "shock_diagnostics",
        "iv_truth",
        "wage_table",
        "wage_truth",
        "structural_truth",
        "structural_settings",
    ):
        assert (out / "tables" / f"{name}.md").read_text().count("|") > 8, name
        assert (out / "tables" / f"{name}.tex").exists(), name
    # the settings behind the estimates, as study.toml states them
    settings = study.results["structural"].settings
    cfg = study.config.structural
    assert settings.value("firm_type") == cfg.firm_type
    assert settings.value("bootstrap_scheme") == cfg.bootstrap_scheme
    assert "Structural settings" in html
    # the structural truth table: the planted parameters of truth.json beside the estimates
    cmp = study.results["truth"].structural
    truth = _json.loads((out / "data" / "truth.json").read_text())["parameters_by_year"]
    frame = cmp.to_frame()
    years = [y for y in (1996, 2006) if f"{y} truth" in frame.columns]
    assert years  # a year left out (tiny: lambda_x <= 0 happens) says why in the notes
    for year in {1996, 2006} - set(years):
        assert any(
            n.startswith(f"{year}: not estimated") for n in study.results["structural"].notes
        )
    for year in years:
        assert float(frame.loc["Φ", f"{year} truth"]) == pytest.approx(
            truth[str(year)]["Phi"], abs=0.01
        )
        assert float(frame.loc["λ", f"{year} truth"]) == pytest.approx(
            truth[str(year)]["lambda"], abs=0.01
        )
    assert set(cmp.covers().stack().dropna().unique()) <= {True, False}
    first = _json.loads((out / "results.json").read_text())
    assert {"validate", "skills", "facts"} <= set(first["stages_run"])
    lines: list[str] = []
    study2 = run_study(None, scale="tiny", seed=3, out=out, progress=lines.append)
    second = _json.loads((out / "results.json").read_text())
    # the rerun reuses the synthetic economy and every stage, and says so
    assert second["stages_run"] == []
    assert (
        set(second["stages_reused"])
        == set(first["stages_run"])
        == set(study2.results) - {"tables", "scorecard"}
    )
    assert any(line.startswith("reusing the tiny synthetic economy") for line in lines)
    assert any(line.startswith("reused from the cache: validate") for line in lines)
    assert second["headline"] == first["headline"]
    res = render_probe(study.report_path, tmp_path)  # last: skips without Chromium
    assert res["broken"] == 0 and res["empty_tables"] == 0 and res["images"] >= 6


@pytest.mark.slow  # two or three tiny runs with the bootstrap: > 30 s on 2 cores
def test_counterfactual_change_reuses_earlier_stages(tmp_path):
    """Only the counterfactual stage runs again when only [counterfactuals] changes; only
    the structural stage and after when the calibration file changes."""
    import json as _json

    from skillshore.pipeline import run_study

    out = tmp_path / "syn"
    run_study(None, scale="tiny", seed=4, out=out)
    toml = out / "data" / "study.toml"
    toml.write_text(toml.read_text() + "\n[counterfactuals]\nphi_up = 0.2\n")
    run_study(toml, out=out)
    res = _json.loads((out / "results.json").read_text())
    assert "counterfactuals" in res["stages_run"]
    assert {"validate", "skills", "facts", "iv", "structural"} <= set(res["stages_reused"])
    assert not {"validate", "skills", "facts", "iv", "structural"} & set(res["stages_run"])

    # the calibration CSV is part of the structural stage's cache key: editing it reruns
    # the structural stage (and what follows), not the stages before
    csv = out / "data" / "calibration.csv"
    lines = csv.read_text().splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("w0,w_0,2006,"))
    lines[i] = lines[i].replace("45.276", "46.0")
    csv.write_text("\n".join(lines) + "\n")
    run_study(toml, out=out)
    res = _json.loads((out / "results.json").read_text())
    assert {"structural", "counterfactuals"} <= set(res["stages_run"])
    assert {"validate", "skills", "facts", "iv"} <= set(res["stages_reused"])

    # a worker type that is no skill column is a config error naming it
    from skillshore.errors import ConfigError

    toml.write_text(toml.read_text().replace("[structural]\n", '[structural]\nskill = "iq"\n'))
    with pytest.raises(ConfigError, match="iq"):
        run_study(toml, out=out)


@pytest.mark.parametrize(
    "value,text",
    [
        (7.617e-4, "0.00076"),
        (-6.09e-4, "-0.00061"),
        (2.445e-5, "0.000024"),
        (0.0522, "0.0522"),
        (0.001, "0.0010"),
        (1.2e-9, "1.200e-09"),
        (12_345_678.0, "1.235e+07"),
        (1234, "1,234"),
        (float("nan"), ""),
    ],
)
def test_table_numbers_are_readable(value, text):
    from skillshore._results import fmt_num

    assert fmt_num(value) == text


def test_estimate_with_interval_is_formatted_as_the_seed():
    from skillshore._results import fmt_estimate

    assert fmt_estimate(pd.Series({"estimate": 75.55, "lower": 70.37, "upper": 79.07})) == (
        "75.55 (70.37, 79.07)"
    )
    assert fmt_estimate(pd.Series({"estimate": -1.32})) == "-1.32"
    assert fmt_estimate(pd.Series({"estimate": 2.0, "lower": np.nan, "upper": np.nan})) == "2.00"
