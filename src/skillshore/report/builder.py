"""Assemble the study's report: ``report.html`` (self-contained, figures embedded) read
top-down by an economist, and the files a paper needs: ``tables/*.csv``, ``*.tex``
(booktabs, compilable), ``*.md``; ``figures/*.png`` and ``*.pdf``; every file mode 0644.

The page: title, a banner when the data are synthetic, a table of contents, the summary
(headline numbers beside the seed paper's), the seed findings scorecard, the sections, a
closing "Summary and conclusion", and the glossary. Every table and every figure carries a
note (data, sample, specification); an item left out says why (:meth:`ReportBuilder.omitted`).

Stages hand the builder result objects (anything with ``to_frame()``, see
:class:`skillshore._results.TableMixin`) and matplotlib figures; the builder never
recomputes a number.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillshore.report import export, style
from skillshore.report.glossary import glossary_html, link_terms
from skillshore.report.io import atomic_path, write_text

__all__ = ["ReportBuilder", "HeadlineRow"]

_CSS = f"""
body{{font-family:Georgia,'Times New Roman',serif;max-width:{style.PAGE_PX}px;margin:2em auto;padding:0 1em;color:#111;line-height:1.45;font-size:16px}}
h1{{font-size:1.8em;margin-bottom:.2em}} h2{{border-bottom:1px solid #999;padding-bottom:.2em;margin-top:2em}}
h3{{margin-top:1.5em;font-size:1.05em}} .meta{{color:#555;font-size:.9em}}
.banner{{background:#fff3cd;border:2px solid #c58a00;padding:.7em 1em;font-weight:bold;margin:1em 0}}
.toc ol{{margin:.3em 0}} .toc{{font-size:.95em}}
table.sstable{{border-collapse:collapse;margin:.6em 0;font-size:.85em;font-variant-numeric:tabular-nums}}
table.sstable th,table.sstable td{{padding:.2em .55em;text-align:center;border:none}}
table.sstable thead tr:first-child th{{border-top:2px solid #000}}
table.sstable thead tr:last-child th{{border-bottom:1px solid #000}}
table.sstable th.grp{{border-bottom:1px solid #000}}
table.sstable tbody tr:last-child td,table.sstable tbody tr:last-child th{{border-bottom:2px solid #000}}
table.sstable tbody th{{text-align:left;font-weight:normal}}
figure{{margin:1.5em 0;text-align:center}} figure img{{max-width:100%;height:auto}} figcaption{{font-size:.95em}}
.note{{background:#f4f4f4;border-left:3px solid #888;padding:.5em 1em;font-size:.88em;margin:.4em 0 1.2em}}
.warn{{background:#fdecea;border-left:3px solid #b00020;padding:.4em 1em;font-size:.88em;margin:.3em 0}}
.omitted{{background:#eef;border-left:3px solid #446;padding:.4em 1em;font-size:.88em}}
.files{{font-size:.8em;color:#444}} .tablewrap{{max-width:100%;overflow-x:auto}}
dl.glossary dt{{font-weight:bold;margin-top:.5em}} dl.glossary dd{{margin-left:1.5em}}
"""


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@dataclass(frozen=True)
class HeadlineRow:
    """One headline number: ours (with its interval) beside the seed paper's."""

    name: str
    estimate: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    seed: str = ""
    n: int | None = None
    digits: int = 2
    note: str = ""
    se: float | None = None

    def ours(self) -> str:
        from skillshore._results import fmt_num

        if self.estimate is None:
            return "not estimated"
        s = fmt_num(self.estimate, self.digits)
        if self.ci_low is not None and self.ci_high is not None:
            s += f" ({fmt_num(self.ci_low, self.digits)}, {fmt_num(self.ci_high, self.digits)})"
        if self.n is not None:
            s += f"; N = {self.n:,d}"
        return s


@dataclass
class _Item:
    kind: str
    name: str = ""
    caption: str = ""
    payload: Any = None
    note: str = ""
    numbers: Sequence[str] | None = None


@dataclass
class _Section:
    title: str
    items: list[_Item] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return "sec-" + _slug(self.title)


class ReportBuilder:
    """Collect sections, tables and figures; write them all atomically.

    Parameters
    ----------
    title : str
        Report title.
    meta : str
        One line under the title (data source, version, date).
    synthetic : str, optional
        When set (the data are a synthetic economy: its folder has ``truth.json``), a loud
        banner with this text opens the page.
    max_cols : int
        Tables with more data columns are split into parts (page width).
    """

    def __init__(self, title: str, meta: str = "", synthetic: str | None = None, max_cols: int = 9):
        self.title = title
        self.meta = meta
        self.synthetic = synthetic
        self.max_cols = max_cols
        self.sections: list[_Section] = []
        self._summary: _Section | None = None
        self._conclusion: _Section | None = None
        self._scorecard: Any = None
        self.figure_geometry: dict[str, dict[str, float]] = {}

    # ------------------------------------------------------------------ structure
    def section(self, title: str) -> ReportBuilder:
        """Start a new section; later items go into it."""
        self.sections.append(_Section(title))
        return self

    def summary(self, rows: Sequence[HeadlineRow], text: Sequence[str] = ()) -> ReportBuilder:
        """The summary that opens the report: headline numbers (ours with intervals beside the
        seed paper's) and paragraphs."""
        sec = _Section("Summary")
        sec.items += [_Item("text", payload=t) for t in text]
        sec.items.append(_Item("headline", payload=list(rows)))
        self._summary = sec
        return self

    def scorecard(self, scorecard: Any = None) -> ReportBuilder:
        """The seed findings scorecard (a table object); ``None`` shows a placeholder."""
        self._scorecard = scorecard
        return self

    def conclusion(self, text: Sequence[str]) -> ReportBuilder:
        """The closing "Summary and conclusion": what the run supports."""
        self._conclusion = _Section(
            "Summary and conclusion", [_Item("text", payload=t) for t in text]
        )
        return self

    def _current(self) -> _Section:
        if not self.sections:
            self.section("Results")
        return self.sections[-1]

    # ---------------------------------------------------------------------- items
    def text(self, text: str, note: bool = False) -> ReportBuilder:
        """A paragraph of plain text (escaped; glossary terms linked)."""
        self._current().items.append(_Item("note" if note else "text", payload=text))
        return self

    def warn(self, *warnings: str) -> ReportBuilder:
        """Visible warnings (an interval degenerate, too wide, or missing the truth)."""
        for w in warnings:
            self._current().items.append(_Item("warn", payload=w))
        return self

    def omitted(self, name: str, reason: str) -> ReportBuilder:
        """Say, visibly, that an item is left out and why."""
        self._current().items.append(_Item("omitted", _slug(name), payload=f"{name}: {reason}"))
        return self

    def table(
        self,
        name: str,
        table: Any,
        note: str,
        caption: str = "",
        numbers: Sequence[str] | None = None,
    ) -> ReportBuilder:
        """A table object with ``to_frame()``; ``note`` states data, sample and specification
        (instrument, fixed effects, clustering, weights, units; stars; restrictions).
        ``numbers`` replaces the column numbers (the seed paper's continuous numbering)."""
        if not note or not note.strip():
            raise ValueError(f"table {name!r}: a note (data, sample, specification) is required")
        self._current().items.append(_Item("table", _slug(name), caption, table, note, numbers))
        return self

    def figure(self, name: str, fig: Any, note: str, caption: str = "") -> ReportBuilder:
        """A matplotlib figure (closed after writing) with its note."""
        if not note or not note.strip():
            raise ValueError(f"figure {name!r}: a note (data, sample, what is plotted) is required")
        self._current().items.append(_Item("figure", _slug(name), caption, fig, note))
        return self

    @property
    def n_tables(self) -> int:
        return sum(it.kind == "table" for s in self.sections for it in s.items)

    @property
    def n_figures(self) -> int:
        return sum(it.kind == "figure" for s in self.sections for it in s.items)

    # ---------------------------------------------------------------------- render
    def _table_html(self, it: _Item, out_dir: Path) -> list[str]:
        t = it.payload
        df = export.clean_frame(t)
        if it.numbers is not None:
            df = export.renumber(df, it.numbers)
        cap = it.caption or getattr(t, "title", "") or it.name
        tdir = out_dir / "tables"
        write_text(tdir / f"{it.name}.csv", df.to_csv())
        write_text(tdir / f"{it.name}.tex", export.latex_table(df, cap, it.note))
        write_text(tdir / f"{it.name}.md", export.markdown_table(df, cap, it.note))
        parts = export.split_wide(df, self.max_cols)
        body = [f'<h3 id="{it.name}">{html.escape(cap)}</h3>']
        for k, part in enumerate(parts):
            if len(parts) > 1:
                body.append(f'<p class="meta">Part {k + 1} of {len(parts)}</p>')
            body.append(f'<div class="tablewrap">{export.html_table(part)}</div>')
        body.append(f'<p class="note">Note: {link_terms(it.note)}</p>')
        body.append(
            f'<p class="files">Files: <a href="tables/{it.name}.csv">CSV</a> · '
            f'<a href="tables/{it.name}.tex">LaTeX</a> · <a href="tables/{it.name}.md">Markdown</a></p>'
        )
        return body

    def _figure_html(self, it: _Item, out_dir: Path) -> list[str]:
        import matplotlib.pyplot as plt

        fig = it.payload
        geo = style.normalize(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=style.DPI, bbox_inches="tight")
        png = buf.getvalue()
        with atomic_path(out_dir / "figures" / f"{it.name}.png") as tmp:
            tmp.write_bytes(png)
        with atomic_path(out_dir / "figures" / f"{it.name}.pdf") as tmp:
            fig.savefig(tmp, format="pdf", bbox_inches="tight")
        plt.close(fig)
        # shown at its size in CSS inches: png px / (DPI / CSS_DPI) (report/style.py)
        px = int.from_bytes(png[16:20], "big")
        css_w = round(px * style.CSS_DPI / style.DPI)
        geo.update(png_px=px, css_px=css_w, min_font_px=style.rendered_px(geo["min_font_pt"]))
        self.figure_geometry[it.name] = geo
        b64 = base64.b64encode(png).decode()
        cap = it.caption or it.name
        return [
            f'<figure id="{it.name}"><img alt="{html.escape(cap)}" width="{css_w}" '
            f'src="data:image/png;base64,{b64}"/>'
            f"<figcaption>{html.escape(cap)}</figcaption></figure>",
            f'<p class="note">Note: {link_terms(it.note)}</p>',
            f'<p class="files">Files: <a href="figures/{it.name}.png">PNG</a> · '
            f'<a href="figures/{it.name}.pdf">PDF</a></p>',
        ]

    def _items_html(self, sec: _Section, out_dir: Path) -> list[str]:
        body = [f'<h2 id="{sec.anchor}">{html.escape(sec.title)}</h2>']
        for it in sec.items:
            if it.kind == "text":
                body.append(f"<p>{link_terms(it.payload)}</p>")
            elif it.kind == "note":
                body.append(f'<p class="note">{link_terms(it.payload)}</p>')
            elif it.kind == "warn":
                body.append(f'<p class="warn">Warning: {link_terms(it.payload)}</p>')
            elif it.kind == "omitted":
                body.append(
                    f'<p class="omitted" id="{it.name}">Not shown: {link_terms(it.payload)}</p>'
                )
            elif it.kind == "headline" and it.payload:
                body.append(self._headline_html(it.payload))
            elif it.kind == "headline":
                body.append(
                    '<p class="omitted">Not shown: headline numbers: none of the IV, '
                    "structural or counterfactual stages produced an estimate (see the "
                    "sections below for why).</p>"
                )
            elif it.kind == "table":
                body += self._table_html(it, out_dir)
            elif it.kind == "figure":
                body += self._figure_html(it, out_dir)
        return body

    @staticmethod
    def _headline_html(rows: Sequence[HeadlineRow]) -> str:
        out = [
            '<table class="sstable headline"><thead><tr><th class="stub"></th>'
            "<th>This run (95% interval)</th><th>The seed paper</th><th>Note</th></tr></thead><tbody>"
        ]
        for r in rows:
            out.append(
                f"<tr><th>{html.escape(r.name)}</th><td>{html.escape(r.ours())}</td>"
                f"<td>{html.escape(r.seed)}</td><td>{link_terms(r.note)}</td></tr>"
            )
        out.append("</tbody></table>")
        return "".join(out)

    def _scorecard_section(self, out_dir: Path) -> _Section:
        sec = _Section("Seed findings scorecard")
        if self._scorecard is None:
            sec.items.append(
                _Item(
                    "omitted",
                    "scorecard",
                    payload="Seed findings scorecard: it will appear here when computed "
                    "(which of the seed paper's findings this run reproduces, with the "
                    "evidence for each).",
                )
            )
        else:
            sec.items.append(
                _Item(
                    "table",
                    "scorecard",
                    "Seed findings scorecard",
                    self._scorecard,
                    getattr(self._scorecard, "note", "")
                    or "Each row: a finding of the seed paper, the statistic of this run that "
                    "tests it, its 95% interval where the run has one (lower, upper), and "
                    "whether it holds (judged on the point estimate; an interval across zero "
                    "leaves the sign unresolved).",
                )
            )
        return sec

    def write(self, out_dir: str | Path) -> Path:
        """Write ``report.html``, ``tables/`` and ``figures/`` under ``out_dir`` (every
        output file mode 0644); returns the HTML path."""
        out_dir = Path(out_dir)
        (out_dir / "tables").mkdir(parents=True, exist_ok=True)
        (out_dir / "figures").mkdir(parents=True, exist_ok=True)
        ordered = [s for s in (self._summary,) if s is not None]
        ordered.append(self._scorecard_section(out_dir))
        ordered += self.sections
        if self._conclusion is not None:
            ordered.append(self._conclusion)
        body = [f"<h1>{html.escape(self.title)}</h1>"]
        if self.meta:
            body.append(f'<p class="meta">{html.escape(self.meta)}</p>')
        if self.synthetic:
            body.append(
                f'<div class="banner" id="synthetic-banner">{link_terms(self.synthetic)}</div>'
            )
        toc = "".join(f'<li><a href="#{s.anchor}">{html.escape(s.title)}</a></li>' for s in ordered)
        body.append(
            f'<nav class="toc"><strong>Contents</strong><ol>{toc}'
            '<li><a href="#sec-glossary">Glossary</a></li></ol></nav>'
        )
        for sec in ordered:
            body += self._items_html(sec, out_dir)
        body.append('<h2 id="sec-glossary">Glossary</h2>' + glossary_html())
        page = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(body)
            + "\n</body></html>\n"
        )
        write_text(
            out_dir / "figures" / "geometry.json",
            json.dumps(self.figure_geometry, indent=2) + "\n",
        )
        path = write_text(out_dir / "report.html", page)
        export.chmod_outputs(out_dir)
        return path
