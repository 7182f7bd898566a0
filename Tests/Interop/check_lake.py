"""Checks an exported lake against the source records, independently of the Swift code.

Usage: check_lake.py LAKE SOURCE_DIR
SOURCE_DIR holds <endpoint>.ndjson: the records the API served (one JSON object per line).
For every endpoint: pyarrow reads LAKE/<endpoint>/date=*/*.parquet as a hive-partitioned dataset, every
source record must appear exactly once (by id), and every source value must be recoverable from
its column by the type rules of docs/parquet-layout.md: strings and integers text-equal, timestamps the same instant,
dates the same day, MySQL zero dates and missing keys as null, objects flattened to parent__child,
arrays as JSON text. DuckDB and polars must read the same dataset with hive partitioning, and fastparquet
(the pandas/Dask engine, which knows only the v1 encodings) every file with the same values as pyarrow.
Prints a summary line; exit status 1 on any mismatch.
"""
import datetime as dt
import json
import os
import sys

import duckdb
import fastparquet
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq


class Number(str):
    """A JSON number kept as its source text."""


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line, parse_int=Number, parse_float=Number) for line in f if line.strip()]


def flatten(obj, object_paths, prefix=""):
    out = {}
    for key, value in obj.items():
        name = f"{prefix}__{key}" if prefix else key
        if isinstance(value, dict):
            out.update(flatten(value, object_paths, name))
        elif isinstance(value, list) and not value and name in object_paths:
            continue
        else:
            out[name] = value
    return out


def collect_object_paths(obj, prefix, paths):
    """Names whose value is an object in some source record (taken from the source, not from the lake)."""
    for key, value in obj.items():
        name = f"{prefix}__{key}" if prefix else key
        if isinstance(value, dict):
            paths.add(name)
            collect_object_paths(value, name, paths)


def zero_date(v):
    return isinstance(v, str) and v in ("0000-00-00", "0000-00-00 00:00:00")


def expected_cell(value, arrow_type):
    """The value the column must hold for this source value, in pyarrow's Python form."""
    if value is None or zero_date(value):
        return None
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (list, dict)):
            return ("json", value)
        return str(value)
    if pa.types.is_int64(arrow_type):
        return int(value)
    if pa.types.is_float64(arrow_type):
        return float(value)
    if pa.types.is_boolean(arrow_type):
        return value
    if pa.types.is_timestamp(arrow_type):
        if arrow_type.tz is not None:
            stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            # Zone-less text in a UTC column: a field documented as UTC (`*_utc_timestamp`, docs/activecampaign-api.md).
            return stamp.replace(tzinfo=dt.timezone.utc) if stamp.tzinfo is None else stamp.astimezone(dt.timezone.utc)
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    if pa.types.is_date32(arrow_type):
        return dt.date.fromisoformat(value)
    raise ValueError(f"unexpected column type {arrow_type}")


def same(expected, actual):
    if isinstance(expected, tuple) and expected[0] == "json":
        return actual is not None and json.loads(actual, parse_int=Number, parse_float=Number) == expected[1]
    if isinstance(expected, dt.datetime) and isinstance(actual, dt.datetime):
        if expected.tzinfo is not None:
            return actual.astimezone(dt.timezone.utc) == expected
        return actual == expected
    return expected == actual


def comparable(value, arrow_type):
    """A pandas cell from pyarrow or fastparquet → a plain value both engines agree on."""
    if value is None or (not isinstance(value, (str, bytes, list, dict)) and pd.isna(value)):
        return None
    if pa.types.is_timestamp(arrow_type):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return stamp.value // 1000
    if pa.types.is_date32(arrow_type):
        return pd.Timestamp(value).date().isoformat()
    if pa.types.is_int64(arrow_type):
        return int(value)
    if pa.types.is_float64(arrow_type):
        return float(value)
    if pa.types.is_boolean(arrow_type):
        return bool(value)
    return str(value)


def check_fastparquet(folder, endpoint, failures):
    """Every part file opened by fastparquet, every value equal to pyarrow's reading of the same file."""
    for root, folders, names in os.walk(folder):
        folders[:] = [f for f in folders if not f.startswith(("_", "."))]  # the Delta log and _pending are not data
        for name in sorted(n for n in names if n.endswith(".parquet")):
            path = os.path.join(root, name)
            try:
                theirs = fastparquet.ParquetFile(path).to_pandas()
            except Exception as error:  # the point of the check: which file, and why
                failures.append(f"{endpoint}: fastparquet cannot read {path}: {type(error).__name__}: {error}")
                continue
            table = pq.read_table(path)
            ours = table.to_pandas()
            if list(theirs.columns) != table.schema.names or len(theirs) != len(ours):
                failures.append(f"{endpoint}: fastparquet reads {path} as {len(theirs)} rows {list(theirs.columns)[:5]}…, pyarrow {len(ours)}")
                continue
            for field in table.schema:
                a = [comparable(v, field.type) for v in ours[field.name].tolist()]
                b = [comparable(v, field.type) for v in theirs[field.name].tolist()]
                if a != b:
                    bad = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
                    failures.append(f"{endpoint}: {path} column {field.name} row {bad}: pyarrow {a[bad]!r}, fastparquet {b[bad]!r}")


