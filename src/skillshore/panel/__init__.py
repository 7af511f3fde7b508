"""The analysis panel: baseline sample, firm types, occupation groups, match status.

Seed: slide "Data Sources" (baseline sample), "Occupational Offshorability"
(appendix), the IV tables' firm types and occupation groups, and Fact 3
(continuing workers vs new matches). Conventions are in ``docs/facts.md``.
"""

from skillshore.panel.aggregate import STATUS_SUFFIX, firm_group_means
from skillshore.panel.build import SKILLS, build_worker_panel
from skillshore.panel.firm_types import (
    TYPE_MEASURES,
    firm_types,
    productivity_measures,
    tfp_residuals,
)
from skillshore.panel.matches import (
    EDUC_LEVELS,
    INVARIANT_SUFFIX,
    education_level,
    invariant_skills,
    match_status,
)
from skillshore.panel.occupations import (
    GROUP_LABELS,
    OCCUPATION_GROUPS,
    assign_occupation_groups,
    offshorability_index,
)
from skillshore.panel.sample import (
    MANUFACTURING_SECTORS,
    BaselineSample,
    baseline_sample,
    main_industry,
)

__all__ = [
    "STATUS_SUFFIX",
    "firm_group_means",
    "SKILLS",
    "build_worker_panel",
    "TYPE_MEASURES",
    "firm_types",
    "productivity_measures",
    "tfp_residuals",
    "EDUC_LEVELS",
    "INVARIANT_SUFFIX",
    "education_level",
    "invariant_skills",
    "match_status",
    "GROUP_LABELS",
    "OCCUPATION_GROUPS",
    "assign_occupation_groups",
    "offshorability_index",
    "MANUFACTURING_SECTORS",
    "BaselineSample",
    "baseline_sample",
    "main_industry",
]
