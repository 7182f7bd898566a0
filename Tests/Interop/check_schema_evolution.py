"""Reads one endpoint of a lake after its schema changed, the way the README tells each engine to.

Usage: check_schema_evolution.py LAKE ENDPOINT EXPECTED.json MODE
EXPECTED.json: {"<id>": {"<column>": "<text of the value>" or null, ...}, ...}: every row and the values
it must hold (compared as text). MODE:
  widened     plain reads of the whole folder (a widened column must leave one type per column):
              DuckDB read_parquet(hive_partitioning), polars scan_parquet(hive_partitioning),
              pyarrow.dataset(partitioning="hive")
  new-column  the options for columns added later: DuckDB union_by_name, polars diagonal concat,
              pyarrow dataset(schema=unified)
Exit status 1, naming the engine and the difference, on any mismatch or error.
"""
import glob
import json
import sys

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds


def text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rows_of(records, columns):
    return {str(r["id"]): {c: text(r.get(c)) for c in columns} for r in records}


def main():
    lake, endpoint, expected_path, mode = sys.argv[1:5]
    expected = json.load(open(expected_path))
    columns = sorted({c for values in expected.values() for c in values})
    folder = f"{lake}/{endpoint}"
    files = sorted(glob.glob(f"{folder}/date=*/*.parquet", recursive=True))
    readers = {}
    if mode == "widened":
        readers["duckdb"] = lambda: duckdb.sql(
            f"SELECT * FROM read_parquet('{folder}/date=*/*.parquet', hive_partitioning=true)").arrow().read_all().to_pylist()
        readers["polars"] = lambda: pl.scan_parquet(f"{folder}/date=*/*.parquet", hive_partitioning=True).collect().to_dicts()
        readers["pyarrow"] = lambda: ds.dataset(folder, format="parquet", partitioning="hive").to_table().to_pylist()
    else:
        readers["duckdb"] = lambda: duckdb.sql(
            f"SELECT * FROM read_parquet('{folder}/date=*/*.parquet', hive_partitioning=true, union_by_name=true)").arrow().read_all().to_pylist()
        readers["polars"] = lambda: pl.concat([pl.scan_parquet(f) for f in files], how="diagonal").collect().to_dicts()

        def unified():
            dataset = ds.dataset(folder, format="parquet", partitioning="hive")
            schema = pa.unify_schemas([fragment.physical_schema for fragment in dataset.get_fragments()])
            return ds.dataset(folder, format="parquet", partitioning="hive", schema=schema).to_table().to_pylist()
        readers["pyarrow"] = unified
    failures = []
    for engine, read in readers.items():
        try:
            records = read()
        except Exception as error:
            failures.append(f"{engine}: {type(error).__name__}: {error}")
            continue
        got = rows_of(records, columns)
        if len(records) != len(expected) or got != expected:
            diff = [(k, expected.get(k), got.get(k)) for k in sorted(set(expected) | set(got)) if expected.get(k) != got.get(k)][:3]
            failures.append(f"{engine}: {len(records)} rows, expected {len(expected)}; first differences: {diff}")
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"schema evolution ({mode}): {len(files)} files of {endpoint} read as one dataset by {', '.join(readers)}")


if __name__ == "__main__":
    main()
