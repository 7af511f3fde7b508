"""Assemble the study's report: ``report.html`` (self-contained, figures
embedded), ``tables/*.tex`` and ``*.md``, ``figures/*.png`` and ``*.pdf``.

Stages hand the builder result objects (anything with ``to_html()``,
``to_latex()`` and ``to_markdown()``, see :class:`skillshore._results.TableMixin`)
and matplotlib figures; the builder never recomputes a number.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillshore.report.io import atomic_path, write_text

__all__ = ["ReportBuilder"]

_CSS = """
body{font-family:Georgia,'Times New Roman',serif;max-width:980px;margin:2em auto;padding:0 1em;color:#111;line-height:1.45}
h1{font-size:1.8em;margin-bottom:.2em} h2{border-bottom:1px solid #999;padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.5em} .meta{color:#555;font-size:.9em}
table.sstable{border-collapse:collapse;margin:1em 0;font-size:.9em;font-variant-numeric:tabular-nums}
table.sstable th,table.sstable td{padding:.25em .7em;text-align:right;border:none}
table.sstable thead th{border-bottom:1px solid #000;border-top:2px solid #000}
table.sstable tbody tr:last-child td,table.sstable tbody tr:last-child th{border-bottom:2px solid #000}
table.sstable tbody th{text-align:left;font-weight:normal}
figure{margin:1.5em 0;text-align:center} figure img{max-width:100%} figcaption{font-size:.9em;color:#333}
.note{background:#f4f4f4;border-left:3px solid #888;padding:.5em 1em;font-size:.9em}
.tablewrap{overflow-x:auto;max-width:100%}
"""


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@dataclass
class _Item:
    kind: str
    name: str = ""
    caption: str = ""
    payload: Any = None


@dataclass
class _Section:
    title: str
    items: list[_Item] = field(default_factory=list)


class ReportBuilder:
    """Collect sections, tables and figures; write them all atomically.

    Parameters
    ----------
    title : str
        Report title.
    meta : str
        One line under the title (data source, version, date).
    """

    def __init__(self, title: str, meta: str = ""):
        self.title = title
        self.meta = meta
        self.sections: list[_Section] = []

    def section(self, title: str) -> ReportBuilder:
        """Start a new section; later items go into it."""
        self.sections.append(_Section(title))
        return self

    def _current(self) -> _Section:
        if not self.sections:
            self.section("Results")
        return self.sections[-1]

    def text(self, text: str, note: bool = False) -> ReportBuilder:
        """A paragraph of plain text (escaped)."""
        self._current().items.append(_Item("note" if note else "text", payload=text))
        return self

    def table(self, name: str, table: Any, caption: str = "") -> ReportBuilder:
        """A table object with ``to_html/to_latex/to_markdown``."""
        self._current().items.append(_Item("table", _slug(name), caption, table))
        return self

    def figure(self, name: str, fig: Any, caption: str = "") -> ReportBuilder:
        """A matplotlib figure (closed after writing)."""
        self._current().items.append(_Item("figure", _slug(name), caption, fig))
        return self

    @property
    def n_tables(self) -> int:
        return sum(it.kind == "table" for s in self.sections for it in s.items)

    @property
    def n_figures(self) -> int:
        return sum(it.kind == "figure" for s in self.sections for it in s.items)

    def write(self, out_dir: str | Path) -> Path:
        """Write ``report.html``, ``tables/`` and ``figures/`` under ``out_dir``; returns the HTML path."""
        import matplotlib.pyplot as plt

        out_dir = Path(out_dir)
        (out_dir / "tables").mkdir(parents=True, exist_ok=True)
        (out_dir / "figures").mkdir(parents=True, exist_ok=True)
        body = [f"<h1>{html.escape(self.title)}</h1>"]
        if self.meta:
            body.append(f'<p class="meta">{html.escape(self.meta)}</p>')
        for sec in self.sections:
            body.append(f"<h2>{html.escape(sec.title)}</h2>")
            for it in sec.items:
                if it.kind in ("text", "note"):
                    cls = ' class="note"' if it.kind == "note" else ""
                    body.append(f"<p{cls}>{html.escape(it.payload)}</p>")
                elif it.kind == "table":
                    t = it.payload
                    write_text(out_dir / "tables" / f"{it.name}.tex", t.to_latex())
                    write_text(out_dir / "tables" / f"{it.name}.md", t.to_markdown())
                    cap = it.caption or getattr(t, "title", "") or it.name
                    body.append(f'<h3 id="{it.name}">{html.escape(cap)}</h3>')
                    body.append(f'<div class="tablewrap">{t.to_html()}</div>')
                elif it.kind == "figure":
                    fig = it.payload
                    buf = io.BytesIO()
                    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
                    png = buf.getvalue()
                    with atomic_path(out_dir / "figures" / f"{it.name}.png") as tmp:
                        tmp.write_bytes(png)
                    with atomic_path(out_dir / "figures" / f"{it.name}.pdf") as tmp:
                        fig.savefig(tmp, format="pdf", bbox_inches="tight")
                    plt.close(fig)
                    b64 = base64.b64encode(png).decode()
                    body.append(
                        f'<figure id="{it.name}"><img alt="{html.escape(it.caption or it.name)}" '
                        f'src="data:image/png;base64,{b64}"/>'
                        f"<figcaption>{html.escape(it.caption)}</figcaption></figure>"
                    )
        page = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(body)
            + "\n</body></html>\n"
        )
        return write_text(out_dir / "report.html", page)
