"""Reads a nested Parquet file written by the Swift tests (NestedColumnTests) with pyarrow, DuckDB and polars and
compares every row with the expectations beside it.

Usage: check_nested.py FILE.parquet EXPECTED.json
EXPECTED.json: one object per row; a map is a list of [key, value] pairs, in order.
"""
import json
import sys

import duckdb
import polars as pl
import pyarrow.parquet as pq


def pairs(value):
    """A map as engines give it (pyarrow: (key, value) tuples, DuckDB: a dict, polars: {'key', 'value'} structs) → pairs."""
    if value is None:
        return None
    if isinstance(value, dict):
        return [[k, v] for k, v in value.items()]
    return [[e["key"], e["value"]] if isinstance(e, dict) else [e[0], e[1]] for e in value]


def normalise(row):
    """The one map column, s.m, as [key, value] pairs; everything else compares as the engines give it."""
    if row["s"] is not None:
        row["s"] = dict(row["s"], m=pairs(row["s"]["m"]))
    return row


def main():
    path, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path) as f:
        expected = json.load(f)
    problems = []

    def compare(engine, rows):
        if len(rows) != len(expected):
            problems.append(f"{engine}: {len(rows)} rows, expected {len(expected)}")
            return
        for i, (got, want) in enumerate(zip(rows, expected)):
            if got != want:
                problems.append(f"{engine}: row {i}: {got!r} != {want!r}")
                return

    table = pq.read_table(path)
    compare("pyarrow", [normalise(r) for r in table.to_pylist()])
    pq.ParquetFile(path).metadata  # the footer parses on its own too

    con = duckdb.connect()
    cursor = con.execute(f"SELECT id, s, tags, flag FROM read_parquet('{path}') ORDER BY id")
    names = [d[0] for d in cursor.description]
    compare("duckdb", [normalise(dict(zip(names, r))) for r in cursor.fetchall()])

    frame = pl.read_parquet(path)
    compare("polars", [normalise(r) for r in frame.to_dicts()])

    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"nested: {len(expected)} rows agree in pyarrow, DuckDB and polars")


main()
