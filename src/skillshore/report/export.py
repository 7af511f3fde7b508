"""Tables for a paper: clean cells, spanning headers, HTML, LaTeX (booktabs), Markdown, CSV,
and numbers as numbers for ``results.json``.

Every table of the study is a result object with ``to_frame()`` (:mod:`skillshore._results`);
this module renders that frame, so the layout is decided in one place:

* cells: ``nan``/``None`` become empty, ``-0.0`` becomes ``0.0``; pandas index names are
  dropped (they rendered as stray rows "table", "rule", "year");
* columns: a ``MultiIndex`` gives grouped headers that span (and are underlined over) their
  columns, as in the seed's tables; levels that are empty everywhere are dropped;
* wide tables (more than ``max_cols`` data columns) are split into parts at group borders.

Hand-written HTML rather than great-tables: measured here, great-tables 1.1 emits about
10 KB of CSS per table, needs unique column names (the seed's "Low"/"High" repeat in every
group) and takes about 6 s to import on a loaded 2-core machine; the renderer below is
about 60 lines and covers spanning headers, numbering and notes.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from skillshore._results import LATEX_SPECIALS

__all__ = [
    "clean_frame",
    "group_columns",
    "chmod_outputs",
    "html_table",
    "latex_table",
    "latex_text",
    "markdown_table",
    "numbers_of",
    "renumber",
    "split_wide",
]

_NEG_ZERO = re.compile(r"^-(0(?:\.0*)?)(\D*)$")


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if not math.isfinite(v):
            return ""
        from skillshore._results import fmt_num

        v = fmt_num(v)
    s = str(v).strip()
    if s.lower() in ("nan", "none", "<na>", "nat", "inf", "-inf"):
        return ""
    m = _NEG_ZERO.match(s)
    return m.group(1) + m.group(2) if m else s


def clean_frame(obj: Any) -> pd.DataFrame:
    """The table's frame with string cells (``nan`` empty, no ``-0.0``), no index names and
    no column level that is empty everywhere."""
    if isinstance(obj, pd.DataFrame):
        df = obj
    else:  # a table may say how it reads (e.g. yes/no for a 1/0 column); numbers otherwise
        df = obj.display_frame() if hasattr(obj, "display_frame") else obj.to_frame()
    df = df.copy()
    df = df.map(_cell)
    # a row MultiIndex reads as "outer: inner" (not as a Python tuple)
    df.index = [
        ": ".join(_cell(v) for v in i) if isinstance(i, tuple) else _cell(i) for i in df.index
    ]
    df.index.name = None
    if isinstance(df.columns, pd.MultiIndex):
        levels = [
            [_cell(c) for c in df.columns.get_level_values(i)] for i in range(df.columns.nlevels)
        ]
        levels = [lev for lev in levels if any(lev)] or [[""] * len(df.columns)]
        # a one-column group named as its column ("All" over "All"): the name once, on top
        for up, low in zip(levels, levels[1:], strict=False):
            for j, (a, b) in enumerate(zip(up, low, strict=True)):
                single = (j == 0 or up[j - 1] != a) and (j == len(up) - 1 or up[j + 1] != a)
                if a and a == b and single:
                    low[j] = ""
        df.columns = pd.MultiIndex.from_arrays(levels) if len(levels) > 1 else pd.Index(levels[0])
    else:
        df.columns = [_cell(c) for c in df.columns]
    df.columns.names = [None] * df.columns.nlevels
    return df


def _levels(df: pd.DataFrame) -> list[list[str]]:
    cols = df.columns
    if isinstance(cols, pd.MultiIndex):
        return [[str(c) for c in cols.get_level_values(i)] for i in range(cols.nlevels)]
    return [[str(c) for c in cols]]


def _spans(labels: list[str], parent: list[tuple[int, int]] | None = None) -> list[tuple[str, int]]:
    """(label, span) runs of equal consecutive labels, never crossing a parent's border."""
    borders = {0}
    for a, n in parent or []:
        borders |= {a, a + n}
    out: list[tuple[str, int]] = []
    for j, lab in enumerate(labels):
        if out and out[-1][0] == lab and j not in borders and lab:
            out[-1] = (lab, out[-1][1] + 1)
        else:
            out.append((lab, 1))
    return out


