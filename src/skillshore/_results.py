"""Shared rendering for table-like result objects.

A result object implements ``to_frame()`` (a pandas DataFrame whose index holds
row labels and whose columns hold column labels, cells already formatted as
strings or numbers); this mixin derives ``to_markdown()``, ``to_latex()`` and
``summary()`` from it, so every table of the study renders the same way.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas costs about 0.25 s of a cold start (the title matcher's)
    import pandas as pd

__all__ = [
    "LATEX_SPECIALS",
    "FrameTable",
    "TableMixin",
    "stars",
    "fmt_coef",
    "fmt_estimate",
    "fmt_se",
    "fmt_num",
]


def stars(pvalue: float) -> str:
    """Significance stars as in the seed's tables: *** p<0.01, ** p<0.05, * p<0.1."""
    if pvalue is None or not math.isfinite(pvalue):
        return ""
    if pvalue < 0.01:
        return "***"
    if pvalue < 0.05:
        return "**"
    if pvalue < 0.1:
        return "*"
    return ""


def fmt_num(x: Any, digits: int = 4) -> str:
    """Format a number compactly; integers get thousands separators."""
    if x is None:
        return ""
    if isinstance(x, str):
        return x
    if isinstance(x, (int,)) and not isinstance(x, bool):
        return f"{x:,d}"
    x = float(x)
    if not math.isfinite(x):
        return ""
    if x != 0 and abs(x) < 10 ** (-digits + 1):
        if abs(x) >= 1e-7:  # two significant digits in fixed notation: 0.00076, not 7.6e-04
            return f"{x:.{1 - math.floor(math.log10(abs(x)))}f}"
        return f"{x:.{max(digits - 1, 1)}e}"
    if abs(x) >= 1e7:
        return f"{x:.{max(digits - 1, 1)}e}"
    return f"{x:.{digits}f}"


def fmt_estimate(row: Any, digits: int = 2) -> str:
    """An estimate with its interval, e.g. ``75.55 (70.37, 79.07)`` (the seed's "Estimation
    Results" layout); ``row`` has ``estimate`` and, optionally, ``lower`` and ``upper``."""
    cell = fmt_num(row["estimate"], digits)
    lower = row.get("lower")
    if lower is not None and math.isfinite(lower):
        cell += f" ({fmt_num(lower, digits)}, {fmt_num(row['upper'], digits)})"
    return cell


def fmt_coef(coef: float, pvalue: float, digits: int = 4) -> str:
    """Coefficient with stars, e.g. ``0.1491***``."""
    return fmt_num(coef, digits) + stars(pvalue)


def fmt_se(se: float, digits: int = 4) -> str:
    """Standard error in parentheses, e.g. ``(0.0544)``."""
    return f"({fmt_num(se, digits)})"


#: LaTeX specials of plain text and their escapes, in the order they are applied (the
#: backslash first); :func:`skillshore.report.export.latex_text` extends them.
LATEX_SPECIALS = (
    ("\\", r"\textbackslash{}"),
    ("&", r"\&"),
    ("%", r"\%"),
    ("#", r"\#"),
    ("_", r"\_"),
)


def _latex_escape(s: str) -> str:
    out = str(s)
    for a, b in LATEX_SPECIALS:
        out = out.replace(a, b)
    return out.replace("✓", r"\checkmark{}")


class TableMixin:
    """Derive Markdown, LaTeX and text renderings from ``to_frame()``."""

    title: str = ""

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - interface
        raise NotImplementedError

    def _string_frame(self) -> pd.DataFrame:
        df = self.to_frame().copy()
        return df.map(lambda v: v if isinstance(v, str) else fmt_num(v))

    def to_markdown(self) -> str:
        """GitHub-flavoured Markdown table (no extra dependency)."""
        df = self._string_frame()
        header = ["", *[str(c) for c in df.columns]]
        lines = []
        if getattr(self, "title", ""):
            lines.append(f"**{self.title}**\n")
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * len(df.columns)) + "|")
        for idx, row in df.iterrows():
            lines.append("| " + " | ".join([str(idx), *[str(v) for v in row]]) + " |")
        return "\n".join(lines) + "\n"

    def to_latex(self) -> str:
        """A booktabs ``tabular`` (needs ``\\usepackage{booktabs,amssymb}``)."""
        df = self._string_frame()
        ncol = len(df.columns)
        out = [r"\begin{tabular}{l" + "c" * ncol + "}", r"\toprule"]
        out.append(" & ".join(["", *[_latex_escape(c) for c in df.columns]]) + r" \\")
        out.append(r"\midrule")
        for idx, row in df.iterrows():
            out.append(" & ".join([_latex_escape(idx), *[_latex_escape(v) for v in row]]) + r" \\")
        out += [r"\bottomrule", r"\end{tabular}"]
        body = "\n".join(out) + "\n"
        if getattr(self, "title", ""):
            body = f"% {self.title}\n" + body
        return body

    def to_html(self) -> str:
        """An HTML table (used by the report)."""
        return self._string_frame().to_html(classes="sstable", border=0, escape=True)

    def summary(self) -> str:
        """Plain-text rendering for the console."""
        df = self._string_frame()
        head = f"{self.title}\n" if getattr(self, "title", "") else ""
        return head + df.to_string()

    def __str__(self) -> str:
        return self.summary()


class FrameTable(TableMixin):
    """A ready pandas DataFrame rendered as a study table (for small derived tables)."""

    def __init__(self, frame: pd.DataFrame, title: str = ""):
        self._frame = frame
        self.title = title

    def to_frame(self) -> pd.DataFrame:
        return self._frame.copy()
