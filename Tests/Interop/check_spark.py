"""Reads every part file of an exported lake with Apache Spark and compares it value for value with pyarrow.

Usage: check_spark.py LAKE
Spark (pyspark, on the JVM) reads each LAKE/<endpoint>/date=*/*.parquet file on its own; its rows, in the order of
their values, must equal pyarrow's reading of the same file: the same columns, strings, integers, doubles, booleans and dates,
and timestamps the same instant (Spark returns them as naive datetimes in the session's time zone, set to UTC).
Prints a summary line; exit status 1 on any mismatch or on a file Spark cannot read.
"""

import datetime as dt
import glob
import os
import sys
import time

os.environ["TZ"] = "UTC"  # PySpark turns Spark timestamps into Python datetimes in the process's time zone
time.tzset()
os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # loopback only, whatever the machine's host name resolves to

import pyarrow.parquet as pq  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402


def plain(value):
    """A cell as both engines agree on it: aware datetimes as naive UTC."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def in_order(rows, names):
    """Rows in an order both engines give the same: by their values (not every table has an id)."""
    return sorted(rows, key=lambda row: repr([plain(row[name]) for name in names]))


def main():
    lake = sys.argv[1]
    paths = sorted(p for p in glob.glob(os.path.join(lake, "*", "date=*", "*.parquet")))
    if not paths:
        print(f"spark check: no part files under {lake}")
        sys.exit(1)
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    failures = []
    rows_read = 0
    for path in paths:
        try:
            frame = spark.read.parquet(path)
            theirs = in_order([row.asDict() for row in frame.collect()], frame.columns)
        except Exception as error:  # the point of the check: which file, and why
            failures.append(f"Spark cannot read {path}: {type(error).__name__}: {str(error)[:300]}")
            continue
        table = pq.read_table(path)
        ours = in_order(table.to_pylist(), table.schema.names)
        if frame.columns != table.schema.names or len(theirs) != len(ours):
            failures.append(f"{path}: Spark reads {len(theirs)} rows {frame.columns[:5]}…, pyarrow {len(ours)} rows {table.schema.names[:5]}…")
            continue
        for a, b in zip(ours, theirs):
            bad = [name for name in table.schema.names if plain(a[name]) != plain(b[name])]
            if bad:
                failures.append(f"{path}: column {bad[0]}: pyarrow {a[bad[0]]!r}, Spark {b[bad[0]]!r} (row {a})")
                break
        rows_read += len(theirs)
    spark.stop()
    if failures:
        print("\n".join(failures[:40]))
        print(f"spark check: {len(failures)} problems")
        sys.exit(1)
    print(f"spark check: {rows_read} rows in {len(paths)} part files read by Spark {spark.version} exactly as pyarrow reads them")


if __name__ == "__main__":
    main()
