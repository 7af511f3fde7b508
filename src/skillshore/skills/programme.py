"""Degree and programme grammar of Danish education and training titles (issue 16).

Seed slide "Measurement: Worker Skill": the register's education (*hfaudd*) and training
(*erhaudd*) names carry level markers ("cand.merc.", "prof.bach.", "AP degree", "EUD", "AMU
course", "apprenticeship as ...") next to the field. The markers say how much education the
programme gives, not what job it leads to, so :func:`parse_programme` removes them from the
words to match and turns them into evidence for the O*NET Job Zone and Required Level of
Education (RL) of the occupation; the field abbreviation of a degree ("merc." = business,
"polyt." = engineering, "jur." = law) becomes field words. Untranslated Danish occupational
words ("tømrer", "smed", "sygeplejerske") are translated by :data:`DANISH`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from skillshore.skills.danish import DANISH, danish_words

__all__ = ["DANISH", "FIELDS", "LEVELS", "Programme", "parse_programme"]

FIELDS: dict[str, str] = {
    # field of a Danish degree abbreviation ("cand.<field>.", "mag.<field>.", "ph.d. <field>")
    "act": "actuary actuarial",
    "agro": "agronomy agricultural soil plant scientist",
    "arch": "architect",
    "art": "humanities history language literature",
    "brom": "food scientist",
    "comm": "communication public relations",
    "cur": "nursing",
    "geom": "surveyor surveying geodetic",
    "hort": "horticulture plant scientist",
    "it": "information technology computer",
    "jur": "lawyer law legal",
    "lact": "dairy food scientist",
    "ling.merc": "translator interpreter language",
    "mag": "humanities history language literature",
    "med": "physician medicine",
    "med.vet": "veterinarian veterinary",
    "merc": "business management",
    "merc.aud": "auditor accountant",
    "merc.jur": "business law",
    "negot": "business language",
    "odont": "dentist dental",
    "oecon": "economist economics",
    "pharm": "pharmacist pharmacy",
    "polit": "economist economics",
    "polyt": "engineer engineering",
    "psych": "psychologist psychology",
    "paed": "education",
    "pæd": "education",
    "paed.psych": "educational psychologist school",
    "pæd.psych": "educational psychologist school",
    "public": "journalist",
    "scient": "scientist science",
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
    "vet": "veterinarian veterinary",
    "musicae": "musician music",
    "stat": "statistician statistics",
    "ing": "engineer engineering",
    "techn": "engineer technology",
    "scient.bio": "biologist biology",
    "scient.mat": "mathematician mathematics",
    "scient.fys": "physicist physics",
    "scient.kemi": "chemist chemistry",
    "scient.geo": "geoscientist geology geography",
    "scient.stat": "statistician statistics",
    "scient.data": "computer scientist",
    "merc.int": "international business marketing",
    "merc.fil": "business philosophy",
    "merc.mat": "business mathematics",
    "merc.it": "information technology business",
    "ling": "linguist language",
    "soc.san": "health social scientist",
    "arch.": "architect",
    # single field parts, also read after a known prefix ("cand.scient.geol.": science +
    # geology) and in chains the longest prefix does not cover ("bach.samf.vid.")
    "samf": "social scientist social science",
    "geol": "geoscientist geology",
    "biol": "biologist biology",
    "kem": "chemist chemistry",
    "fys": "physicist physics",
    "mat": "mathematician mathematics",
    "hum": "humanities",
    "datal": "computer scientist",
    "hist": "historian history",
    "fil": "philosophy",
    "adm": "administration administrative",
    "off.adm": "public administration",
    "ll": "lawyer law legal",
}
"""Field words of a Danish degree abbreviation; the longest known prefix of a dotted
abbreviation is used ("cand.scient.pol." -> "scient.pol")."""


@dataclass(frozen=True)
class _Level:
    job_zone: float  # expected O*NET Job Zone (1-5)
    rl: tuple[int, int]  # range of O*NET Required Level of Education categories (1-12)


LEVELS: dict[str, _Level] = {
    "doctoral": _Level(5.0, (8, 12)),
    "master": _Level(4.5, (6, 11)),
    "bachelor": _Level(4.0, (5, 8)),
    "professional_bachelor": _Level(3.5, (5, 8)),
    "diploma": _Level(4.0, (5, 8)),
    "academy": _Level(3.0, (3, 6)),
    "vocational": _Level(2.5, (2, 5)),
    "course": _Level(2.0, (1, 4)),
}
"""Level of a programme -> expected Job Zone and range of Required Level of Education
categories (O*NET RL: 1 less than high school, 2 high school, 3 post-secondary certificate,
4 some college, 5 associate's, 6 bachelor's, 7 post-baccalaureate certificate, 8 master's,
9 post-master's certificate, 10 first professional degree, 11 doctoral, 12 post-doctoral). A
degree qualifies for jobs that ask for less (a Danish master's engineer works as an engineer,
for which O*NET reports mostly bachelor's degrees), so the ranges reach one level down."""

_ABBR = r"(?:[a-zæøå]+\.)+(?:[a-zæøå]+\b)?"
_OF = r"(?:\s+of\s+(?:arts|science|laws|engineering))?(?:\s+(?:in|of))?"
_CYCLE = r"(?:\s+higher)?(?:\s+(?:education|programme|program|degree))?\b"
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (level, re.compile(rx, re.IGNORECASE))
    for level, rx in (
        ("doctoral", r"\bph\.?\s?d\b\.?|\bdr\.\s?" + _ABBR + r"|\bdoctora(?:l|te)\b(?:\s+degree)?"),
        ("doctoral", r"\blic\.\s?" + _ABBR + r"|\blicentiat\w*"),
        ("master", r"\bcand\.\s?" + _ABBR + r"|\bmag\.\s?" + _ABBR),
        (
            "master",
            r"\bm\.\s?sc\b\.?|\bm\.\s?a\.|(?-i:\bMA\b|\bMPA\b)|\bmsc\b|\be?mba\b|\bmaster'?s\b(?:\s+degree)?"
            + _OF,
        ),
        (
            "master",
            r"\bmaster(?=\s+(?:of|in)\b)" + _OF + r"|\bmaster\s+(?:degree|programme|program)\b",
        ),
        ("master", r"\bcivil(?:ingeni[øo]e?r|[øo]e?konom)\b|\bll\.?\s?m\b\.?"),
        ("bachelor", r"\bll\.?\s?b\b\.?"),
        ("professional_bachelor", r"(?-i:\bPBA?\b)"),
        ("master", r"\bciv\.\s?(?:ing|øk|oek)\b\.?|\bkandidat(?:uddannelse\w*)?\b"),
        ("master", r"\blang(?:e)?\s+videreg[åa]+ende" + _CYCLE),
        (
            "professional_bachelor",
            r"\bprof\.\s?bach\b\.?|\bprofessional bachelor'?s?\b(?:\s+degree)?",
        ),
        ("professional_bachelor", r"\bprofessionsbachelor\b"),
        (
            "bachelor",
            r"\bbach\.\s?" + r"(?:[a-zæøå]+\.)*|\bb\.\s?(?:sc|eng|a)\b\.?|\bbsc\b|\bbeng\b",
        ),
        ("bachelor", r"\bbachelor'?s?\b(?:\s+degree)?" + _OF + r"|(?-i:\bBA\b|\bHA\b)"),
        (
            "diploma",
            r"\bdiploma(?:\s+(?:programme|program|degree|education))?\b|\bdiplomuddannelse\b",
        ),
        ("diploma", r"(?-i:\bHD\b)|\bdiplom\b"),
        (
            "academy",
            r"\bAP\b(?:\s+degree)?|\bacademy profession(?:al)?(?:\s+degree)?|\bakademiuddannelse\b",
        ),
        ("academy", r"\berhvervsakademi\w*|\bmerkonom\b|\bdatamatiker\b"),
        ("academy", r"(?-i:\bAU\b|\bAK\b)|\bakademi\b"),
        ("professional_bachelor", r"\bmellemlang(?:e)?\s+videreg[åa]+ende" + _CYCLE),
        ("academy", r"\bkort(?:e)?\s+videreg[åa]+ende" + _CYCLE),
        ("academy", r"\b\w{3,}(?<!civil)(?:ø|oe|o)konom\b"),  # finansøkonom, serviceøkonom
        ("master", r"\blong[- ]cycle" + _CYCLE + r"|(?-i:\bLVU\b)"),
        ("professional_bachelor", r"\bmedium[- ]cycle" + _CYCLE + r"|(?-i:\bMVU\b)"),
        ("academy", r"\bshort[- ]cycle" + _CYCLE + r"|(?-i:\bKVU\b)"),
        ("vocational", r"\bgrundforl[øo]b\w*"),
        (
            "vocational",
            r"\(?\b(?:EUD|EUX)\b\)?|\bvocational(?:\s+(?:training|education|programme))?",
        ),
        ("vocational", r"\bjourneyman(?:'s)?(?:\s+(?:certificate|test|examination))?|\bsvende?\w*"),
        ("vocational", r"\bapprenticeship(?:\s+(?:as|in))?|\bapprentice\b|\bl[æa]rling\w*"),
        # "Kokkeelev, læreplads", "Kleinsmed lære", "i lære som": Danish apprenticeship words
        (
            "vocational",
            r"\bl[æa]re(?:plads|tid|kontrakt)\w*|(?:\bi\s+)?\bl[æa]re\b|\belev(?:en)?\b",
        ),
        ("vocational", r"\berhvervsuddannelse\w*"),
        (
            "course",
            r"\(?\bAMU\b\)?(?:\s+course)?,?|\bshort course\b|\bkursus\w*|\befteruddannelse\b",
        ),
        ("course", r"^\s*(?:course|certificate|training)\s+in\b|\bcourse\s*$|,\s*course\b"),
    )
)
_ANY_MARKER = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in _MARKERS), re.I)
_LEVEL_ORDER = tuple(LEVELS)
_NOISE = re.compile(
    r"\buddannelse[n]?\b|\bprogramme\b\s*$|^\s*(?:further training:)"
    r"|\((?:pre|before|until|after|from)[- ]?\d{4}\)|\bold\s+(?:training|name|programme|education)\b"
    r"|\((?:two|one)[- ]subject\)|\budd\.|\(?\b(?:gl\.|gammel)\s+ordning\)?",
    re.I,
)
_SPECIALTY = re.compile(
    r"\s*\b(?:with\s+)?(?:a\s+)?(?:specialty|speciality|specialisation|specialization)\s+in\b", re.I
)
# the Danish ones ("Smed - speciale bearbejdning", "Elektriker, retning: installation",
# "med speciale i"), read before the Danish words ("speciale" is not special education)
_DK_SPECIALTY = re.compile(
    r"\s*[-,:(]?\s*\b(?:med\s+)?(?:speciale|specialisering|retning|linje)\b\s*(?:i\b|:)?", re.I
)
# "Office education", "Port and terminal training": the field word, not the teaching of it
_PROGRAMME_WORD = re.compile(r"\b([a-zæøå]+)\s+(?:education|training|programme|program)\b", re.I)
_KEEP = frozenset(
    "special physical adult higher early childhood music art arts health religious science "
    "teacher driver vocational further continuing preschool primary secondary basic general "
    "commercial management and of in".split()
)
_COMPOUND = re.compile(
    r"(\w{3,})(uddannelse[n]?|udd\b\.?|kursus|lærling(?:e|en)?|laerling|elev(?:en|er)?"
    r"|svend(?:ebrev)?)\b",
    re.I,
)
_ADULT = re.compile(r"\bvoksen(?=l[æa]rling|elev)", re.I)  # "voksenlærling": adult apprentice
_FIELD_ABBR = re.compile(r"\b(?:cand|mag|dr|bach|lic|civ)\.\s?((?:[a-zæøå]+\.?)+)", re.I)
_WORD = re.compile(r"[a-zæøåé]+(?:-[a-zæøå]+)?", re.I)


