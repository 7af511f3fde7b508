"""From Statistics Denmark's register extracts to skillshore's raw tables (docs/registers.md).

Readers driven by a mapping (:mod:`~skillshore.registers.mapping`), code harmonisation
with shipped concordances, every step reported (:mod:`~skillshore.registers.harmonise`,
:mod:`~skillshore.registers.concordances`), the table builder
(:func:`build_tables`) and the synthetic economy in register layout
(:func:`synth_registers`).
"""

from skillshore.registers.build import (
    RegisterBuild,
    build_tables,
    build_workers,
    read_code_list,
    write_tables,
)
from skillshore.registers.concordances import (
    MANUFACTURING_BY_CLASSIFICATION,
    country_concordance,
    hs_concordance,
    hs_revision,
    isco_concordance,
    manufacturing_sectors,
    nace_concordance,
)
from skillshore.registers.harmonise import HarmonisationReport, StepReport, recode, relabel
from skillshore.registers.mapping import RegisterConfig, load_register_config, template
from skillshore.registers.readers import read_extract

__all__ = [
    "MANUFACTURING_BY_CLASSIFICATION",
    "HarmonisationReport",
    "RegisterBuild",
    "RegisterConfig",
    "StepReport",
    "build_tables",
    "build_workers",
    "convert_to_registers",
    "country_concordance",
    "hs_concordance",
    "hs_revision",
    "isco_concordance",
    "load_register_config",
    "manufacturing_sectors",
    "nace_concordance",
    "read_code_list",
    "read_extract",
    "recode",
    "relabel",
    "synth_registers",
    "template",
    "write_tables",
]


def __getattr__(name: str):
    """The synthetic economy's register layout, imported on first use: it reads the
    generator, which the sample code that imports this package must not depend on."""
    if name in ("convert_to_registers", "synth_registers"):
        from skillshore.registers import synth_layout

        return getattr(synth_layout, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
