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

__all__ = ["ABBREVIATIONS", "DEGREES", "PHRASES", "WORDS", "degree_level", "expand_title"]

DEGREES: dict[str, str] = {
    # Danish candidatus degrees ("cand.<field>."), by the field abbreviation
    "act": "actuary actuarial",
    "agro": "agronomy agricultural scientist",
    "arch": "architect",
    "brom": "food scientist",
    "comm": "communication public relations",
    "cur": "nursing",
    "geom": "surveyor surveying",
    "hort": "horticulture plant scientist",
    "it": "information technology computer",
    "jur": "lawyer law legal",
    "lact": "dairy food scientist",
    "ling.merc": "translator interpreter language",
    "med": "physician medicine",
    "med.vet": "veterinarian veterinary",
    "merc": "business",
    "merc.aud": "auditor accountant",
    "merc.jur": "business law",
    "negot": "business language",
    "odont": "dentist dental",
    "oecon": "economist",
    "pharm": "pharmacist pharmacy",
    "polit": "economist economics",
    "polyt": "engineer",
    "psych": "psychologist",
    "paed": "education",
    "pæd": "education",
    "paed.psych": "educational psychologist school",
    "pæd.psych": "educational psychologist school",
    "public": "journalist",
    "scient": "scientist",
    "scient.adm": "public administration",
    "scient.anth": "anthropologist",
    "scient.bibl": "librarian library information",
    "scient.cons": "conservator",
    "scient.med": "medical scientist",
    "scient.oecon": "economist",
    "scient.pol": "political scientist",
    "scient.san": "health scientist",
    "scient.san.publ": "public health",
    "scient.soc": "sociologist social scientist",
    "scient.techn": "technology",
    "silv": "forester forestry",
    "soc": "social scientist",
    "techn.soc": "planning",
    "theol": "clergy theology",
    "tech": "engineer technology",
    "musicae": "musician music",
}
"""Field of a Danish candidatus degree, by its abbreviation (the longest known prefix of a
dotted abbreviation is used: "cand.scient.pol." -> "scient.pol")."""

_OTHER_DEGREES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bb\.\s?eng\b\.?", re.I), "engineer"),
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
}

WORDS: dict[str, str] = {
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
}
"""Multi-word lay titles (lower case, matched as substrings) -> words added to the query."""

_ACADEMIC = re.compile(r"cand\.|\bmaster|\bm\.\s?sc\b|\bph\.?\s?d\b|\be?mba\b|\bm\.\s?a\.", re.I)
_BACHELOR = re.compile(
    r"prof\.\s*bach|\bb\.\s?eng\b|\bb\.\s?sc\b|\bbachelor|\bb\.\s?a\.|diploma programme|"
    r"academy profession",
    re.I,
)
_VOCATIONAL = re.compile(
    r"\((eud|amu)\)|\bamu\b|vocational|apprentice|journeyman|short course|operator training|"
    r"\bcourse\b",
    re.I,
)
_CAND = re.compile(r"cand\.((?:[a-zæøå]+\.?)+)", re.I)
_TOKEN = re.compile(r"[A-Za-zæøåÆØÅ]+\.?")


def degree_level(raw: str) -> float:
    """+1 for a university degree (candidatus, master, bachelor, academy profession),
    -1 for vocational training (EUD, AMU, apprenticeship, course), 0 when the title says
    neither."""
    if _ACADEMIC.search(raw) or _BACHELOR.search(raw):
        return 1.0
    if _VOCATIONAL.search(raw):
        return -1.0
    return 0.0


def expand_title(raw: str) -> str:
    """Words to add to a raw catalog title: the field of its degree abbreviation, expanded
    abbreviations and acronyms, and the O*NET words of lay/British terms (module lists)."""
    low = raw.lower()
    extra: list[str] = []
    for m in _CAND.finditer(low):
        parts = m.group(1).strip(".").split(".")
        for k in range(len(parts), 0, -1):
            key = ".".join(parts[:k])
            if key in DEGREES:
                extra.append(DEGREES[key])
                break
    extra += [words for rx, words in _OTHER_DEGREES if rx.search(raw)]
    extra += [words for phrase, words in PHRASES.items() if phrase in low]
    for tok in _TOKEN.findall(raw):
        base = tok.rstrip(".")
        if base in _ACRONYMS:
            extra.append(_ACRONYMS[base])
        elif tok.endswith(".") and base.lower() in ABBREVIATIONS:
            extra.append(ABBREVIATIONS[base.lower()])
        elif base.lower() in WORDS:
            extra.append(WORDS[base.lower()])
    return " ".join(extra)