@dataclass(frozen=True)
class Programme:
    """A parsed education or training title.

    Attributes
    ----------
    raw : str
        The title as given.
    field : str
        The title without level markers ("Finance" of "Finance, cand.merc.").
    level : str or None
        One of :data:`LEVELS` (the highest found), None when the title has no marker.
    markers : tuple of str
        The marker texts found, in the order of the grammar.
    field_words : str
        Words of the degree's field abbreviation and English words of Danish occupational
        words ("business management" for "cand.merc.", "carpenter" for "tømrer").
    """

    raw: str
    field: str
    level: str | None
    markers: tuple[str, ...]
    field_words: str

    @property
    def job_zone(self) -> float | None:
        """Expected O*NET Job Zone of the programme (None without a level marker)."""
        return LEVELS[self.level].job_zone if self.level else None

    @property
    def education_range(self) -> tuple[int, int] | None:
        """Range of O*NET Required Level of Education categories consistent with the level."""
        return LEVELS[self.level].rl if self.level else None


_GENERIC = frozenset({"scient", "mag", "art", "tech", "techn", "ing"})
_ABBR_GAP = re.compile(
    r"\b((?:cand|mag|dr|bach|lic|civ|prof)\.(?:[a-zæøå]+\.)*)\s+(?=[a-zæøå]{2,8}\.)", re.I
)
_LAW = re.compile(r"\bll\.?\s?[mb]\b\.?", re.I)
# a school, university or college named in brackets or after a comma is where, not what
# (when written with a capital: a name)
_INSTITUTION = re.compile(
    r"\(([^()]*\b(?:school|universit\w*|college|\w*skole[n]?|seminari\w*|institut\w*)\b[^()]*)\)"
    r"|,[^,]*\b(?:school|universit\w*|college)\b[^,]*$",
    re.I,
)


