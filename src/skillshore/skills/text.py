"""Text normalisation of the title matcher: programme suffixes, British spellings, word
roots (seed slide "Measurement: Worker Skill": Danish catalog titles translated to English
against American O*NET titles)."""

from __future__ import annotations

import re
from functools import lru_cache

from skillshore.skills.chars import ENGLISH_STOP_WORDS
from skillshore.skills.lexicon import ABBREVIATIONS
from skillshore.skills.programme import parse_programme

__all__ = ["clean_title", "word_root"]

_WORD = re.compile(r"[a-z]+")

_SUFFIXES = re.compile(
    r"(,\s*)?(cand\.(\s*[a-zæøå]+\.?)+|prof\.\s*bach\.?|b\.\s*eng\.?|m\.\s*sc\.?|b\.\s*sc\.?|"
    r"b\.\s*a\.?|m\.\s*a\.?|ph\.?\s*d\.?|e?mba|\((eud|amu|gym|hhx|htx|eux)\)|vocational training|"
    r"apprenticeship|journeyman certificate|academy profession degree|diploma programme|"
    r"master'?s programme|management programme|commercial education|operator training|"
    r"assistant training|agricultural training|short course|military academy|conservatory)\s*$",
    flags=re.IGNORECASE,
)
_PREFIXES = re.compile(
    r"^(course in|further training:|amu course,|certificate in|training in)\s*",
    flags=re.IGNORECASE,
)
_BRITISH = {  # whole words
    "programme": "program",
    "programmes": "programs",
    "draughtsperson": "drafter",
    "organisation": "organization",
    "analyse": "analyze",
    "practise": "practice",
    "cheque": "check",
}
_BRITISH_STEMS = (  # substrings of words: British -> American spelling
    ("paed", "ped"),
    ("anaesth", "anesth"),
    ("haemat", "hemat"),
    ("haemo", "hemo"),
    ("gynaec", "gynec"),
    ("oesoph", "esoph"),
    ("foet", "fet"),
    ("fibre", "fiber"),
    ("centre", "center"),
    ("theatre", "theater"),
    ("metre", "meter"),
    ("litre", "liter"),
    ("colour", "color"),
    ("labour", "labor"),
    ("harbour", "harbor"),
    ("behaviour", "behavior"),
    ("neighbour", "neighbor"),
    ("favour", "favor"),
    ("honour", "honor"),
    ("humour", "humor"),
    ("tumour", "tumor"),
    ("odour", "odor"),
    ("vapour", "vapor"),
    ("armour", "armor"),
    ("flavour", "flavor"),
    ("jewellery", "jewelry"),
    ("jeweller", "jeweler"),
    ("aluminium", "aluminum"),
    ("mould", "mold"),
    ("plough", "plow"),
    ("draught", "draft"),
    ("counsell", "counsel"),
    ("travell", "travel"),
    ("modell", "model"),
    ("labell", "label"),
    ("isation", "ization"),
    ("lyse", "lyze"),
    ("licence", "license"),
    ("defence", "defense"),
    ("offence", "offense"),
    ("catalogue", "catalog"),
    ("ageing", "aging"),
    ("tyre", "tire"),
)


def _american(word: str) -> str:
    low = word.lower()
    new = _BRITISH.get(low)
    if new is None:
        new = low
        for gb, us in _BRITISH_STEMS:
            if gb in new:
                new = new.replace(gb, us)
        if new == low:
            return word
    return new[0].upper() + new[1:] if word[:1].isupper() else new


def clean_title(title: str) -> str:
    """Strip level markers (:func:`~skillshore.skills.programme.parse_programme`), other
    programme suffixes and course prefixes; map British spellings to American ones.

    A title that is only a marker ("cand.jur.") becomes the words of its field ("lawyer law
    legal")."""
    prog = parse_programme(title)
    t = prog.field
    for _ in range(4):
        t2 = _SUFFIXES.sub("", t).strip(" ,;-")
        t2 = _PREFIXES.sub("", t2).strip(" ,;-")
        if t2 == t:
            break
        t = t2
    t = t or prog.field_words or title.strip()
    return re.sub(r"[A-Za-z]+", lambda m: _american(m.group(0)), t)


_IRREGULAR = {
    "women": "woman",
    "men": "man",
    "physician": "physician",
    "physicians": "physician",
    "engineer": "engineer",
    "engineers": "engineer",
    "engineering": "engineer",
    "news": "news",
    "series": "series",
    "species": "species",
    "business": "business",
    "press": "press",
    "glass": "glass",
    "gas": "gas",
    "bus": "bus",
    "data": "data",
}
_DERIVATIONS = (  # (suffix, replacement), first match wins
    ("icians", "ic"),
    ("ician", "ic"),
    ("ologist", "olog"),
    ("ology", "olog"),
    ("onomer", "onom"),
    ("onomy", "onom"),
    ("omics", "om"),
    ("istry", ""),
    ("ist", ""),
    ("ism", ""),
    ("ation", "at"),
    ("ion", ""),
    ("ment", ""),
    ("ence", "ent"),
    ("ance", ""),
    ("arian", "ar"),
    ("orian", "or"),
    ("ian", ""),
    ("ant", ""),
    ("ical", "ic"),
    ("ics", "ic"),
    ("ary", "ar"),
    ("ory", "or"),
    ("ery", ""),
    ("er", ""),
    ("or", ""),
    ("ing", ""),
    ("ry", ""),
    ("al", ""),
)


@lru_cache(maxsize=200_000)
def word_root(word: str) -> str:
    """Root of a lower-case English word that conflates a field of study, its practice and
    its practitioners (physics/physicist, chemistry/chemists, geology/geologists,
    carpentry/carpenter, nursing/nurse, translation/translator, library/librarian).

    Plural -> singular, then the first matching derivational suffix of a fixed list
    (``-ician``, ``-ologist``, ``-ology``, ``-ist``, ``-ation``, ``-er``, ``-or``, ``-ing``,
    ``-ry``, ...) is removed when at least four letters remain, then ``-at`` and a final
    ``-e``/``-y``; a few irregular words are kept whole (engineer/engine, physician/physics).
    """
    w = word[:-2] if word.endswith("'s") else word
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("ches", "shes", "sses", "xes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is", "ics")) and len(w) > 3:
        w = w[:-1]
    for suffix, repl in _DERIVATIONS:
        if w.endswith(suffix) and len(w) - len(suffix) + len(repl) >= 4:
            w = w[: len(w) - len(suffix)] + repl
            break
    if w.endswith("at") and len(w) > 5:
        w = w[:-2]
    if w.endswith(("e", "y")) and len(w) > 4:
        w = w[:-1]
    return w


def _roots(text: str) -> list[str]:
    return [word_root(w) for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]


@lru_cache(maxsize=200_000)
def _name_roots(name: str) -> tuple[str, ...]:
    """Roots of an alternate title or ESCO label (cached across matchers)."""
    return tuple(_roots(name))


def _head_root(cleaned: str) -> str:
    """Root of the head noun: the last word of the first comma part, before a preposition."""
    part = re.split(r"[,(;]", cleaned)[0].lower()
    part = re.split(r"\b(?:with|for|of|in|on|at|and)\b", part)[0]
    words = [w for w in _WORD.findall(part) if w not in ENGLISH_STOP_WORDS]
    return word_root(words[-1]) if words else ""


def _inline_abbreviations(text: str) -> str:
    return re.sub(
        r"\b([A-Za-z]+)\.",
        lambda m: ABBREVIATIONS.get(m.group(1).lower(), m.group(0)),
        text,
    )
