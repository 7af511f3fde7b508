"""The degree and programme grammar (issue 16): every level marker, the Danish field
abbreviations and Danish occupational words."""

from __future__ import annotations

import pytest

from skillshore.skills.lexicon import expand_title
from skillshore.skills.programme import LEVELS, parse_programme


@pytest.mark.parametrize(
    ("raw", "level", "field"),
    [
        # candidatus and magister degrees, with the field abbreviations
        ("Finance, cand.merc.", "master", "Finance"),
        # third round: Danish level words and abbreviations
        ("Kemi, kandidat", "master", "Kemi"),
        ("civ.ing. i kemi", "master", "kemi"),
        ("Lang videregående uddannelse, fysik", "master", "fysik"),
        ("lic.scient. i fysik", "doctoral", "fysik"),
        ("Mellemlang videregående uddannelse, sygepleje", "professional_bachelor", "sygepleje"),
        ("Kort videregående uddannelse, logistik", "academy", "logistik"),
        ("Diplom i ledelse", "diploma", "ledelse"),
        ("Regnskab (AU)", "academy", "Regnskab"),
        ("Laborant, AK", "academy", "Laborant"),
        ("Tømrerlærling", "vocational", "Tømrer"),
        # fourth round: the Danish apprentice words (elev, lære, læreplads, voksenlærling), MPA
        ("Tømrerelev", "vocational", "Tømrer"),
        ("Tømrersvend", "vocational", "Tømrer"),
        ("Elev i detailhandel", "vocational", "detailhandel"),
        ("Maler, læreplads", "vocational", "Maler"),
        ("Smed lære", "vocational", "Smed"),
        ("I lære som maler", "vocational", "maler"),
        ("Voksenlærling, industrioperatør", "vocational", "industrioperatør"),
        ("Lærer", None, "Lærer"),
        ("MPA", "master", ""),
        # fifth round: LL.M. / LL.B., PB / PBA, spaced abbreviations, old-scheme notes,
        # "udd." and named schools (where, not what)
        ("Master of Laws (LL.M.)", "master", ""),
        ("LL.B., Copenhagen", "bachelor", "Copenhagen"),
        ("PB i kommunikation", "professional_bachelor", "kommunikation"),
        ("Produktudvikling (PBA)", "professional_bachelor", "Produktudvikling"),
        ("cand. med. vet.", "master", ""),
        ("Sygeplejerskeudd. (gl. ordning)", None, "Sygeplejerske."),
        ("Design, MA (Design School Kolding)", "master", "Design"),
        ("Law, cand.jur., Aarhus University", "master", "Law"),
        ("Cinematography, film school", None, "Cinematography, film school"),
        ("Smed - speciale bearbejdning", None, "Smed, bearbejdning"),
        ("Elektriker, retning: installation", None, "Elektriker, installation"),
        ("Political science, cand.scient.pol.", "master", "Political science"),
        ("Civil engineering, cand.polyt.", "master", "Civil engineering"),
        ("History, mag.art.", "master", "History"),
        ("Master of Science in Engineering", "master", "Engineering"),
        ("MSc in economics", "master", "economics"),
        ("M.Sc. Chemistry", "master", "Chemistry"),
        ("MA in philosophy", "master", "philosophy"),
        ("Executive MBA", "master", "Executive"),
        ("Master's degree in law", "master", "law"),
        ("Civilingeniør", "master", ""),
        ("Ph.D., chemistry", "doctoral", "chemistry"),
        ("PhD in biology", "doctoral", "biology"),
        # bachelors
        ("Nursing, prof.bach.", "professional_bachelor", "Nursing"),
        ("Professional bachelor in social work", "professional_bachelor", "social work"),
        ("History, bach.art.", "bachelor", "History"),
        ("BA in history", "bachelor", "history"),
        ("BSc in nursing", "bachelor", "nursing"),
        ("B.Sc. Biology", "bachelor", "Biology"),
        ("Mechanical engineering, B.Eng.", "bachelor", "Mechanical engineering"),
        ("Bachelor of Arts in history", "bachelor", "history"),
        # academy profession, diploma
        ("Laboratory technician, AP degree", "academy", "Laboratory technician"),
        ("Multimedia design, academy profession degree", "academy", "Multimedia design"),
        ("Leadership, diploma programme", "diploma", "Leadership"),
        ("Accounting (HD)", "diploma", "Accounting"),
        # vocational
        ("Bricklayer (EUD)", "vocational", "Bricklayer"),
        ("Electrician, EUX", "vocational", "Electrician"),
        ("Carpenter, vocational training", "vocational", "Carpenter"),
        ("Journeyman plumber", "vocational", "plumber"),
        ("Apprenticeship as electrician", "vocational", "electrician"),
        ("Carpenter apprenticeship", "vocational", "Carpenter"),
        ("Svendebrev, maler", "vocational", "maler"),
        # courses
        ("Forklift truck driver, AMU course", "course", "Forklift truck driver"),
        ("Welding, MIG/MAG (AMU)", "course", "Welding, MIG/MAG"),
        ("First aid, short course", "course", "First aid"),
        ("Course in welding", "course", "welding"),
        ("Svejsekursus", "course", "Svejse"),
        # the cycles of Danish higher education (KVU / MVU / LVU) and the EUD basic course
        ("Short-cycle higher education, export technician", "academy", "export technician"),
        ("Building technician (KVU)", "academy", "Building technician"),
        ("Nursing, medium-cycle higher education", "professional_bachelor", "Nursing"),
        ("Teacher (MVU)", "professional_bachelor", "Teacher"),
        ("History, long-cycle higher education", "master", "History"),
        ("Economics (LVU)", "master", "Economics"),
        ("Grundforløb, mechanic", "vocational", "mechanic"),
        ("Markedsføringsøkonom", "academy", ""),
        # programme words around a field, specialties, old-name notes
        ("Office education with specialty in accounting", None, "Office, accounting"),
        ("Port and terminal training", None, "Port and terminal"),
        ("Special education", None, "Special education"),
        ("Physical education teacher", None, "Physical education teacher"),
        ("Kindergarten teacher (pre-1992)", None, "Kindergarten teacher"),
        ("Social educator, old training", None, "Social educator"),
        ("German and French, cand.mag. (two-subject)", "master", "German and French"),
        # Danish "uddannelse" (education) is dropped, no level
        ("Tømreruddannelsen", None, "Tømrer"),
        ("Glazier", None, "Glazier"),
        ("Master mariner", None, "Master mariner"),
        ("Golf course greenkeeper", None, "Golf course greenkeeper"),
    ],
)
def test_level_markers(raw, level, field):
    p = parse_programme(raw)
    assert p.level == level, p
    assert p.field == field, p
    if level is None:
        assert p.job_zone is None and p.education_range is None
    else:
        assert p.job_zone == LEVELS[level].job_zone and p.education_range == LEVELS[level].rl


