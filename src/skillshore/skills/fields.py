"""Fields of education -> occupation families (issue 16).

Seed slide "Measurement: Worker Skill": many register titles name only a field of study
("Musicology, cand.mag.", "Process technology, AP degree"): the occupation is one of the
jobs typical of that field, which the title's words may not name. The ISCED-F 2013 detailed
fields (ESCO's English edition, shipped as ``data/titles/fields.parquet`` by
``scripts/build_title_data.py``) list the programme names of each field ("0715 mechanics
and metal trades": Welding, Sheet metal working, Tool and die making, ...); a title is
assigned the field whose names it matches best, and :data:`FIELD_OCCUPATIONS` gives the
O*NET-SOC occupations typical of each field (written from general knowledge of the SOC
2018 structure; an entry is a code prefix: "19-303" = all psychologists). The matcher uses
the family as a second source of candidates for its top five
(:func:`skillshore.skills.candidates.top_candidates`).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import polars as pl

__all__ = ["FIELD_OCCUPATIONS", "field_table"]

_FAMILIES: dict[str, str] = {
    "0021": "25-3011",  # literacy and numeracy
    "0031": "21-1012 25-3021",  # personal skills and development
    "0111": "25-9031 25-108 19-303",  # education science
    "0112": "25-2011 25-2012 39-9011",  # training for pre-school teachers
    "0113": "25-2021 25-2022 25-205",  # teacher training without subject specialisation
    "0114": "25-2031 25-2022 25-3021 25-112",  # teacher training with subject specialisation
    "0211": "27-1024 27-4021 27-4031 27-4032 51-511 43-9031 27-1014",  # audio-visual techniques and media production
    "0212": "27-1021 27-1022 27-1025 27-1027 27-1026",  # fashion, interior and industrial design
    "0213": "27-1013 27-1011 27-1012 25-112",  # fine arts
    "0214": "27-1012 51-9071 27-1023 51-9195",  # handicrafts
    "0215": "27-2011 27-2031 27-2032 27-2041 27-2042 27-2012 25-112",  # music and performing arts
    "0221": "21-2011 21-2021 25-1126",  # religion and theology
    "0222": "19-3093 19-3091 25-4012 25-4011 25-1125 25-2031",  # history and archaeology
    "0223": "25-1126 19-3099 25-2031",  # philosophy and ethics
    "0231": "27-3091 25-1124 25-2031 25-3011",  # language acquisition
    "0232": "27-3043 27-3041 25-1123 25-2031 27-3091",  # literature and linguistics
    "0311": "19-3011 25-1063 13-2051",  # economics
    "0312": "19-3094 25-1065 11-1031 13-1199",  # political sciences and civics
    "0313": "19-303 25-1066 21-1014",  # psychology
    "0314": "19-3041 19-3091 25-1067 21-1029",  # sociology and cultural studies
    "0321": "27-3023 27-3041 27-3031 27-3043",  # journalism and reporting
    "0322": "25-4022 25-4011 25-4012 25-4031 15-1211",  # library, information and archival studies
    "0411": "13-2011 43-3031 13-2081 13-2082",  # accounting and taxation
    "0412": "13-205 43-3071 41-3031 13-2072 13-2053 43-4141",  # finance, banking and insurance
    "0413": "11-1021 13-1111 11-3013 11-3121 13-1071 11-3071 13-1081",  # management and administration
    "0414": "11-2021 13-1161 11-2011 27-3031 41-3011",  # marketing and advertising
    "0415": "43-6014 43-9061 43-4171 43-6011 43-6012 43-6013 43-9021",  # secretarial and office work
    "0416": "41-2031 41-1011 41-4012 13-1023 43-5071 41-9022 53-7065",  # wholesale and retail sales
    "0417": "43-4051 13-1041",  # work skills
    "0421": "23-1011 23-2011 23-1023 25-1112",  # law
    "0511": "19-1029 19-1022 19-1023 25-1042",  # biology
    "0512": "19-1021 19-1042 19-4021 19-4092",  # biochemistry
    "0521": "19-2041 19-1031 19-4042",  # environmental sciences
    "0522": "19-1031 19-1023 45-4011 33-3031",  # natural environments and wildlife
    "0531": "19-2031 19-4031 25-1052",  # chemistry
    "0532": "19-2042 19-2021 17-1022 19-2043 17-3031",  # earth sciences
    "0533": "19-2012 19-2011 25-1054",  # physics
    "0541": "15-2021 15-2031 25-2031 25-1022",  # mathematics
    "0542": "15-2041 15-2011 19-3022 15-2051",  # statistics
    "0611": "43-9022 15-1232 43-9031",  # computer use
    "0612": "15-1244 15-1242 15-1231 15-1212 15-1299",  # database and network design and administration
    "0613": "15-1252 15-1251 15-1211 15-1221 15-1253",  # software and applications development and analysis
    "0711": "17-2041 19-4031 51-8091 51-9011 51-8093",  # chemical engineering and processes
    "0712": "17-2081 19-2041 19-4042 51-8031 53-7081",  # environmental protection technology
    "0713": "47-2111 17-2071 49-9021 49-9051 51-8013 17-3023",  # electricity and energy
    "0714": "17-2072 17-3024 49-2094 49-2022 17-2061 17-3023 15-1231",  # electronics and automation
    "0715": "51-4041 51-4121 17-2141 51-4111 49-9041 47-2211 49-9044 17-3027",  # mechanics and metal trades
    "0716": "49-3023 49-3011 17-2011 49-3021 17-2121 49-2091 49-3031 49-3051",  # motor vehicles, ships and aircraft
    "0721": "51-3011 51-3021 51-3092 51-3093 19-1012 35-1011",  # food processing
    "0722": "51-7011 51-7041 51-9195 51-4072 51-9196 51-7042",  # materials (glass, paper, plastic and wood)
    "0723": "51-6052 51-6031 51-6041 27-1022 51-6062 51-6093",  # textiles (clothes, footwear and leather)
    "0724": "47-5041 47-5012 47-5022 17-2151 47-5011 47-5013",  # mining and extraction
    "0731": "17-1011 17-1012 19-3051 17-1022 17-3031 17-3011",  # architecture and town planning
    "0732": "47-2031 47-2021 17-2051 47-1011 11-9021 17-3022 47-2061 47-2044 47-2042 47-4011 47-2152 47-2141 47-2161",  # building and civil engineering
    "0811": "11-9013 45-2091 45-2093 19-1013 19-1011 45-1011",  # crop and livestock production
    "0812": "37-3011 45-2092 37-1012 19-1013 37-3012",  # horticulture
    "0821": "45-4011 45-4021 45-4022 19-1032 19-4071",  # forestry
    "0831": "45-3031 11-9013 19-1023",  # fisheries
    "0841": "29-1131 29-2056 31-9096 39-2021",  # veterinary
    "0911": "29-1021 29-1292 31-9091 51-9081 29-1022",  # dental studies
    "0912": "29-1216 29-1215 29-1229 29-1223 19-1042 29-1249",  # medicine
    "0913": "29-1141 31-1131 29-2061 29-1161 31-1132",  # nursing and midwifery
    "0914": "29-2034 29-2011 29-2081 29-2091 29-2042 29-2012 29-1181",  # medical diagnostic and treatment technology
    "0915": "29-1123 29-1122 29-1031 29-1127 31-9011 29-1125",  # therapy and rehabilitation
    "0916": "29-1051 29-2052",  # pharmacy
    "0917": "29-1291 31-9011 29-1299",  # traditional and complementary medicine and therapy
    "0921": "31-1122 31-1131 21-1093",  # care of the elderly and of disabled adults
    "0922": "39-9011 25-2011 21-1021 21-1093 39-9041",  # child care and youth services
    "0923": "21-1021 21-1093 21-1011 21-1092 21-1013 21-1019",  # social work and counselling
    "1011": "37-2012 37-2011 39-4031 51-6011 37-2019 39-4011",  # domestic services
    "1012": "39-5012 39-5011 39-5092 39-5094 39-5091",  # hair and beauty services
    "1013": "35-2014 35-1011 35-3031 35-3011 43-4081 11-9051 35-2021",  # hotel, restcloudnts and catering
    "1014": "27-2022 39-9031 27-2023 29-9091",  # sports
    "1015": "39-7011 41-3041 39-9032 11-9081 39-7012",  # travel, tourism and leisure
    "1021": "53-7081 51-8031 37-2011 47-4071",  # community sanitation
    "1022": "19-5011 19-5012 17-2111",  # occupational health and safety
    "1031": "55-10 55-20 55-30 33-1091",  # military and defence
    "1032": "33-3051 33-2011 33-9032 33-3012 33-1012 33-2021 33-9092 33-3021",  # protection of persons and property
    "1041": "53-3032 53-2011 53-2021 53-2031 53-7051 53-7021 53-4011 43-5052 53-5021 53-3052 53-5011 53-5031",  # transport services
}
FIELD_OCCUPATIONS: dict[str, tuple[str, ...]] = {k: tuple(v.split()) for k, v in _FAMILIES.items()}
"""ISCED-F 2013 detailed field -> O*NET-SOC code prefixes of its typical occupations."""


@lru_cache(maxsize=1)
def field_table() -> pl.DataFrame:
    """``iscedf, label, name``: ISCED-F detailed fields and their programme names, restricted
    to the fields of :data:`FIELD_OCCUPATIONS`."""
    path = resources.files("skillshore.skills") / "data" / "titles" / "fields.parquet"
    with resources.as_file(path) as p:
        return pl.read_parquet(p).filter(pl.col("iscedf").is_in(list(FIELD_OCCUPATIONS)))
