"""The report as an economist reads it, rendered in headless Chromium on one tiny synthetic run:
summary first, synthetic banner, a note after every table and figure, nothing wider than the
page, no "nan"/"-0.0" cells, every image loads, figure fonts >= 10 px as shown; every output
file mode 0644; every .tex table compiles with pdflatex."""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess

import pytest

from skillshore.report import style

CHROMIUM = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)
PDFLATEX = shutil.which("pdflatex")
WINDOW_PX = 1000  # browser window: the page's 900 px column plus margins

_PROBE = """
<script>
window.addEventListener('load', function () {
  var body = document.body, W = document.documentElement.clientWidth;
  var h2 = Array.from(document.querySelectorAll('h2'));
  var items = Array.from(document.querySelectorAll('div.tablewrap, figure'));
  function noted(el) {  // the next sibling that is not another part of the same table
    var n = el.nextElementSibling;
    while (n && (n.matches('div.tablewrap') || n.matches('p.meta'))) n = n.nextElementSibling;
    return !!(n && n.matches('p.note'));
  }
  var cells = Array.from(document.querySelectorAll('td, th')).map(function (c) {
    return c.textContent.trim(); });
  var imgs = Array.from(document.images);
  var wide = Array.from(body.querySelectorAll('*')).filter(function (e) {
    return e.getBoundingClientRect().right > W + 1 ||
           (e.matches('div.tablewrap') && e.scrollWidth > e.clientWidth + 1); });
  var out = {
    first_h2: h2.length ? h2[0].id : null,
    banner: !!document.getElementById('synthetic-banner'),
    items: items.length,
    unnoted: items.filter(function (e) { return !noted(e); }).map(function (e) {
      return e.id || (e.previousElementSibling || {}).id || e.outerHTML.slice(0, 80); }),
    bad_cells: cells.filter(function (t) { return /^(nan|-0(\\.0+)?|none)$/i.test(t); }),
    images: imgs.length,
    broken: imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); }).length,
    shown_px: imgs.map(function (i) { return [i.alt, i.getBoundingClientRect().width, i.naturalWidth]; }),
    page_width: document.documentElement.scrollWidth, window_width: W,
    wide: wide.map(function (e) { return e.tagName + '#' + e.id + '.' + e.className; }).slice(0, 10)
  };
  var el = document.createElement('pre');
  el.id = 'probe-result';
  el.textContent = JSON.stringify(out);
  body.appendChild(el);
});
</script>
"""


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """One tiny synthetic run (the whole study, report included), shared by this module."""
    from skillshore.pipeline import run_study

    out = tmp_path_factory.mktemp("tiny") / "out"
    # a seed whose two years are both estimated: at tiny scale (about 1,000 workers a year)
    # the wage slope is not identified in some seeds (2 and 4: lambda_x <= 0, said in the
    # report), which would leave this test without the structural tables and figures
    study = run_study(None, scale="tiny", seed=1, out=out)
    return study


def _probe(html_path, tmp_path) -> dict:
    if CHROMIUM is None:
        pytest.skip(
            "headless Chromium not installed (apt-get install chromium); report rendering not checked"
        )
    page = html_path.parent / "probe.html"
    page.write_text(html_path.read_text().replace("</body>", _PROBE + "</body>"))
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--window-size={WINDOW_PX},3000",
        f"--user-data-dir={tmp_path / 'chrome-profile'}",
        "--virtual-time-budget=5000",
        "--dump-dom",
        page.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    page.unlink()
    m = re.search(r'<pre id="probe-result">(.*?)</pre>', proc.stdout, re.S)
    assert m, f"probe did not run; chromium stderr: {proc.stderr[-2000:]}"
    return json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.slow
def test_report_reads_top_down(tiny_run, tmp_path):
    res = _probe(tiny_run.report_path, tmp_path)
    assert res["first_h2"] == "sec-summary", res["first_h2"]
    assert res["banner"], "synthetic data without the banner"
    assert res["items"] >= 20, res["items"]  # every table and figure of the study is counted
    assert res["unnoted"] == [], f"tables/figures without a note: {res['unnoted']}"
    assert res["bad_cells"] == [], f"nan / -0.0 cells: {res['bad_cells'][:10]}"
    assert res["images"] >= 9 and res["broken"] == 0
    assert res["page_width"] <= res["window_width"], res
    assert res["wide"] == [], f"elements wider than the page: {res['wide']}"
    # figures are shown at their size in CSS inches (not shrunk): fonts render at pt * 96/72
    for alt, shown, natural in res["shown_px"]:
        assert abs(shown - natural * style.CSS_DPI / style.DPI) <= 1, (alt, shown, natural)


@pytest.mark.slow
def test_figures_fonts_and_sizes(tiny_run):
    """Every figure as written: 6.5 in wide, smallest text >= 10 px as shown (style.py)."""
    geo = json.loads((tiny_run.out_dir / "figures" / "geometry.json").read_text())
    assert len(geo) >= 9
    for name, g in geo.items():
        assert g["width_in"] == pytest.approx(style.FIG_WIDTH), name
        assert g["min_font_px"] >= 10, (name, g)
        assert g["css_px"] <= style.PAGE_PX, (name, g)