def check_endpoint(lake, source_dir, endpoint, failures):
    records = load(os.path.join(source_dir, endpoint + ".ndjson"))
    folder = os.path.join(lake, endpoint)
    if not records:
        return 0
    if not os.path.isdir(folder):
        failures.append(f"{endpoint}: no folder in the lake for {len(records)} records")
        return 0
    table = ds.dataset(folder, format="parquet", partitioning="hive").to_table()
    schema = table.schema
    object_paths = set()
    for record in records:
        collect_object_paths(record, "", object_paths)
    rows = table.to_pylist()
    by_id = {}
    for row in rows:
        by_id.setdefault(str(row["id"]), []).append(row)
    duplicated = [k for k, v in by_id.items() if len(v) > 1]
    if duplicated:
        failures.append(f"{endpoint}: {len(duplicated)} ids appear more than once, e.g. {duplicated[:3]}")
    if len(rows) != len(records):
        failures.append(f"{endpoint}: {len(rows)} rows in the lake, {len(records)} source records")
    for row in rows:
        if row.get("_run_id") is None or row.get("_extracted_at") is None:
            failures.append(f"{endpoint}: row {row.get('id')} lacks _run_id/_extracted_at")
            break
    mismatches = 0
    for record in records:
        found = by_id.get(str(record["id"]))
        if not found:
            failures.append(f"{endpoint}: source id {record['id']} missing from the lake")
            mismatches += 1
            continue
        row = found[0]
        flat = flatten(record, object_paths)
        for name, value in flat.items():
            if name not in schema.names:
                if value is None or zero_date(value):
                    continue
                failures.append(f"{endpoint}: field {name} of id {record['id']} has no column")
                mismatches += 1
                continue
            want = expected_cell(value, schema.field(name).type)
            if not same(want, row[name]):
                failures.append(f"{endpoint}: id {record['id']} field {name}: source {value!r} → lake {row[name]!r}")
                mismatches += 1
        for name in schema.names:
            if "__" in name and name.split("__")[0] in flat and name not in flat and row[name] is not None:
                failures.append(f"{endpoint}: id {record['id']} column {name} should be null")
        if mismatches > 20:
            break
    con = duckdb.connect()
    count = con.execute(
        f"SELECT count(*) FROM read_parquet('{folder}/date=*/*.parquet', hive_partitioning=true)").fetchone()[0]
    if count != len(rows):
        failures.append(f"{endpoint}: DuckDB counts {count} rows, pyarrow {len(rows)}")
    has_date = con.execute(
        f"SELECT count(*) FROM read_parquet('{folder}/date=*/*.parquet', hive_partitioning=true) WHERE date IS NOT NULL").fetchone()[0]
    if has_date != count:
        failures.append(f"{endpoint}: DuckDB does not see the date= partition on every row")
    polars_ids = pl.scan_parquet(f"{folder}/date=*/*.parquet", hive_partitioning=True).select(pl.col("id").cast(pl.String)).collect()["id"].to_list()
    if sorted(polars_ids) != sorted(str(row["id"]) for row in rows):
        failures.append(f"{endpoint}: polars reads {len(polars_ids)} ids, pyarrow {len(rows)} rows, or other ids")
    check_fastparquet(folder, endpoint, failures)
    return len(rows)


def main():
    lake, source_dir = sys.argv[1], sys.argv[2]
    failures = []
    total = 0
    endpoints = sorted(f[:-7] for f in os.listdir(source_dir) if f.endswith(".ndjson"))
    for endpoint in endpoints:
        total += check_endpoint(lake, source_dir, endpoint, failures)
    if failures:
        print("\n".join(failures[:60]))
        print(f"lake check: {len(failures)} problems")
        sys.exit(1)
    print(f"lake check: {total} rows over {len(endpoints)} endpoints match their source records exactly once "
          "(pyarrow, DuckDB, polars, fastparquet)")


if __name__ == "__main__":
    main()
