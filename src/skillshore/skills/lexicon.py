"""Word lists of the title matcher: Danish degree abbreviations, abbreviations, and lay,
British and Danish-English occupational words with their O*NET vocabulary.

Seed slide "Measurement: Worker Skill": the catalog titles are Danish education and
training names translated to English ("Classical philology, cand.mag.", "Glazier", "Truck
driver with crane"); O*NET titles are American. These lists bridge the two vocabularies.
They are general-purpose (no entry names a specific catalog title) and only *add* words to
a query: the added words go to the word channels of :class:`~skillshore.skills.TitleMatcher`,
never replace the title. ``docs/skills.md`` reports the matcher's accuracy with and without
them.
"""

from __future__ import annotations

import re

from skillshore.skills.programme import FIELDS, parse_programme

__all__ = ["ABBREVIATIONS", "DEGREES", "PHRASES", "WORDS", "degree_level", "expand_title"]

DEGREES: dict[str, str] = FIELDS
"""Field of a Danish degree abbreviation (:data:`skillshore.skills.programme.FIELDS`)."""

_OTHER_DEGREES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bb\.\s?eng\b\.?", re.I), "engineer"),
    # "MSc(Eng)", "M.Sc.(Eng.)", "BSc (Eng)": the British engineering degrees
    (re.compile(r"\b(?:m|b)\.?\s?sc\.?\s?\(eng\.?\)", re.I), "engineer engineering"),
    (re.compile(r"\be?mba\b", re.I), "manager business executive"),
    (re.compile(r"\bph\.?\s?d\b\.?", re.I), "scientist research"),
)

ABBREVIATIONS: dict[str, str] = {
    # with a trailing dot ("tech.") or, for acronyms, as a whole word
    "tech": "technician",
    "techn": "technician",
    "asst": "assistant",
    "op": "operator",
    "mech": "mechanical",
    "el": "electrical",
    "elec": "electrical",
    "supv": "supervisor",
    "maint": "maintenance",
    "eng": "engineering",
    "mgmt": "management",
    "mgr": "manager",
    "admin": "administration",
    "adm": "administrative",
    "prod": "production",
    "constr": "construction",
    "dept": "department",
}
_ACRONYMS: dict[str, str] = {
    "IT": "information technology computer",
    "ICT": "information communication technology computer",
    "CNC": "computer numerically controlled",
    "PLC": "programmable logic controller",
    "HVAC": "heating ventilation air conditioning",
    "HR": "human resources",
    # certificates and programmes named by an acronym (issue 16, third round)
    "GWO": "wind turbine service technician safety",
    "ADR": "hazardous materials truck driver tank",
    "STCW": "sailor deckhand ship",
    "ATPL": "airline pilot",
    "CPL": "commercial pilot",
    "KBU": "physician resident medical",
    "PAU": "childcare teacher assistant",
    "HACCP": "food safety preparation",
    "CAD": "drafter computer-aided design",
    "UX": "user experience web designer",
}

WORDS: dict[str, str] = {
    "robot": "robotics",
    "robots": "robotics",
    # British / Danish-English / lay word -> O*NET vocabulary
    "car": "automotive",
    "cars": "automotive",
    "motor": "automotive",
    "van": "light truck delivery",
    "aeroplane": "aircraft airplane",
    "petrol": "gasoline",
    "postman": "postal mail carrier",
    "postwoman": "postal mail carrier",
    "solicitor": "lawyer",
    "barrister": "lawyer",
    "shop": "retail store",
    "salesman": "salesperson",
    "storeman": "stock clerk",
    "warehouseman": "warehouse laborer",
    "joiner": "carpenter",
    "bricklayer": "brickmason mason",
    "tiler": "tile setter",
    "scaffolder": "scaffold construction laborer",
    "scaffolding": "scaffold",
    "fitter": "installer",
    "turner": "lathe turning",
    "blacksmith": "forging metal",
    "goldsmith": "jeweler precious metal",
    "silversmith": "jeweler precious metal",
    "seaman": "sailor ship vessel deck",
    "seafarer": "sailor ship vessel",
    "mariner": "ship vessel captain",
    "ship": "ship vessel",
    "railway": "railroad rail",
    "canteen": "cafeteria institution",
    "catering": "food service",
    "pastry": "pastry baker",
    "confectioner": "candy confectionery baker",
    "beautician": "skincare cosmetologist esthetician facial",
    "cosmetician": "skincare cosmetologist",
    "nail": "manicurist nail",
    "caretaker": "janitor maintenance",
    "childminder": "childcare",
    "pedagogue": "teacher childcare",
    "pedagogical": "teacher education",
    "pedagogy": "education teacher",
    "primary": "elementary",
    "gymnasium": "high school",
    "physiotherapist": "physical therapist",
    "physiotherapy": "physical therapy",
    "ergotherapist": "occupational therapist",
    "radiographer": "radiologic technologist x-ray",
    "radiography": "radiologic technologist x-ray",
    "doctor": "physician",
    "prison": "correctional jail",
    "warder": "correctional officer",
    "soldier": "military infantry",
    "greenkeeper": "groundskeeper golf course",
    "gardener": "landscaping groundskeeping garden",
    "fisherman": "fishing fisher",
    "datamatician": "computer programmer",
    "supporter": "support",
    "theology": "clergy religion",
    "priest": "clergy",
    "pastor": "clergy",
    "vicar": "clergy",
    "philology": "language literature",
    "linguistics": "language",
    "hospitality": "lodging hotel",
    "tourism": "travel tour",
    "leadership": "manager management",
    "procurement": "purchasing",
    "housekeeper": "housekeeping maid",
    "undertaker": "funeral mortician",
    "optician": "optician eyeglasses",
    "midwife": "midwife birth",
    "bookbinder": "bindery binding",
    "printer": "printing press",
    "slaughterer": "slaughter meat",
    "abattoir": "slaughter meat",
    "dairy": "dairy milk",
    "brewer": "brewing beer malt",
    "upholsterer": "upholstery",
    "watchmaker": "watch clock repair",
    "locksmith": "locksmith lock",
    # languages: a language degree prepares language and literature specialists
    **{
        lang: "foreign language literature"
        for lang in (
            "german french spanish italian portuguese russian polish czech swedish norwegian "
            "finnish dutch greek latin chinese japanese korean arabic hebrew turkish"
        ).split()
    },
}
"""Single words (lower case) -> words added to the query."""