def _header_rows(df: pd.DataFrame) -> list[list[tuple[str, int]]]:
    rows: list[list[tuple[str, int]]] = []
    parent: list[tuple[int, int]] | None = None
    for lev in _levels(df):
        spans = _spans(lev, parent)
        rows.append(spans)
        pos, parent = 0, []
        for _, n in spans:
            parent.append((pos, n))
            pos += n
    return rows


def group_columns(df: pd.DataFrame, sep: str = " ") -> pd.DataFrame:
    """Flat column names "group<sep>label" (e.g. "1996 truth", "cognitive: All") as a
    two-level header, so the group spans its columns; a name without ``sep`` (e.g. "N")
    gets an empty group; unchanged when no name has ``sep``."""
    cols = [str(c) for c in df.columns]
    if isinstance(df.columns, pd.MultiIndex) or not any(sep in c for c in cols):
        return df
    pairs = [c.split(sep, 1) if sep in c else ["", c] for c in cols]
    df = df.copy()
    df.columns = pd.MultiIndex.from_arrays([[p[0] for p in pairs], [p[1] for p in pairs]])
    return df


def renumber(df: pd.DataFrame, numbers: Sequence[str]) -> pd.DataFrame:
    """Replace the last header level (the column numbers) with ``numbers``, e.g. the seed's
    continuous numbering ``(9)..(17)`` of its second robustness table."""
    if len(numbers) != df.shape[1]:
        return df
    levels = _levels(df)
    levels[-1] = list(numbers)
    df = df.copy()
    df.columns = pd.MultiIndex.from_arrays(levels) if len(levels) > 1 else pd.Index(levels[0])
    return df


def split_wide(df: pd.DataFrame, max_cols: int = 9) -> list[pd.DataFrame]:
    """Split a table into parts of at most ``max_cols`` data columns, at top-level group
    borders where possible (a group wider than ``max_cols`` is cut)."""
    if df.shape[1] <= max_cols:
        return [df]
    parts, start, pos = [], 0, 0
    for _, n in _header_rows(df)[0]:
        if pos + n - start > max_cols and pos > start:
            parts.append(df.iloc[:, start:pos])
            start = pos
        pos += n
        while pos - start > max_cols:
            parts.append(df.iloc[:, start : start + max_cols])
            start += max_cols
    if start < df.shape[1]:
        parts.append(df.iloc[:, start:])
    return parts


