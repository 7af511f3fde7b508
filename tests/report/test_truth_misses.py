"""The conclusion's account of the structural intervals that miss the planted truth: each
miss is classified by the estimate on the generator's own types (the 'true types' column),
so the report does not blame measurement for what the data's departure from the model does."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from skillshore.report.builder import ReportBuilder
from skillshore.report.sections.summary import render_conclusion
from skillshore.structural.synthetic import TruthComparison


class _Est:
    """Stands in for a MarketEstimate: only its parameter frame is read."""

    def __init__(self, rows: dict[str, tuple[float, float, float]]):
        self.frame = pd.DataFrame(rows, index=["estimate", "lower", "upper"]).T

    def params_frame(self) -> pd.DataFrame:
        return self.frame


def _comparison() -> TruthComparison:
    truth = {2006: {"Phi": 75.0, "lambda": 37.0, "C": 200.0}}
    study = _Est({"Phi": (80.0, 78.0, 82.0), "lambda": (30.0, 28.0, 32.0), "C": (201, 199, 203)})
    # true types: Phi errs upward as the study does; lambda is high where the study is low
    rec = _Est({"Phi": (83.0, 83.0, 83.0), "lambda": (38.0, 38.0, 38.0), "C": (200, 200, 200)})
    return TruthComparison(truth=truth, estimates={2006: study}, recovery={2006: rec})


def test_misses_say_whether_true_types_err_the_same_way():
    m = _comparison().misses().set_index("parameter")
    assert list(m.index) == ["Phi", "lambda"]  # C's interval covers
    assert bool(m.loc["Phi", "same_side"]) and not bool(m.loc["lambda", "same_side"])
    assert m.loc["lambda", "true_types"] == 38.0


def test_conclusion_counts_the_misses_by_cause():
    rb = ReportBuilder("t")
    render_conclusion(rb, [], SimpleNamespace(structural=_comparison()), synthetic=True)
    text = " ".join(i.payload for i in rb._conclusion.items)
    assert "1 of 3 structural intervals contain" in text
    assert "Of the 2 misses (2 in 2006), 1 err in the same direction" in text
    assert "the other 1 point to measurement" in text
    assert "points to skill-cell measurement error" not in text
