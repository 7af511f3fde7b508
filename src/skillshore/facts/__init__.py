"""Stylized facts 1-3 (seed slides "Stylized Facts"): tables and figures.

* Fact 1, :func:`within_between`: within- vs between-cell skill variance (seed eq. 1);
* Fact 2, :func:`between_firm_share`: between-firm share of within-cell skill
  variance, with small-cell bias corrections (seed eq. 2);
* Fact 3, :func:`skill_dynamics`: within-firm average skills of continuing workers
  and new matches in high-offshorable occupations; :meth:`SkillDynamics.contribution`
  and :func:`plot_new_match_contribution` give the contribution of new matches;
* :func:`firm_variance_panel`: between- and within-firm skill variance by industry and
  year, the outcomes of :func:`skillshore.offshoring.variance_iv.variance_table`.

Conventions are in ``docs/facts.md``.
"""

from skillshore.facts.dynamics import SkillDynamics, skill_dynamics
from skillshore.facts.figures import (
    plot_between_firm_share,
    plot_new_match_contribution,
    plot_skill_dynamics,
    plot_variance_decomposition,
)
from skillshore.facts.firm_variance import firm_variance_panel
from skillshore.facts.variance import (
    DEFAULT_CELLS,
    BetweenFirmShare,
    VarianceDecomposition,
    between_firm_share,
    within_between,
)

__all__ = [
    "SkillDynamics",
    "skill_dynamics",
    "firm_variance_panel",
    "plot_between_firm_share",
    "plot_new_match_contribution",
    "plot_skill_dynamics",
    "plot_variance_decomposition",
    "DEFAULT_CELLS",
    "BetweenFirmShare",
    "VarianceDecomposition",
    "between_firm_share",
    "within_between",
]
