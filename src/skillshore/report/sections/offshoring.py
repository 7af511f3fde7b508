"""Section 3: offshoring, the shift-share IV, its diagnostics and exposure-robust column."""

from __future__ import annotations

from typing import Any

from skillshore.offshoring.stage import OffshoringResult
from skillshore.report.builder import ReportBuilder

# the seed paper numbers its columns continuously across some tables: the continuing-workers
# table repeats (1)-(3) and goes on with (7)-(9); the second robustness table goes on with
# (9)-(17) after the first's (1)-(8)
SEED_NUMBERS: dict[str, tuple[str, ...]] = {
    "offshorability": tuple(f"({i})" for i in range(1, 5)),
    "productivity": tuple(f"({i})" for i in range(1, 7)),
    "continuing": ("(1)", "(2)", "(3)", "(7)", "(8)", "(9)"),
    "robustness_1": tuple(f"({i})" for i in range(1, 9)),
    "robustness_2": tuple(f"({i})" for i in range(9, 18)),
}

_SPEC = (
    "2SLS on the firm x year x occupation-group panel, {y0}-{y1}: dependent variable the "
    "firm's average cognitive skill x 100 in the occupation group; endogenous regressor "
    "narrow offshoring (imports from China in the HS6 products the firm also exports, raw "
    "materials excluded, DKK 1,000 per employee); instrument the shift-share of China's "
    "export supply to the world excluding Denmark (the seed paper's eq. 3) weighted by the "
    "industry's base-year ({b0}-{b1}) import shares. Firm and sector-by-year fixed effects; unweighted "
    "unless the column says 'Weighted'; SEs clustered by firm in parentheses; stars: *** p < "
    "0.01, ** p < 0.05, * p < 0.1. First Stage F-stat: Kleibergen-Paap rk Wald F of this "
    "regression (see first-stage F in the glossary for why it differs from the BHJ "
    "shock-level F below); AR First Stage F-stat: the Anderson-Rubin statistic. "
)
_WHAT = {
    "offshorability": "Columns: all occupations, then by occupational offshorability "
    "(low-offshorable high-skill, low-offshorable medium/low-skill, high-offshorable).",
    "productivity": "High-offshorable occupations; firms split at the median of value added "
    "per worker in the first study year (Low/High type); columns (4)-(6) use invariant skills "
    "(education only, no training updates).",
    "continuing": "High-offshorable occupations; columns (7)-(9) keep only continuing workers "
    "(same firm as the year before) and their invariant skills, as in the seed paper.",
    "robustness_1": "High-offshorable occupations; firm types by sales per unit of capital, "
    "by TFP; offshoring to all low-wage countries (instrumented likewise); regressions "
    "weighted by the firm's number of workers.",
    "robustness_2": "High-offshorable occupations; excluding Copenhagen; with firm controls "
    "(log sales, log size, importer, exporter); labour- vs capital-intensive firms; exports "
    "added as a second endogenous regressor with its own shift-share instrument.",
}

#: the IV result's further tables, in order: (attribute, table name, note, caption, and
#: the item and reason the report shows when the table is missing; None: nothing)
_FURTHER = (
    (
        "variance",
        "iv_variance",
        "The seed paper's headline 'offshoring reduces the between-firm variance of "
        "skills': 2SLS of the between-firm (firm x cell) and within-firm variance of "
        "cognitive skill (x 100) in high-offshorable occupations, by industry and year, on "
        "the industry's narrow offshoring, instrumented by the shift-share of China's "
        "export supply; industry and sector-by-year fixed effects; 'Weighted' columns "
        "weight by the workers behind each variance; SEs clustered by industry; "
        "stars: *** p < 0.01, ** p < 0.05, * p < 0.1.",
        "Offshoring and the between- and within-firm variance of skills",
        ("Variance regression", "not estimated (see the notes of this section)."),
    ),
    (
        "shock_diagnostics",
        "shock_diagnostics",
        "The seed paper's 'Validity of Bartik-type instruments' summary (BHJ): shocks are "
        "China's export supply growth rates (x / x_previous year - 1, the seed paper's "
        "units) by 6-digit product and year; s_n are the products' "
        "exposure shares. (1) raw shocks, (2) after removing year means. An effective "
        "sample size (1/HHI) well above 20 and a small largest share mean that no few "
        "products drive the instrument.",
        "Validity of the Bartik-type instrument (shock-level diagnostics)",
        ("Shock-level diagnostics", "the shift-share design could not be built (see notes)."),
    ),
    (
        "exposure_robust",
        "iv_exposure_robust",
        "The main column (high-offshorable, all firms) re-estimated as the equivalent "
        "shock-level IV (BHJ): exposure-robust SEs clustered by product, firm and "
        "sector-by-year fixed effects partialled out first; 95% interval = estimate +- "
        "1.96 SE. Its first-stage F is the shock-level F: it measures the strength across "
        "products (few effective shocks give a small F) and is not comparable with the "
        "firm-level Kleibergen-Paap F of the main table (see first-stage F).",
        "Shift-share IV with exposure-robust inference (BHJ)",
        ("Exposure-robust IV", "not estimated (see the notes of this section)."),
    ),
    (
        "rotemberg",
        "rotemberg_weights",
        "Rotemberg weights (Goldsmith-Pinkham, Sorkin and Swift 2020) of the five products "
        "with the largest weight alpha: the share of the IV estimate each product's "
        "just-identified estimate beta contributes; mean_shock in DKK; exposure = the "
        "product's base-year share.",
        "Rotemberg weights of the top products",
        None,
    ),
)


def render_offshoring(
    rb: ReportBuilder,
    iv: OffshoringResult,
    truth: Any,
    years: tuple[int, int],
    base_years: tuple[int, int],
) -> None:
    rb.section("3. Regression analysis: offshoring and the shift-share IV")
    spec = _SPEC.format(y0=years[0], y1=years[1], b0=base_years[0], b1=base_years[1])
    for name, table in iv.tables.items():
        numbers = SEED_NUMBERS.get(name)
        kept = len(table.columns)
        note = spec + _WHAT.get(name, "")
        if numbers is not None and len(numbers) != kept:
            note += (
                f" {len(numbers) - kept} of the seed paper's columns could not be estimated "
                "(listed below the table); columns are numbered in order."
            )
            numbers = tuple(f"({int(numbers[0][1:-1]) + i})" for i in range(kept))
        rb.table(f"iv_{name}", table, note, numbers=numbers)
        for n in getattr(table, "notes", ()):
            rb.text(n, note=True)
    for attr, name, note, caption, missing in _FURTHER:
        table = getattr(iv, attr)
        if table is not None:
            rb.table(name, table, note, caption)
        elif missing is not None:
            rb.omitted(*missing)
    for note in iv.notes:
        rb.text(note, note=True)
    if truth is not None and truth.iv is not None:
        rb.table(
            "iv_truth",
            truth.iv,
            "Synthetic economy only: the IV estimate (invariant skills, high-offshorable "
            "occupations) next to the planted effect (truth.json); 'covers' = the 95% Wald "
            "interval contains the truth; AR = the Anderson-Rubin set, valid with weak "
            "instruments.",
        )
        df = truth.iv.to_frame()
        for label, row in df.iterrows():
            if str(row.get("covers", "")) == "no":
                rb.warn(f"IV ({label}): the 95% interval misses the planted truth.")