# a Danish compound cut short with a dot ("toldass.", "maskinarb."): the whole word, so that
# the glossary's entry for it ("toldassistent" = customs inspector) is found
_DK_CUT = {"ass": "assistent", "arb": "arbejder", "tekn": "tekniker", "mek": "mekaniker"}
_DK_CUT_RX = re.compile(r"\b([a-zæøå]{3,}?)(" + "|".join(_DK_CUT) + r")\.", re.I)


def _whole_word(m: re.Match[str]) -> str:
    return m.group(1) + _DK_CUT[m.group(2).lower()]


def _named_institution(m: re.Match[str]) -> str:
    """Drop a named school ("Aarhus University", "(Politiskolen)"); keep a kind of school
    written in lower case ("film school")."""
    return " " if re.search(r"[A-ZÆØÅ]", m.group(0)) else m.group(0)


def _close_abbreviations(text: str) -> str:
    """ "cand. med. vet." -> "cand.med.vet." (the parts of a degree abbreviation)."""
    while True:
        new = _ABBR_GAP.sub(r"\1", text)
        if new == text:
            return text
        text = new


def _field_words(raw: str) -> list[str]:
    out = ["lawyer law legal"] if _LAW.search(raw) else []
    # "Cand.scient.(bio)", "civ.ing. (kemi)": a bracketed field part is part of the abbreviation
    for m in _FIELD_ABBR.finditer(re.sub(r"\.\s?\(([a-zæøå.]+)\)", r".\1.", raw.lower())):
        parts = [p for p in m.group(1).strip(".").split(".") if p]
        k = len(parts)
        while k and ".".join(parts[:k]) not in FIELDS:
            k -= 1
        if k:
            out.append(FIELDS[".".join(parts[:k])])
        # the parts after the longest known prefix name a field themselves ("geol.")
        out += [FIELDS[p] for p in parts[max(k, 1) :] if p in FIELDS and p not in _GENERIC]
        if m.group(0).startswith("mag") and not out:
            out.append(FIELDS["mag"])
    return out


