"""Skills from text: education/training titles -> O*NET occupations -> skill vectors.

Seed slides "Measurement: Worker Skill" (matching, skill groups, wage regression) and the
appendix "Occupational Offshorability". O*NET data: CC BY 4.0 (see
:data:`skillshore.skills.onet.ATTRIBUTION`). Conventions: ``docs/skills.md``.
"""

from skillshore.skills.matcher import (
    TitleMatcher,
    TitleMatches,
    clean_title,
    fit_temperature,
    fit_weights,
    match_titles,
    semantic_available,
)
from skillshore.skills.offshorability import (
    OffshorabilityIndex,
    default_offshorability,
    onet_offshorability,
)
from skillshore.skills.onet import (
    ATTRIBUTION,
    OnetBundle,
    find_onet_dir,
    load_bundle,
    read_onet_dir,
    write_bundle,
)
from skillshore.skills.programme import Programme, parse_programme
from skillshore.skills.review import read_review, write_review
from skillshore.skills.vectors import DEFAULT_GROUPS, EXTENDED_GROUPS, SKILLS, occupation_skills
from skillshore.skills.wages import WageTable, wage_table
from skillshore.skills.workers import code_skills, worker_skills

__all__ = [
    "ATTRIBUTION",
    "DEFAULT_GROUPS",
    "EXTENDED_GROUPS",
    "OffshorabilityIndex",
    "OnetBundle",
    "Programme",
    "SKILLS",
    "TitleMatcher",
    "TitleMatches",
    "WageTable",
    "clean_title",
    "code_skills",
    "default_offshorability",
    "find_onet_dir",
    "fit_temperature",
    "fit_weights",
    "load_bundle",
    "match_titles",
    "occupation_skills",
    "onet_offshorability",
    "parse_programme",
    "read_review",
    "read_onet_dir",
    "semantic_available",
    "wage_table",
    "worker_skills",
    "write_bundle",
    "write_review",
]
