"""A tiny O*NET-shaped directory: 2019 occupations, 2010-coded skills and tasks, 2019-coded
work activities, work context, abilities and alternate titles (as a full text release has)."""

from __future__ import annotations

from pathlib import Path

import pytest

# 2019 codes: X1 (unchanged), X2 (two 2010 codes merged), X3 and X4 (one 2010 code split), X5 (new)
OCC = {
    "11-1011.00": ("Chief Executives", "Plan and direct the organization."),
    "15-1252.00": ("Software Developers", "Develop software programs and applications."),
    "29-1215.00": ("Family Medicine Physicians", "Diagnose and treat patients of all ages."),
    "29-1216.00": ("General Internal Medicine Physicians", "Diagnose and treat adult patients."),
    "47-2121.00": ("Glaziers", "Install glass in windows, skylights and store fronts."),
}
CROSSWALK = [  # 2010 code, 2019 code
    ("11-1011.00", "11-1011.00"),
    ("15-1132.00", "15-1252.00"),
    ("15-1133.00", "15-1252.00"),
    ("29-1062.00", "29-1215.00"),
    ("29-1062.00", "29-1216.00"),
]
# skills in 2010 codes; 99-9999.00 is not in the crosswalk (must be reported)
SKILL_IM = {
    "11-1011.00": {"Speaking": 4.5, "Repairing": 1.2},
    "15-1132.00": {"Speaking": 3.0, "Repairing": 1.0},
    "15-1133.00": {"Speaking": 2.0, "Repairing": 2.0},
    "29-1062.00": {"Speaking": 4.0, "Repairing": 1.5},
    "99-9999.00": {"Speaking": 1.0, "Repairing": 1.0},
}
ISCO = [
    ("111011", "1120"),
    ("111011", "1112"),
    ("151132", "2512"),
    ("151133", "2512"),
    ("151133", "2511"),
    ("291062", "2211"),
    ("472121", "7125"),
]
ELEMENT_ID = {"Speaking": "2.A.1.d", "Repairing": "2.B.3.l"}
WA = {  # element id -> name; importance per occupation built in the fixture
    "4.A.4.a.4": "Establishing and Maintaining Interpersonal Relationships",
    "4.A.4.a.5": "Assisting and Caring for Others",
    "4.A.4.a.8": "Performing for or Working Directly with the Public",
    "4.A.4.b.5": "Coaching and Developing Others",
    "4.A.1.b.2": "Inspecting Equipment, Structures, or Materials",
    "4.A.3.a.2": "Handling and Moving Objects",
    "4.A.3.a.3": "Controlling Machines and Processes",
    "4.A.3.a.4": "Operating Vehicles, Mechanized Devices, or Equipment",
    "4.A.3.b.4": "Repairing and Maintaining Mechanical Equipment",
    "4.A.3.b.5": "Repairing and Maintaining Electronic Equipment",
}


def wa_value(code: str, eid: str) -> float:
    """A deterministic, varied importance in [1, 5]."""
    return 1.0 + (sum(map(ord, code + eid)) % 41) / 10.0


def wc_value(code: str) -> float:
    return 1.0 + (sum(map(ord, code)) % 33) / 8.25


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    lines = ["\t".join(header)] + ["\t".join(str(v) for v in r) for r in rows]
    path.write_text("\r\n".join(lines) + "\r\n")


@pytest.fixture(scope="session")
def tiny_onet(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("onet")
    _write(
        d / "Occupation Data.txt",
        ["O*NET-SOC Code", "Title", "Description"],
        [[c, t, s] for c, (t, s) in OCC.items()],
    )
    rows = []
    for code, vals in SKILL_IM.items():
        for el, im in vals.items():
            rows.append([code, "t", ELEMENT_ID[el], el, "IM", im, 8, "N"])
            rows.append([code, "t", ELEMENT_ID[el], el, "LV", im + 1.0, 8, "N"])
    hdr = [
        "O*NET-SOC Code",
        "Title",
        "Element ID",
        "Element Name",
        "Scale ID",
        "Data Value",
        "N",
        "Recommend Suppress",
    ]
    _write(d / "Skills.txt", hdr, rows)
    _write(
        d / "Abilities.txt",
        hdr,
        [
            [c, "t", "1.A.1.a.1", "Oral Comprehension", s, 3.0, 8, "N"]
            for c in OCC
            for s in ("IM", "LV")
        ],
    )
    _write(
        d / "Work Activities.txt",
        hdr,
        [
            [c, "t", e, n, s, wa_value(c, e), 8, "N"]
            for c in OCC
            for e, n in WA.items()
            for s in ("IM", "LV")
        ],
    )
    wc_rows = []
    for c in OCC:
        wc_rows.append(
            [c, "t", "4.C.1.a.2.l", "Face-to-Face Discussions", "CX", wc_value(c), 8, "N"]
        )
        wc_rows.append([c, "t", "4.C.1.a.2.l", "Face-to-Face Discussions", "CXP", 20.0, 8, "N"])
    _write(d / "Work Context.txt", hdr, wc_rows)
    _write(
        d / "Task Statements.txt",
        ["O*NET-SOC Code", "Title", "Task ID", "Task"],
        [
            ["47-2121.00", "Glaziers", 1, "Cut flat glass to size."],
            ["15-1132.00", "Software Developers, Applications", 2, "Write computer code."],
            ["29-1062.00", "Family and General Practitioners", 3, "Examine patients."],
        ],
    )
    _write(
        d / "Alternate Titles.txt",
        ["O*NET-SOC Code", "Title", "Alternate Title", "Short Title", "Source(s)"],
        [
            ["47-2121.00", "Glaziers", "Window Fitter", "", "08"],
            ["15-1252.00", "Software Developers", "Programmer Analyst", "", "08"],
        ],
    )
    (d / "2010_to_2019_Crosswalk.csv").write_text(
        "O*NET-SOC 2010 Code,O*NET-SOC 2010 Title,O*NET-SOC 2019 Code,O*NET-SOC 2019 Title\n"
        + "".join(f"{a},t10,{b},t19\n" for a, b in CROSSWALK)
    )
    _write(d / "soc10_isco08.tsv", ["soc10", "isco08"], [list(r) for r in ISCO])
    return d