@pytest.mark.slow
def test_outputs_for_a_paper(tiny_run):
    out = tiny_run.out_dir
    names = {p.stem for p in (out / "tables").glob("*.tex")}
    assert {"iv_offshorability", "iv_robustness_2", "estimates", "calibration"} <= names
    for n in names:
        for ext in ("csv", "md"):
            assert (out / "tables" / f"{n}.{ext}").exists(), (n, ext)
    html = tiny_run.report_path.read_text()
    assert 'href="tables/estimates.csv"' in html and 'href="tables/estimates.tex"' in html
    # the seed paper's continuous numbering: the second robustness table runs (9)-(17)
    rob2 = (out / "tables" / "iv_robustness_2.csv").read_text()
    assert "(9)" in rob2 and "(1)" not in rob2
    files = [p for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts]
    bad = [str(p) for p in files if stat.S_IMODE(p.stat().st_mode) != 0o644]
    assert bad == [], bad
    res = json.loads((out / "results.json").read_text())
    iv = res["estimates"]["IV high-offshorable (cognitive x 100)"]
    assert isinstance(iv["estimate"], float) and isinstance(iv["n"], int)
    assert iv["ci_low"] < iv["estimate"] < iv["ci_high"]
    # the same number the CLI prints
    assert f"{iv['estimate']:.4f}" in res["headline"]["IV high-offshorable (cognitive x 100)"]
    # every IV column as numbers, numbered as the seed paper numbers them
    rob2 = res["iv_tables"]["robustness_2"]
    first = next(iter(rob2))
    assert first.startswith("(9)"), first
    assert isinstance(rob2[first]["off_china"]["se"], float)


@pytest.mark.slow
def test_study_tex_tables_compile(tiny_run, tmp_path):
    from tests.report.test_latex import compile_tables

    compile_tables(sorted((tiny_run.out_dir / "tables").glob("*.tex")), tmp_path)


def test_probe_can_fail(tmp_path):
    """The probe sees a figure without a note, a too-wide element, a "-0.0" cell, no banner."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<html><body><h2 id='x'>X</h2><figure><img src='data:image/png;base64,AAAA'/></figure>"
        "<div style='width:3000px'>wide</div><table><tr><td>-0.0</td></tr></table></body></html>"
    )
    res = _probe(bad, tmp_path)
    assert res["first_h2"] == "x" and not res["banner"]
    assert len(res["unnoted"]) == 1 and res["bad_cells"] == ["-0.0"] and res["broken"] == 1
    assert res["wide"] and res["page_width"] > res["window_width"]


def test_progress_plain_lines_in_logs():
    """Not a terminal: plain lines (rate-limited, the last one always), no control codes."""
    import io

    from skillshore._progress import progress

    buf = io.StringIO()
    with progress(5, "bootstrap draws", stream=buf, every=3600) as bar:
        for _ in range(5):
            bar.advance()
    lines = buf.getvalue().splitlines()
    assert [ln.split(" (")[0].strip() for ln in lines] == [
        "bootstrap draws: 1/5",
        "bootstrap draws: 5/5",
    ]
    assert "\x1b" not in buf.getvalue()
    quiet = io.StringIO()
    with progress(3, "x", stream=quiet, enabled=False) as bar:
        bar.advance(3)
    assert quiet.getvalue() == ""


@pytest.mark.slow
def test_results_json_sample_reconciles(tiny_run):
    """results.json["sample"] (issue 19): integers, chained within each population, starting
    from the raw tables' row counts (read here from the files) and ending at the worker
    panel and each IV column's N."""
    import polars as pl

    out = tiny_run.out_dir
    recs = json.loads((out / "results.json").read_text())["sample"]
    assert recs and all(
        isinstance(r[k], int) for r in recs for k in ("rows_in", "dropped", "rows_out")
    )
    pops: dict[str, list[dict]] = {}
    for r in recs:
        assert r["rows_out"] == r["rows_in"] - r["dropped"]
        pops.setdefault(r["population"], []).append(r)
    for steps in pops.values():
        for a, b in zip(steps, steps[1:], strict=False):
            assert b["rows_in"] == a["rows_out"]
    data = out / "data"
    assert pops["worker-years"][0]["rows_in"] == pl.read_parquet(data / "workers.parquet").height
    assert pops["firm-years"][0]["rows_in"] == pl.read_parquet(data / "firms.parquet").height
    assert pops["worker-years"][-1]["rows_out"] == tiny_run.results["facts"].panel.height
    tab = tiny_run.results["iv"].tables["offshorability"]
    for label, col in zip(tab.labels, tab.columns, strict=True):
        assert pops[f"IV table 'offshorability', column {label}"][-1]["rows_out"] == col.nobs
    assert (out / "tables" / "sample.csv").exists() and "Sample" in tiny_run.report_path.read_text()
