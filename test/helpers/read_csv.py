"""Read budget-sim CSV files the way an analyst would (pandas.read_csv, polars.read_csv, defaults)
and report every cell, so tests can compare the values with the engine's own.

Usage: python3 read_csv.py FILE [FILE ...]
Prints one JSON object: file -> reader -> {columns, dtypes, rows}; rows are lists of cells in
column order, with missing values (NaN, null) as null.
"""
import json
import math
import sys

import pandas as pd
import polars as pl


def plain(v):
    if v is None:
        return None
    if hasattr(v, "item"):  # numpy scalar
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def with_pandas(path: str) -> dict:
    df = pd.read_csv(path)
    rows = [[plain(v) for v in row] for row in df.itertuples(index=False, name=None)]
    return {"columns": list(df.columns), "dtypes": [str(t) for t in df.dtypes], "rows": rows}


def with_polars(path: str) -> dict:
    df = pl.read_csv(path)
    rows = [[plain(v) for v in row] for row in df.rows()]
    return {"columns": df.columns, "dtypes": [str(t) for t in df.dtypes], "rows": rows}


out = {path: {"pandas": with_pandas(path), "polars": with_polars(path)} for path in sys.argv[1:]}
print(json.dumps(out, allow_nan=False))
