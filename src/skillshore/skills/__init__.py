"""Skills from text: education/training titles -> O*NET occupations -> skill vectors.

Seed slides "Measurement: Worker Skill". O*NET data: CC BY 4.0 (see
:data:`skillshore.skills.onet.ATTRIBUTION`).
"""

from skillshore.skills.matcher import TitleMatches, clean_title, match_titles
from skillshore.skills.onet import ATTRIBUTION, OnetBundle, load_bundle
from skillshore.skills.vectors import DEFAULT_GROUPS, SKILLS, occupation_skills
from skillshore.skills.workers import code_skills, worker_skills

__all__ = [
    "ATTRIBUTION",
    "DEFAULT_GROUPS",
    "OnetBundle",
    "SKILLS",
    "TitleMatches",
    "clean_title",
    "code_skills",
    "load_bundle",
    "match_titles",
    "occupation_skills",
    "worker_skills",
]