def html_table(df: pd.DataFrame, cls: str = "sstable") -> str:
    """An HTML table with spanning, underlined group headers (``th.grp``)."""
    out = [f'<table class="{cls}"><thead>']
    for spans in _header_rows(df):
        cells = ['<th class="stub"></th>']
        for lab, n in spans:
            span = f' colspan="{n}"' if n > 1 else ""
            grp = ' class="grp"' if lab and n > 1 else ""
            cells.append(f"<th{span}{grp}>{html.escape(lab)}</th>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</thead><tbody>")
    for idx, row in zip(df.index, df.itertuples(index=False), strict=True):
        tds = "".join(f"<td>{html.escape(str(v))}</td>" for v in row)
        out.append(f"<tr><th>{html.escape(str(idx))}</th>{tds}</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


# ------------------------------------------------------------------------------ LaTeX
_MATH = {
    "Φ": r"\Phi",
    "λ": r"\lambda",
    "ν": r"\nu",
    "β": r"\beta",
    "π": r"\pi",
    "σ": r"\sigma",
    "≥": r"\geq",
    "≤": r"\leq",
    "×": r"\times",
    "↑": r"\uparrow",
    "↓": r"\downarrow",
    "→": r"\rightarrow",
    "−": "-",
    "±": r"\pm",
    "∪": r"\cup",
    "∞": r"\infty",
    "∈": r"\in",
    "≈": r"\approx",
}
# symbols written in ASCII by the tables: w_0^*, nu_x*, c_F, C*, r_0, fbar ...
_ASCII_MATH = re.compile(
    r"(?<![A-Za-z\\])(?:"
    r"(?P<greek>Phi|lambda|nu|beta)(?:_?(?P<gsub>[xy0-9]+))?(?P<gstar>\^?\*)?"
    r"|(?P<sym>[wrcCf]|fbar|gbar)_(?P<sub>\{?[A-Za-z0-9]+\}?)(?P<star>\^?\*)?"
    r"|(?P<bare>[wCf]|fbar|gbar)(?P<bstar>\^?\*)"
    r")(?![A-Za-z])"
)


def _ascii_math(m: re.Match) -> str:
    if m.group("greek"):
        body = "\\" + m.group("greek")
        if m.group("gsub"):
            body += "_{" + m.group("gsub") + "}"
        if m.group("gstar"):
            body += "^{*}"
        return f"${body}$"
    if m.group("sym"):
        sym = {"fbar": r"\bar{f}", "gbar": r"\bar{g}"}.get(m.group("sym"), m.group("sym"))
        body = sym + "_{" + m.group("sub").strip("{}") + "}"
        if m.group("star"):
            body += "^{*}"
        return f"${body}$"
    sym = {"fbar": r"\bar{f}", "gbar": r"\bar{g}"}.get(m.group("bare"), m.group("bare"))
    return f"${sym}^{{*}}$"


def latex_text(s: Any) -> str:
    """Escape LaTeX specials and put symbols in math mode (``Φ`` -> ``$\\Phi$``, ``w_0^*`` ->
    ``$w_{0}^{*}$``, ``νx*`` -> ``$\\nu_{x}^{*}$``, ``✓`` -> ``$\\checkmark$``)."""
    s = str(s)
    # Greek letter followed by subscript letters and a star (the tables write "νx*", "νy")
    s = re.sub(r"([ΦλνβπσΦ])([xy0-9]?)(\*?)", lambda m: _greek(m), s)
    s = _ASCII_MATH.sub(lambda m: "\x00" + _ascii_math(m) + "\x01", s)
    s = re.sub(
        r"(?<![A-Za-z])(f|g)bar(?![A-Za-z])", lambda m: "\x00$\\bar{" + m.group(1) + "}$\x01", s
    )
    parts = re.split(r"(\x00.*?\x01)", s)
    out = []
    for p in parts:
        if p.startswith("\x00"):
            out.append(p[1:-1])
            continue
        for a, b in (
            *LATEX_SPECIALS,
            ("$", r"\$"),
            ("{", r"\{"),
            ("}", r"\}"),
            ("^", r"\^{}"),
            ("~", r"\textasciitilde{}"),
            ("|", r"$|$"),
            ("<", r"$<$"),
            (">", r"$>$"),
        ):
            p = p.replace(a, b)
        for a, b in _MATH.items():
            p = p.replace(a, f"${b}$")
        p = p.replace("✓", r"$\checkmark$").replace("–", "--").replace("—", "---")
        p = p.replace("·", r"$\cdot$").replace("…", r"\ldots{}")
        # any other non-ASCII character: its ASCII decomposition (é -> e), else "?" - a
        # pdflatex run must never stop on an unknown character
        p = "".join(c if ord(c) < 128 else _ascii_of(c) for c in p)
        out.append(p)
    # adjacent math ("$|$$f_{0}$") merged: "$$" would open display math
    return re.sub(r"(?<!\\)\$\$", "", "".join(out))


def _ascii_of(c: str) -> str:
    import unicodedata

    base = unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode()
    return base or "?"


def _greek(m: re.Match) -> str:
    name = _MATH[m.group(1)]
    body = name + (f"_{{{m.group(2)}}}" if m.group(2) else "") + ("^{*}" if m.group(3) else "")
    return "\x00$" + body + "$\x01"


def latex_table(df: pd.DataFrame, title: str = "", note: str = "") -> str:
    """A booktabs ``table`` float (needs ``booktabs`` and ``amssymb``): grouped headers as
    ``\\multicolumn`` with ``\\cmidrule`` under each group, the note under the table."""
    ncol = df.shape[1]
    out = [r"\begin{table}[htbp]", r"\centering"]
    if title:
        out.append(r"\caption{" + latex_text(title) + "}")
    out += [r"\begin{tabular}{l" + "c" * ncol + "}", r"\toprule"]
    for spans in _header_rows(df):
        cells, rules, j = [], [], 2
        for lab, n in spans:
            txt = latex_text(lab)
            cells.append(rf"\multicolumn{{{n}}}{{c}}{{{txt}}}" if n > 1 else txt)
            if lab and n > 1:
                rules.append(rf"\cmidrule(lr){{{j}-{j + n - 1}}}")
            j += n
        out.append(" & " + " & ".join(cells) + r" \\")
        if rules:
            out.append(" ".join(rules))
    out.append(r"\midrule")
    for idx, row in zip(df.index, df.itertuples(index=False), strict=True):
        out.append(" & ".join([latex_text(idx), *[latex_text(v) for v in row]]) + r" \\")
    out += [r"\bottomrule", r"\end{tabular}"]
    if note:
        out.append(
            r"\par\smallskip\parbox{\linewidth}{\footnotesize Note: " + latex_text(note) + "}"
        )
    out.append(r"\end{table}")
    return "\n".join(out) + "\n"


def markdown_table(df: pd.DataFrame, title: str = "", note: str = "") -> str:
    """A GitHub Markdown table; grouped headers as extra header rows (label over its first
    column)."""
    rows = _header_rows(df)
    n = df.shape[1]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    def flat(spans: list[tuple[str, int]]) -> list[str]:
        return [c for lab, k in spans for c in [lab] + [""] * (k - 1)]

    out = [f"**{title}**", ""] if title else []
    out.append(line(["", *flat(rows[-1])]))
    out.append("|---|" + "---:|" * n)
    for spans in rows[:-1]:
        out.append(line(["", *flat(spans)]))
    for idx, row in zip(df.index, df.itertuples(index=False), strict=True):
        out.append(line([str(idx), *[str(v) for v in row]]))
    if note:
        out += ["", f"_Note: {note}_"]
    return "\n".join(out) + "\n"


# -------------------------------------------------------------------------- numbers
def _num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def numbers_of(obj: Any, level: float = 0.95) -> dict[str, dict[str, float | int | None]]:
    """Numbers as numbers: ``{name: {estimate, se, ci_low, ci_high, n}}`` for ``results.json``.

    Accepts a result with the study's vocabulary (``params``, ``std_errors``,
    ``conf_int(level)``, ``nobs``) or a numeric frame with an ``estimate`` column (and
    optionally ``se``/``std_error``, ``lower``/``ci_low``, ``upper``/``ci_high``, ``n``),
    one row per parameter.
    """
    out: dict[str, dict[str, float | int | None]] = {}
    if hasattr(obj, "params") and hasattr(obj, "std_errors"):
        params = obj.params
        se = obj.std_errors
        ci = obj.conf_int(level) if hasattr(obj, "conf_int") else None
        n = getattr(obj, "nobs", None)
        for k in params.index:
            lo = hi = None
            if ci is not None and k in ci.index:
                lo, hi = (_num(v) for v in ci.loc[k].tolist()[:2])
            out[str(k)] = {
                "estimate": _num(params[k]),
                "se": _num(se[k]) if k in se.index else None,
                "ci_low": lo,
                "ci_high": hi,
                "n": int(n) if n is not None else None,
            }
        return out
    df = obj if isinstance(obj, pd.DataFrame) else obj.to_frame()
    if "estimate" not in df.columns:
        raise TypeError(
            f"numbers_of: {type(obj).__name__} has neither params/std_errors nor an "
            f"'estimate' column (columns: {list(df.columns)})"
        )

    def col(row: pd.Series, *names: str) -> float | None:
        for c in names:
            if c in row.index:
                return _num(row[c])
        return None

    for k, row in df.iterrows():
        n = col(row, "n", "nobs")
        out[str(k)] = {
            "estimate": _num(row["estimate"]),
            "se": col(row, "se", "std_error", "std_errors"),
            "ci_low": col(row, "ci_low", "lower"),
            "ci_high": col(row, "ci_high", "upper"),
            "n": int(n) if n is not None else None,
        }
    return out


def chmod_outputs(root: str | Path, mode: int = 0o644) -> list[Path]:
    """Set ``mode`` on every file under ``root`` (the cache folder ``.cache`` excepted),
    whatever the umask; returns the files changed."""
    root = Path(root)
    done = []
    for p in sorted(root.rglob("*")):
        if p.is_file() and ".cache" not in p.relative_to(root).parts:
            os.chmod(p, mode)
            done.append(p)
    return done
