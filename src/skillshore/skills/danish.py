"""Danish occupational vocabulary of the title matcher (issue 16).

Seed slide "Measurement: Worker Skill": the register's education and training names are
Danish; in an English rendering, many words stay untranslated ("tømrer", "lastbilchauffør",
"AMU: svejsning"). This module gives English (O*NET) words for Danish words, in two lists
written from general knowledge of Danish trades, programmes and fields (no entry is a
catalog title):

* :data:`DANISH`: whole occupational words (tømrer -> carpenter, sygeplejerske -> registered
  nurse);
* :data:`GLOSSARY`: a bilingual glossary of about 1,160 education and trade words: occupation
  heads (-tekniker, -fører, -leder, -plejer), materials, objects and sectors (sølv, båd,
  havn, lager, vej), actions of short courses (svejsning, montering, anhugning) and fields
  of study (statskundskab, datalogi).

Danish writes compounds as one word ("bådebygger" = båd + bygger, "markedsføringsøkonom" =
markedsføring + s + økonom), so a word in neither list is split into known parts
(:func:`danish_words`: fewest parts, with the linking letters -s- and -e- and an inflection
ending allowed), and each part's English words are added. A word used in English occupation
names (O*NET and ESCO titles) is never split.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

__all__ = ["DANISH", "GLOSSARY", "danish_words"]

DANISH: dict[str, str] = {
    # untranslated Danish occupational words (ASCII-folded: æ -> ae, ø -> oe, å -> aa)
    "toemrer": "carpenter",
    "snedker": "cabinetmaker carpenter",
    "smed": "smith welder metal fabricator",
    "klejnsmed": "metal fabricator welder",
    "murer": "bricklayer brickmason",
    "elektriker": "electrician",
    "maler": "painter",
    "frisoer": "hairdresser",
    "kok": "cook",
    "bager": "baker",
    "konditor": "pastry baker",
    "slagter": "butcher meat",
    "vvs": "plumber pipefitter heating",
    "montoer": "installer",
    "blikkenslager": "sheet metal plumber",
    "mekaniker": "mechanic",
    "automekaniker": "automotive mechanic",
    "landmand": "farmer agricultural",
    "gartner": "gardener landscaping horticulture",
    "anlaegsgartner": "landscaping",
    "chauffoer": "driver",
    "tjener": "waiter",
    "paedagog": "childcare preschool teacher",
    "laerer": "teacher",
    "folkeskolelaerer": "elementary school teacher",
    "gymnasielaerer": "secondary school teacher",
    "sygeplejerske": "registered nurse",
    "jordemoder": "midwife",
    "tandlaege": "dentist",
    "laege": "physician",
    "dyrlaege": "veterinarian",
    "apoteker": "pharmacist",
    "farmaceut": "pharmacist",
    "farmakonom": "pharmacy technician",
    "revisor": "auditor accountant",
    "bogholder": "bookkeeping clerk",
    "advokat": "lawyer",
    "praest": "clergy",
    "ingenioer": "engineer",
    "civilingenioer": "engineer",
    "akademiingenioer": "engineering technician",
    "maskinmester": "ship engineer marine",
    "maskinarbejder": "machinist",
    "vaerktoejsmager": "tool die maker",
    "svejser": "welder",
    "svejse": "welding welder",
    "roerlaegger": "pipelayer plumber",
    "tagdaekker": "roofer",
    "glarmester": "glazier",
    "stukkatoer": "plasterer",
    "struktoer": "construction concrete laborer",
    "skovarbejder": "forest worker",
    "fisker": "fisher fishing",
    "kontorassistent": "office clerk",
    "butiksassistent": "retail salesperson",
    "ekspedient": "retail salesperson",
    "lagerarbejder": "warehouse laborer stock",
    "truckfoerer": "industrial truck forklift operator",
    "kranfoerer": "crane operator",
    "vagt": "security guard",
    "politibetjent": "police officer",
    "kosmetiker": "skincare cosmetologist",
    "tandklinikassistent": "dental assistant",
    "laborant": "laboratory technician",
    "bioanalytiker": "medical laboratory technologist",
    "fysioterapeut": "physical therapist",
    "ergoterapeut": "occupational therapist",
    "radiograf": "radiologic technologist",
    "socialraadgiver": "social worker",
    "bibliotekar": "librarian",
    "oekonom": "economist",
    "civiloekonom": "business economist manager",
    "merkonom": "business administration",
    "hd": "business administration management accountant",
    "ha": "business economics management analyst accountant",
    "mpa": "public administration manager",
    "pgu": "childcare pedagogical assistant",
    "datamatiker": "computer programmer",
    "programmoer": "computer programmer",
    "landinspektoer": "surveyor",
    "arkitekt": "architect",
    "bygningskonstruktoer": "construction architect drafter",
    "skibsfoerer": "ship captain",
    "styrmand": "ship mate",
    "rengoeringsassistent": "janitor cleaner",
    "koekkenassistent": "kitchen cook food preparation",
    "ernaeringsassistent": "dietetic cook",
    "seminarium": "teacher",
    "sosu": "nursing assistant home health aide",
    "sundhedsassistent": "nursing assistant",
    "sundhedshjaelper": "home health aide personal care",
    "hjemmehjaelper": "home health aide personal care",
    "sygehjaelper": "nursing assistant",
    "portoer": "orderly porter",
    "kontorfuldmaegtig": "office clerk administrative",
    "handelsassistent": "retail salesperson sales",
    "tandtekniker": "dental laboratory technician",
    "urmager": "watch clock repairer",
    "guldsmed": "jeweler precious metal",
    "typograf": "typesetter prepress printing",
    "bogtrykker": "printing press",
    "skorstensfejer": "chimney sweep",
    "brandmand": "firefighter",
    "soldat": "military",
    "landbrug": "agricultural farm",
    "ejendomsfunktionaer": "building maintenance janitor",
    "pedel": "janitor caretaker",
    "dagplejer": "childcare",
    "rengoering": "cleaning janitor",
}
"""Danish occupational words -> English words added to the query."""

_SUFFIXES: tuple[tuple[str, str], ...] = (  # compounds: "lastbilchauffør" -> driver
    ("chauffoer", "driver"),
    ("mekaniker", "mechanic"),
    ("montoer", "installer"),
    ("tekniker", "technician"),
    ("assistent", "assistant"),
    ("medhjaelper", "helper"),
    ("laerer", "teacher"),
    ("arbejder", "worker"),
    ("foerer", "operator"),
    ("smed", "smith metal"),
    ("mester", "master"),
)
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("lastbil", "truck"),
    ("bus", "bus"),
    ("taxi", "taxi"),
    ("auto", "automotive"),
    ("kran", "crane"),
    ("lager", "warehouse"),
    ("koekken", "kitchen"),
    ("kontor", "office"),
    ("el", "electrical"),
    ("vvs", "plumbing heating"),
    ("skole", "school"),
)


def _read_glossary() -> dict[str, str]:
    path = resources.files("skillshore.skills") / "data" / "danish" / "glossary.csv"
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return {d: e for d, e, _ in (ln.split(",") for ln in lines if ln.strip())}


GLOSSARY: dict[str, str] = _read_glossary()
"""Danish education and trade words (with æ, ø, å) -> English words added to the query, read
from ``skillshore/skills/data/danish/glossary.csv`` (``danish, english, section``)."""

_WORD = re.compile(r"[a-zæøåé]+(?:-[a-zæøå]+)?", re.I)
_LINK = ("s", "e")
_ENDINGS = ("erne", "ene", "en", "et", "ne", "er", "e", "r", "s", "n")
"""Inflection endings; "n" only after an "e" (the definite form of a word in -e: skolen)."""


def _ending_ok(f: str, e: str) -> bool:
    return f.endswith(e) and (e != "n" or f.endswith("en"))


def _fold(word: str) -> str:
    w = word.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode()


def _loose(folded: str) -> str:
    """Spelling-tolerant key: "toemrer", "tomrer" (ø written o) -> "tomrer"."""
    return folded.replace("ae", "a").replace("oe", "o").replace("aa", "a")


_KNOWN = {_loose(k): v for k, v in DANISH.items()}
_EXACT = {_loose(_fold(k)): v for k, v in GLOSSARY.items() if " " not in k}
_EXACT.update(_KNOWN)
_PARTS = dict(_EXACT)
for _k, _v in _SUFFIXES + _PREFIXES:
    _PARTS.setdefault(_loose(_k), _v)
# as the head of a compound, "-økonom" is a business graduate of an academy profession or
# diploma programme (finansøkonom, markedsføringsøkonom, serviceøkonom), not an economist
_PARTS["okonom"] = "business"
# "akademi" is a level (academy profession, see programme.py), not a job: as a part of a
# compound (politiakademi, kunstakademi) it adds no word ("academy" matched teachers)
_PARTS["akademi"] = ""
_PHRASES = {_fold(k): v for k, v in GLOSSARY.items() if " " in k}
_SHORT_HEADS = frozenset({"el"})


_ENGLISH: list[frozenset[str]] = []


def _english() -> frozenset[str]:
    """Words of English occupation names (O*NET alternate/reported titles, ESCO labels);
    read once (or given by the cached matcher index, :func:`set_english_words`)."""
    if not _ENGLISH:
        from skillshore.skills.titles import title_table

        words = title_table()["title"].str.to_lowercase().str.extract_all(r"[a-z]+").explode()
        _ENGLISH.append(frozenset(words.drop_nulls().unique().to_list()))
    return _ENGLISH[0]


def set_english_words(words: frozenset[str]) -> None:
    """Use ``words`` as :func:`_english` (the same set, stored with the cached index)."""
    if not _ENGLISH:
        _ENGLISH.append(words)


def danish_words(text: str) -> list[str]:
    """English words of the Danish words of ``text`` (see the module docstring)."""
    low = _fold(text)
    out = [en for k, en in _PHRASES.items() if k in low]
    words = [w for tok in _WORD.findall(text) for w in tok.split("-") if w]
    found = [_word(w) for w in words]
    # a title in Danish only ("holdleder, brand"): a word spelled like an English one is
    # read as Danish too ("brand" = fire); in a title with English words it stays English
    english = [w.lower() in _english() for w in words]
    danish = any(en for en, e in zip(found, english, strict=True) if not e)
    if danish and all(en or _homograph(w) for w, en in zip(words, found, strict=True)):
        found = [en or _homograph(w) for w, en in zip(words, found, strict=True)]
    return out + [e for en in found for e in en]


def _homograph(word: str) -> tuple[str, ...]:
    f = _loose(_fold(word))
    return (_EXACT[f],) if f in _EXACT else ()


def _split(f: str) -> tuple[str, ...] | None:
    """Fewest known parts covering ``f`` (a loose key), with linking letters between parts
    and an inflection ending after the last; None when there is no such split."""
    n = len(f)
    best: list[tuple[int, tuple[str, ...]] | None] = [None] * (n + 1)
    best[0] = (0, ())
    for i in range(n):
        if best[i] is None:
            continue
        starts = [i] + ([i + 1] if i and f[i] in _LINK else [])
        for s in starts:
            # parts are 3+ letters, except a 2-letter head ("el-": eltekniker, elmontør)
            for j in range(s + (2 if s == 0 else 3), n + 1):
                part = f[s:j]
                if part in _PARTS and (len(part) > 2 or part in _SHORT_HEADS):
                    cand = (best[i][0] + 1, (*best[i][1], part))
                    if best[j] is None or cand[0] < best[j][0]:
                        best[j] = cand
    if best[n] is not None:
        return best[n][1]
    for e in _ENDINGS:
        k = n - len(e)
        if _ending_ok(f, e) and best[k] is not None and best[k][0] >= 1:
            return best[k][1]
    return None


@lru_cache(maxsize=100_000)
def _word(word: str) -> tuple[str, ...]:
    f = _loose(_fold(word))
    if f in _KNOWN:
        return (_KNOWN[f],)
    if word.lower() in _english():  # "truck", "chef", "service": English already
        return ()
    if f in _EXACT:
        return (_EXACT[f],)
    if len(f) < 4:
        return ()
    for e in _ENDINGS:  # an inflected form of a known word: "tømreren", "smedene"
        if _ending_ok(f, e) and len(f) - len(e) >= 3 and f[: -len(e)] in _EXACT:
            return (_EXACT[f[: -len(e)]],)
    parts = _split(f)
    return tuple(_PARTS[p] for p in parts) if parts and len(parts) > 1 else ()
