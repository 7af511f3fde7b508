"""LaTeX tables for a paper: symbols in math mode, specials escaped, booktabs; they compile
with pdflatex (skipped with a message where no LaTeX engine is installed; .ci/run installs
texlive-latex-base and texlive-latex-recommended)."""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest

from skillshore.report import export

PDFLATEX = shutil.which("pdflatex")

_DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{booktabs,amssymb,graphicx}
\usepackage[margin=1cm,landscape]{geometry}
\begin{document}
%s
\end{document}
"""


def compile_tables(paths, tmp_path) -> None:
    """Compile every table (``\\input``) in one document with pdflatex; fail with its log."""
    if PDFLATEX is None:
        pytest.skip(
            "no LaTeX engine (apt-get install texlive-latex-base texlive-latex-recommended); "
            ".tex tables not compiled"
        )
    body = "\n".join(r"\input{" + p.as_posix() + r"}\clearpage" for p in paths)
    (tmp_path / "doc.tex").write_text(_DOC % body)
    proc = subprocess.run(
        [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 1000


# every symbol the study's tables write (estimates, calibration, counterfactuals, IV tables)
_TRICKY = pd.DataFrame(
    {
        ("Counterfactuals", "c_F = 0"): ["1.00", "✓", "-0.0", "nan"],
        ("Counterfactuals", "Φ ↑"): ["2 × 3", "50%", "a & b", "#1"],
        ("", "νx* ↑"): ["$5", "x_1", "{a}", "~"],
    },
    index=["w_0^*", "|f_0|/|fbar|", "λ (λx + λy)", "C* (z = 0)"],
)


def test_symbols_in_math_mode_and_specials_escaped():
    assert export.latex_text("w_0^*") == "$w_{0}^{*}$"
    assert export.latex_text("νx*") == r"$\nu_{x}^{*}$"
    assert export.latex_text("Φ") == r"$\Phi$"
    assert export.latex_text("50% & #1") == r"50\% \& \#1"
    assert "$$" not in export.latex_text("|f_0|/|fbar|")  # would open display math


def test_grouped_header_spans_and_rules():
    df = export.clean_frame(_TRICKY)
    tex = export.latex_table(df, "Tricky", "Note with nu_x* and 5%.")
    assert r"\multicolumn{2}{c}{Counterfactuals}" in tex and r"\cmidrule(lr){2-3}" in tex
    assert r"\toprule" in tex and r"\bottomrule" in tex
    # cleaned cells: no nan, no negative zero
    assert list(df.iloc[2]) == ["0.0", "a & b", "{a}"] and df.iloc[3, 0] == ""


def test_tricky_table_compiles(tmp_path):
    df = export.clean_frame(_TRICKY)
    path = tmp_path / "t.tex"
    path.write_text(export.latex_table(df, "Tricky: Φ, w_0^*", "Stars: *** p < 0.01; 5% & more."))
    compile_tables([path], tmp_path)


def test_html_spanning_header_and_split():
    cols = pd.MultiIndex.from_arrays([["A"] * 6 + ["B"] * 6, [f"c{i}" for i in range(12)]])
    df = pd.DataFrame([[str(i) for i in range(12)]], index=["row"], columns=cols)
    html = export.html_table(df)
    assert html.count('colspan="6" class="grp"') == 2
    parts = export.split_wide(df, 9)
    assert [p.shape[1] for p in parts] == [6, 6]  # split at the group border


def test_numbers_of_iv_like_result():
    class R:
        params = pd.Series({"x": 0.5})
        std_errors = pd.Series({"x": 0.1})
        nobs = 100

        def conf_int(self, level=0.95):
            return pd.DataFrame({"lower": [0.3], "upper": [0.7]}, index=["x"])

    assert export.numbers_of(R()) == {
        "x": {"estimate": 0.5, "se": 0.1, "ci_low": 0.3, "ci_high": 0.7, "n": 100}
    }


def test_interval_warnings():
    from skillshore.report.checks import interval_warnings

    # the seed paper's widest published interval is not flagged
    assert interval_warnings("lambda", 108.78, 80.49, 170.42) == []
    assert any("wider" in w for w in interval_warnings("c_F", 150.0, 93.94, 2372.26))
    assert any("degenerate" in w for w in interval_warnings("nu", 1.0, 1.0, 1.0))
    assert any("misses the planted truth" in w for w in interval_warnings("Phi", 72, 63, 80, 81))
    assert interval_warnings("Phi", 72, 63, 80, 75.55) == []
    assert interval_warnings("Phi", 72, None, None) == ["Phi: no interval (point estimate only)."]


def test_row_multiindex_reads_as_text_not_a_tuple():
    import pandas as pd

    from skillshore.report.export import clean_frame

    idx = pd.MultiIndex.from_tuples([("E(wage)", "c_F = 0"), ("SD(wage)", "Φ ↑")])
    df = clean_frame(pd.DataFrame({"truth": [-1.5, 0.25]}, index=idx))
    assert list(df.index) == ["E(wage): c_F = 0", "SD(wage): Φ ↑"]
