"""Skills from text: education/training titles -> O*NET occupations -> skill vectors.

Seed slides "Measurement: Worker Skill". O*NET data: CC BY 4.0 (see
:data:`skillshore.skills.onet.ATTRIBUTION`).
"""

from skillshore.skills.onet import ATTRIBUTION, OnetBundle, load_bundle
from skillshore.skills.vectors import DEFAULT_GROUPS, SKILLS, occupation_skills

__all__ = [
    "ATTRIBUTION",
    "DEFAULT_GROUPS",
    "OnetBundle",
    "SKILLS",
    "load_bundle",
    "occupation_skills",
]
