"""Read budget-sim result files with pyarrow and polars and report what each reader sees.

Usage: python3 read_arrow.py FILE [FILE ...]
Each file is read by every reader that applies to its extension (.arrow: IPC file, .arrows: IPC
stream, .csv). Prints one JSON object: file -> reader -> {rows, columns, dtypes, sums, metadata}.
"""
import json
import sys

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.ipc as ipc


def describe_pa(table: pa.Table) -> dict:
    sums = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
            sums[name] = float(pc.sum(col).as_py() or 0)
    meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    return {"rows": table.num_rows, "columns": table.column_names, "dtypes": [str(t) for t in table.schema.types], "sums": sums, "metadata": meta}


def describe_pl(df: pl.DataFrame) -> dict:
    sums = {name: float(df[name].sum()) for name, dtype in df.schema.items() if dtype.is_numeric()}
    return {"rows": df.height, "columns": df.columns, "dtypes": [str(t) for t in df.dtypes], "sums": sums}


out = {}
for path in sys.argv[1:]:
    seen = {}
    if path.endswith(".arrows"):
        with open(path, "rb") as f:
            seen["pyarrow"] = describe_pa(ipc.open_stream(f).read_all())
        seen["polars"] = describe_pl(pl.read_ipc_stream(path))
    elif path.endswith(".arrow"):
        with open(path, "rb") as f:
            seen["pyarrow"] = describe_pa(ipc.open_file(f).read_all())
        seen["polars"] = describe_pl(pl.read_ipc(path, memory_map=False))
    elif path.endswith(".csv"):
        seen["pyarrow"] = describe_pa(pacsv.read_csv(path))
        seen["polars"] = describe_pl(pl.read_csv(path))
    out[path] = seen
print(json.dumps(out))
