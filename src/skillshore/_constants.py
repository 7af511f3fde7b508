"""Constants shared by the config and the stages (infrastructure: imports no stage)."""

from __future__ import annotations

from skillshore.errors import ConfigError

__all__ = [
    "RAW_MATERIAL_HS2",
    "MANUFACTURING_BY_CLASSIFICATION",
    "CLASSIFICATIONS",
    "manufacturing_sectors",
]

#: HS chapters treated as raw materials and left out of narrow offshoring (seed slide
#: "Offshoring Exposure from China": "excluding raw materials"): live animals and
#: vegetable products (01-15), salt/stone (25), ores (26), mineral fuels (27).
RAW_MATERIAL_HS2: tuple[str, ...] = tuple(f"{i:02d}" for i in (*range(1, 16), 25, 26, 27))

_REV1 = tuple(f"{i:02d}" for i in range(15, 38))
_REV2 = tuple(f"{i:02d}" for i in range(10, 34))
#: manufacturing divisions by industry classification (section D of NACE Rev.1/1.1 and
#: Danish DB93/DB03; section C of NACE Rev.2 and DB07)
MANUFACTURING_BY_CLASSIFICATION: dict[str, tuple[str, ...]] = {
    "nace_rev1": _REV1,
    "nace_rev1_1": _REV1,
    "db93": _REV1,
    "db03": _REV1,
    "nace_rev2": _REV2,
    "db07": _REV2,
}
CLASSIFICATIONS = tuple(MANUFACTURING_BY_CLASSIFICATION)


def manufacturing_sectors(classification: str) -> tuple[str, ...]:
    """2-digit manufacturing divisions of ``classification`` (e.g. ``"db03"`` -> 15-37)."""
    try:
        return MANUFACTURING_BY_CLASSIFICATION[classification.lower()]
    except KeyError:
        raise ConfigError(
            f"unknown industry classification {classification!r}; known: {', '.join(CLASSIFICATIONS)}"
        ) from None