@lru_cache(maxsize=100_000)
def parse_programme(raw: str) -> Programme:
    """Split a title into its field and its level markers (issue 16, "degree and programme
    grammar").

    Markers (case-insensitive, anywhere in the title unless noted): doctoral (``Ph.D.``,
    ``dr.<field>.``, doctorate); master (``cand.<field>.``, ``mag.<field>.``, ``M.Sc.``,
    ``MA``, ``MBA``, master's, civilingeniør, civiløkonom); professional bachelor
    (``prof.bach.``, professionsbachelor); bachelor (``bach.``, ``B.Sc.``, ``B.Eng.``,
    ``BA``, ``HA``, bachelor's); diploma (diploma programme, diplomuddannelse, ``HD``);
    academy profession (``AP degree``, academy profession degree, erhvervsakademi,
    akademiuddannelse, merkonom, datamatiker); vocational (``EUD``, ``EUX``, vocational
    training, journeyman, svend, apprenticeship, lærling, erhvervsuddannelse); course
    (``AMU``, short course, kursus, efteruddannelse, "Course in ...", "..., course").
    "uddannelse" (education) is dropped. The highest level found wins.
    """
    text = _DK_SPECIALTY.sub(", ", _close_abbreviations(_ADULT.sub("", raw.strip())))
    text = _DK_CUT_RX.sub(_whole_word, text)
    found: list[tuple[str, str]] = []
    for m in _COMPOUND.finditer(text):  # "svejsekursus" (welding course)
        if m.group(2).lower().startswith("kursus"):
            found.append(("course", m.group(2)))
        elif (
            m.group(2).lower().startswith(("lærling", "laerling", "elev", "svend"))
        ):  # "bagerlærling"
            found.append(("vocational", m.group(2)))
    text = _COMPOUND.sub(r"\1", text)
    # Danish words from the title before the markers go: "datamatiker", "civiløkonom" and
    # "merkonom" are a level and an occupation at once
    words = _field_words(_close_abbreviations(raw)) + danish_words(text)
    for level, rx in _MARKERS if _ANY_MARKER.search(text) else ():
        if rx.search(text) is None:  # one scan for the markers that are not there
            continue
        for m in rx.finditer(text):
            if m.group(0).strip(" ,()"):
                found.append((level, m.group(0).strip()))
        text = rx.sub(" ", text)
    stripped = _INSTITUTION.sub(_named_institution, text)
    text = _NOISE.sub(" ", stripped if re.search(r"\w", stripped) or words else text)
    text = _SPECIALTY.sub(",", text)
    text = _PROGRAMME_WORD.sub(
        lambda m: m.group(0) if m.group(1).lower() in _KEEP else m.group(1), text
    )
    field = re.sub(r"\s+", " ", re.sub(r"\(\s*\)", " ", text)).strip(" ,;:-/")
    field = re.sub(r"^(?:in|of|as|for|i|som)\s+", "", field, flags=re.I)
    field = re.sub(r"\s+,", ",", field)
    level = min((lv for lv, _ in found), key=_LEVEL_ORDER.index) if found else None
    return Programme(
        raw=raw,
        field=field,
        level=level,
        markers=tuple(m for _, m in found),
        field_words=" ".join(words),
    )
