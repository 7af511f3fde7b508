"""Raw tables: schemas, loading and validation (the first stage of the study).

See ``docs/data.md`` for every table and column with units.
"""

from skillshore.tables.schemas import SCHEMAS, TABLE_NAMES, Column, TableSchema
from skillshore.tables.validate import (
    check_foreign_keys,
    load_default,
    load_tables,
    read_table,
    validate_frame,
)

__all__ = [
    "SCHEMAS",
    "TABLE_NAMES",
    "Column",
    "TableSchema",
    "check_foreign_keys",
    "load_default",
    "load_tables",
    "read_table",
    "validate_frame",
]