@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("cand.merc.", "business"),
        ("cand.stat.", "statistician"),
        ("civ.ing.", "engineer"),
        ("Cand.scient.(bio)", "biologist"),
        ("lic.techn.", "engineer"),
        ("cand.polyt.", "engineer"),
        ("cand.jur.", "law"),
        ("cand.oecon.", "economist"),
        ("cand.scient.", "scien"),
        ("cand.mag.", "humanities"),
        ("mag.art.", "humanities"),
        ("cand.med.", "medicine"),
        ("cand.pharm.", "pharmacist"),
        ("cand.med.vet.", "veterinarian"),
        ("cand.vet.", "veterinarian"),
        ("cand.agro.", "agricultural"),
        ("cand.psych.", "psychologist"),
        ("cand.theol.", "theology"),
        ("cand.act.", "actuarial"),
        ("cand.geom.", "surveyor"),
        ("tømrer", "carpenter"),
        ("Tomrer", "carpenter"),
        ("smed", "smith"),
        ("sygeplejerske", "nurse"),
        ("Lastbilchauffør", "truck driver"),
        ("Datamatiker", "computer programmer"),
        ("Civiløkonom", "business"),
        # the glossary and Danish compounds (danish.py)
        ("bådebygger", "boat builder"),
        ("Sølvsmed", "silver"),
        ("markedsføringsøkonom", "marketing"),
        ("skibsmaskinist", "marine engineer"),
        ("tømreren", "carpenter"),
        ("AMU: svejsning", "welding"),
        ("dyrepasser", "animal caretaker"),
        # third round: trade, AMU-topic and field words of the larger glossary
        ("Elevatormontør", "elevator"),
        ("kørelærer", "driving instructor"),
        ("AMU: fastgørelse af gods", "securing"),
        ("Diplom i vejledning", "counseling"),
        ("Bygningsteknik, AK", "technology"),
        ("Studentereksamen (stx)", "office clerk"),
        ("maskinarb.", "machinist"),  # the whole word, maskinarbejder (fifth round)
        ("Kontorarb.", "worker"),
        # fifth round: spaced abbreviations, a field part after a known prefix, LL.M.,
        # the definite "-n" of a word in -e
        ("cand. med. vet.", "veterinarian"),
        ("cand.scient.geol.", "geology"),
        ("BACH. SAMF.VID.", "social science"),
        ("Master of Laws (LL.M.)", "lawyer"),
        ("Politiskolen", "police"),
        ("Splejsning af fiberkabler", "splicing"),
        ("toldass. 1979", "customs inspector"),
        ("MASKINARB.", "machinist"),
    ],
)
def test_field_words(raw, word):
    assert word in parse_programme(raw).field_words


@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("GWO basic safety training", "wind turbine"),
        ("Dangerous goods (ADR), AMU", "hazardous materials"),
        ("AMU: food hygiene", "food preparation"),
        ("KBU, internal medicine", "physician"),
        # fifth round: driving licence categories (EU Directive 2006/126/EC)
        ("Kat. C + GK gods", "truck driver"),
        ("Kørekort kategori CE", "tractor-trailer"),
        ("Category D licence", "bus driver"),
        ("MSc(Eng) E.E.", "engineering"),
        ("Data science, M.Sc.", "statistician"),
    ],
)
def test_course_topics_and_certificates_add_occupation_words(raw, word):
    assert word in expand_title(raw)


def test_a_letter_alone_is_no_licence_category():
    assert expand_title("Vitamin C") == "" and "driver" not in expand_title("C programming")


def test_levels_are_ordered():
    """Higher degrees expect a higher Job Zone and a higher education range."""
    order = ["course", "vocational", "academy", "professional_bachelor", "bachelor", "master"]
    zones = [LEVELS[k].job_zone for k in order] + [LEVELS["doctoral"].job_zone]
    assert zones == sorted(zones)
    assert all(1 <= lv.rl[0] <= lv.rl[1] <= 12 for lv in LEVELS.values())
    # the highest marker wins
    assert parse_programme("Ph.D. after cand.scient.").level == "doctoral"
