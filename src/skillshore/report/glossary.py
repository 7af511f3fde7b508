"""The report's glossary: each term defined once, linked from every note that uses it.

Notes are plain text; :func:`link_terms` escapes a note and turns the first use of each
glossary term into a link to its definition (``#gl-<slug>``).
"""

from __future__ import annotations

import html
import re

__all__ = ["GLOSSARY", "glossary_html", "link_terms", "anchor"]

GLOSSARY: dict[str, str] = {
    "the seed paper": (
        "Kim, Lee and Pozzoli (2025), 'Offshoring and Segregation by Skill: Theory and "
        "Evidence' (the paper, and its slides, that this study reproduces). Its published "
        "numbers are shown beside ours as 'seed paper'. Not to be confused with the random "
        "seed, the integer that fixes every random draw of a run."
    ),
    "random seed": (
        "The integer that fixes the synthetic economy and every random step of a run "
        "(bootstrap draws, tie-breaks): the same random seed gives byte-identical outputs."
    ),
    "synthetic economy": (
        "Raw tables written by skillshore's generator (skillshore synth) from planted "
        "parameters, with the same schemas as the registers. Estimates on it say whether the "
        "code recovers a known truth; they say nothing about Denmark."
    ),
    "truth.json": (
        "The file the generator writes beside a synthetic economy's tables: the planted "
        "parameters (Phi, lambda, C, C*, the nu's, the IV effect) that estimates are compared "
        "with. Its presence marks the data as synthetic."
    ),
    "true types": (
        "On a synthetic economy only: the structural estimator run on the generator's own "
        "skill cells and firm productivity percentiles instead of the measured ones, so the "
        "gap between 'estimate' and 'true types' is the cost of measurement error."
    ),
    "z = 0": (
        "The offshoring cost shifter z (growth of China's export supply in the industry's "
        "products, centred) at its mean: C* and c_F = C - C* are reported there; with z "
        "they move by beta[z] z."
    ),
    "KSS": (
        "Kline, Saggio and Solvsten (2020) leave-one-out correction of variance components: "
        "removes the upward bias of plug-in between-firm variances in small firms."
    ),
    "BHJ": (
        "Borusyak, Hull and Jaravel (2022): a shift-share IV is equivalent to a shock-level "
        "IV; exposure-robust standard errors cluster by shock (product), and the shock-level "
        "first-stage F measures instrument strength across shocks, not firms."
    ),
    "AKM": (
        "Abowd, Kramarz and Margolis (1999) two-way fixed effects wage model (worker and "
        "firm effects)."
    ),
    "AR": (
        "Anderson-Rubin test and confidence set: valid whatever the instrument's strength; "
        "the 'AR First Stage F-stat' row reports its statistic."
    ),
    "first-stage F": (
        "Instrument strength. The main IV tables report the Kleibergen-Paap rk Wald F of the "
        "firm-level regression with firm and sector-by-year fixed effects, clustered by firm "
        "(the seed paper's 'First Stage F-stat', Stata ivreghdfe): it counts every "
        "firm-year as information. The exposure-robust table reports the BHJ shock-level F, "
        "clustered by product: with few products carrying most of the exposure it is much "
        "smaller (e.g. 1042 vs 7.97). Both are correct for their question; the shock-level "
        "one says whether enough independent shocks identify the effect."
    ),
    "margin error": (
        "The largest gap between the equilibrium's implied worker and firm masses and the "
        "targets after the IPFP solver stops; below the tolerance the equilibrium is solved."
    ),
    "IPFP": (
        "Iterative proportional fitting: the solver of the matching equilibrium (log-domain, "
        "Galichon and Salanie)."
    ),
    "bootstrap interval": (
        "95% percentile interval over bootstrap replicates of the estimation sample; what a "
        "replicate draws (firms within markets, whole markets, or markets, firms and "
        "education codes) is the 'Structural settings' table's bootstrap scheme. An interval "
        "spanning orders of magnitude means the parameter is weakly identified in this "
        "sample."
    ),
    "stars": "Significance: *** p < 0.01, ** p < 0.05, * p < 0.1 (two-sided, clustered SEs).",
}


def _slug(term: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def anchor(term: str) -> str:
    """The HTML id of a glossary term."""
    return "gl-" + _slug(term)


_LINKED = sorted(GLOSSARY, key=len, reverse=True)
_PATTERN = re.compile(
    "|".join(r"(?<![\w-])" + re.escape(html.escape(t)) + r"(?![\w-])" for t in _LINKED),
    re.IGNORECASE,
)


def link_terms(text: str) -> str:
    """Escape ``text`` for HTML and link the first use of each glossary term."""
    seen: set[str] = set()

    def sub(m: re.Match) -> str:
        term = next(t for t in _LINKED if html.escape(t).lower() == m.group(0).lower())
        if term in seen:
            return m.group(0)
        seen.add(term)
        return f'<a class="gl" href="#{anchor(term)}">{m.group(0)}</a>'

    return _PATTERN.sub(sub, html.escape(text))


def glossary_html() -> str:
    """The glossary as a definition list."""
    items = [
        f'<dt id="{anchor(t)}">{html.escape(t)}</dt><dd>{html.escape(d)}</dd>'
        for t, d in GLOSSARY.items()
    ]
    return '<dl class="glossary">' + "".join(items) + "</dl>"
