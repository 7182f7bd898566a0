"""Reads Parquet files written by the Swift test suite with pyarrow, DuckDB and polars, and compares
every value (and pyarrow's view of the statistics) with the expectations the test wrote beside them.

Usage: check_parquet.py CASES.json
CASES.json: [{"path": ..., "columns": [{"name", "type", "values", "stats"?}], "rows": N}]
Types: int64, int32, double, boolean, string, timestamp_utc, timestamp_local, date. Doubles are given
as repr strings ("nan", "-0.0", "inf") so that JSON can carry them; timestamps as int microseconds,
dates as int days. Exit status 0 when every engine agrees with every expectation.
"""
import json
import math
import struct
import sys

import duckdb
import fastparquet
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

ARROW_TYPES = {
    "int64": pa.int64(), "int32": pa.int32(), "double": pa.float64(), "boolean": pa.bool_(),
    "string": pa.string(), "timestamp_utc": pa.timestamp("us", tz="UTC"),
    "timestamp_local": pa.timestamp("us"), "date": pa.date32(),
}


def normalise(column, kind):
    """Arrow array → plain Python values comparable with the JSON expectations."""
    if kind in ("timestamp_utc", "timestamp_local"):
        column = column.cast(ARROW_TYPES[kind]).cast(pa.int64())
    elif kind == "date":
        column = column.cast(pa.date32()).cast(pa.int32())
    elif kind == "string":
        column = column.cast(pa.string())
    values = column.to_pylist()
    if kind == "double":
        values = [None if v is None else double_key(v) for v in values]
    return values


def double_key(v):
    if isinstance(v, str):
        v = float(v)
    if math.isnan(v):
        return "nan"
    return struct.pack("<d", v).hex()


def expected_values(col):
    if col["type"] == "double":
        return [None if v is None else double_key(v) for v in col["values"]]
    return col["values"]


def check_types(table, case, engine, failures):
    for col in case["columns"]:
        actual = table.schema.field(col["name"]).type
        want = ARROW_TYPES[col["type"]]
        if engine == "pyarrow" and actual != want:
            failures.append(f"{case['path']}: pyarrow reads {col['name']} as {actual}, expected {want}")


def compare(table, case, engine, failures):
    if table.num_rows != case["rows"]:
        failures.append(f"{engine}: {case['path']}: {table.num_rows} rows, expected {case['rows']}")
        return
    for col in case["columns"]:
        got = normalise(table.column(col["name"]), col["type"])
        want = expected_values(col)
        if got != want:
            first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
            failures.append(
                f"{engine}: {case['path']}: column {col['name']} differs at row {first}: "
                f"got {got[first] if first < len(got) else '<end>'!r}, expected {want[first] if first < len(want) else '<end>'!r}")


def check_statistics(case, failures):
    meta = pq.ParquetFile(case["path"]).metadata
    for col in case["columns"]:
        if "stats" not in col:
            continue
        want = col["stats"]
        index = meta.schema.names.index(col["name"])
        nulls, mins, maxs = 0, [], []
        for rg in range(meta.num_row_groups):
            st = meta.row_group(rg).column(index).statistics
            if st is None:
                failures.append(f"{case['path']}: no statistics for {col['name']} in row group {rg}")
                return
            nulls += st.null_count
            if st.has_min_max:
                mins.append(st.min)
                maxs.append(st.max)
        if nulls != want["null_count"]:
            failures.append(f"{case['path']}: {col['name']} null_count {nulls}, expected {want['null_count']}")
        got_min = min(mins, key=sort_key(col["type"])) if mins else None
        got_max = max(maxs, key=sort_key(col["type"])) if maxs else None
        for label, got, exp in (("min", got_min, want.get("min")), ("max", got_max, want.get("max"))):
            got = stat_value(got, col["type"])
            if col["type"] == "double" and exp is not None:
                exp = double_key(exp)
            if got != exp:
                failures.append(f"{case['path']}: {col['name']} {label} {got!r}, expected {exp!r}")


def sort_key(kind):
    if kind == "string":
        return lambda v: v.encode("utf-8") if isinstance(v, str) else v
    return lambda v: v


def stat_value(v, kind):
    if v is None:
        return None
    if kind in ("timestamp_utc", "timestamp_local"):
        return pa.array([v], type=ARROW_TYPES[kind]).cast(pa.int64())[0].as_py()
    if kind == "date":
        return pa.array([v], type=pa.date32()).cast(pa.int32())[0].as_py()
    if kind == "double":
        return double_key(v)
    return v


NS_LIMIT_MICROS = 9_223_372_036_854_775 // 1000  # pandas' datetime64[ns] range, in microseconds
NS_LIMIT_DAYS = NS_LIMIT_MICROS // 86_400_000_000


def compare_through_pandas(table, case, failures):
    """fastparquet hands values over as pandas columns, which cannot tell NaN from null and hold dates and
    timestamps in nanoseconds: compares every value pandas can represent; returns how many it cannot."""
    if table.num_rows != case["rows"]:
        failures.append(f"fastparquet: {case['path']}: {table.num_rows} rows, expected {case['rows']}")
        return 0
    skipped = 0
    for col in case["columns"]:
        got = normalise(table.column(col["name"]), col["type"])
        want = expected_values(col)
        for row, (a, b) in enumerate(zip(got, want)):
            if col["type"] == "double" and b == "nan":
                b = None
            if b is not None and col["type"] in ("timestamp_utc", "timestamp_local") and abs(b) > NS_LIMIT_MICROS:
                skipped += 1
                continue
            if b is not None and col["type"] == "date" and abs(b) > NS_LIMIT_DAYS:
                skipped += 1
                continue
            if a != b:
                failures.append(f"fastparquet: {case['path']}: column {col['name']} differs at row {row}: got {a!r}, expected {b!r}")
                break
    return skipped


def uses_v2_encodings(path):
    meta = pq.ParquetFile(path).metadata
    return any("DELTA_BYTE_ARRAY" in meta.row_group(g).column(c).encodings
               for g in range(meta.num_row_groups) for c in range(meta.num_columns))


def main():
    cases = json.load(open(sys.argv[1]))
    failures = []
    fastparquet_files = 0
    outside_pandas = 0
    for case in cases:
        path = case["path"]
        arrow_table = pq.read_table(path)
        check_types(arrow_table, case, "pyarrow", failures)
        compare(arrow_table, case, "pyarrow", failures)
        con = duckdb.connect()
        con.execute("SET threads = 1")
        duck = con.read_parquet(path).to_arrow_table()
        compare(duck, case, "duckdb", failures)
        compare(pl.read_parquet(path).to_arrow(), case, "polars", failures)
        if not uses_v2_encodings(path):  # fastparquet knows only the v1 encodings (`--parquet-version 2` is documented as such)
            table = pa.Table.from_pandas(fastparquet.ParquetFile(path).to_pandas(), preserve_index=False)
            fastparquet_files += 1
            outside_pandas += compare_through_pandas(table, case, failures)
        check_statistics(case, failures)
    if failures:
        print("\n".join(failures[:50]))
        print(f"interop: {len(failures)} mismatches")
        sys.exit(1)
    print(f"interop: {len(cases)} files read identically by pyarrow, duckdb and polars; {fastparquet_files} v1 files also by "
          f"fastparquet (through pandas: NaN read as null, and {outside_pandas} dates/timestamps outside pandas' "
          "nanosecond range, 1677-2262, not compared)")


if __name__ == "__main__":
    main()