PHRASES: dict[str, str] = {
    "data science": "data scientist statistician statistics business intelligence analyst",
    "business administration": "business management operations manager",
    "public administration": "government public administrative manager",
    "office administration": "office clerk administrative",
    "health administration": "medical health services manager",
    "social and health care": "nursing assistant home health aide personal care",
    "health care helper": "home health aide personal care",
    "train driver": "locomotive engineer",
    "engine driver": "locomotive engineer",
    "bank clerk": "teller bank",
    "call centre": "telemarketer customer service",
    "call center": "telemarketer customer service",
    "estate agent": "real estate sales agent",
    "shop assistant": "retail salesperson",
    "upper secondary": "secondary high school",
    "vocational school": "career technical education",
    "special needs": "special education",
    "e-commerce": "online merchant electronic commerce",
    "panel beater": "automotive body repairer",
    "gas fitter": "pipefitter gas",
    "master mariner": "captain ship vessel",
    "ship's mate": "mate ship vessel",
    "passenger car": "automotive",
    "heavy vehicle": "truck bus diesel",
    "cleaning technician": "janitor cleaner",
    "care worker": "personal care aide social human service",
    "youth worker": "social human service youth",
    "social education": "social human service",
    "driving instructor": "driving instructor self-enrichment",
    # short-course topics: the job the task is done in (issue 16, third round)
    "food hygiene": "food preparation kitchen cook",
    "hygiene certificate": "food preparation kitchen cook",
    "driver qualification": "truck bus driver",
    "dangerous goods": "hazardous materials truck driver",
    "basic safety training": "safety technician",
    "slinging": "rigger crane",
    "work at height": "rigger scaffold",
    "aerial work platform": "operator lift",
    "patient handling": "nursing assistant",
    "medicine handling": "nursing assistant",
    "order picking": "order filler stock",
    "pipe welding": "welder pipefitter",
    "cash register": "cashier",
    "checkout": "cashier",
}
"""Multi-word lay titles (lower case, matched as substrings) -> words added to the query."""

_TOKEN = re.compile(r"[A-Za-zæøåÆØÅ]+\.?")


def degree_level(raw: str) -> float:
    """+1 for a university or academy degree (doctoral, master, bachelor, professional
    bachelor, diploma, academy profession), -1 for vocational training (EUD, apprenticeship)
    and courses (AMU), 0 when the title has no level marker
    (:func:`~skillshore.skills.programme.parse_programme`)."""
    level = parse_programme(raw).level
    if level is None:
        return 0.0
    return -1.0 if level in ("vocational", "course") else 1.0


# European driving licence categories (EU Directive 2006/126/EC), as Danish and English
# titles write them: "Kat. C", "kategori CE", "C-kørekort", "category D licence"
_LICENCE = re.compile(
    r"\b(?:kat(?:egori)?\.?|category|class|klasse)\s*(C1E|C1|CE|C|D1E|D1|DE|D|T)\b"
    r"|\b(C1E|C1|CE|C|D1E|D1|DE|D)[- ]?(?:k[øo]rekort|korekort|licen[cs]e)\b",
    re.I,
)
_LICENCE_WORDS = {
    "C": "truck driver heavy",
    "C1": "light truck driver",
    "CE": "heavy tractor-trailer truck driver",
    "C1E": "light truck driver trailer",
    "D": "bus driver transit",
    "D1": "bus driver",
    "DE": "bus driver transit",
    "D1E": "bus driver",
    "T": "tractor agricultural equipment operator",
}


def expand_title(raw: str) -> str:
    """Words to add to a raw catalog title: the field of its degree abbreviation, expanded
    abbreviations and acronyms, and the O*NET words of lay/British terms (module lists)."""
    low = raw.lower()
    words = parse_programme(raw).field_words
    extra: list[str] = [words] if words else []
    extra += [words for rx, words in _OTHER_DEGREES if rx.search(raw)]
    extra += [words for phrase, words in PHRASES.items() if phrase in low]
    extra += [_LICENCE_WORDS[(a or b).upper()] for a, b in _LICENCE.findall(raw)]
    for tok in _TOKEN.findall(raw):
        base = tok.rstrip(".")
        if base in _ACRONYMS:
            extra.append(_ACRONYMS[base])
        elif tok.endswith(".") and base.lower() in ABBREVIATIONS:
            extra.append(ABBREVIATIONS[base.lower()])
        elif base.lower() in WORDS:
            extra.append(WORDS[base.lower()])
    return " ".join(extra)
