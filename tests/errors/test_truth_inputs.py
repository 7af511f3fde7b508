"""The truth comparison on a synthetic folder whose firms table lost a column: one
DataValidationError naming the file and the column (it was a polars ColumnNotFoundError)."""

from __future__ import annotations

import pytest

from skillshore.errors import DataValidationError
from skillshore.structural.synthetic import synthetic_market_sample


def test_missing_purchases_abroad_is_named(broken):
    toml = broken(tables={"firms": lambda d: d.drop("purchases_abroad")})
    with pytest.raises(DataValidationError, match=r"firms\.parquet: column\(s\) purchases_abroad"):
        synthetic_market_sample(toml.parent, 2006)
