"""Peers for the convert benchmark: NDJSON of API records → GZIP Parquet, single-threaded.

Usage: convert_peers.py ENGINE INPUT.ndjson OUTPUT.parquet LEVEL
ENGINE: polars | pyarrow | duckdb. Prints one JSON object: seconds, bytes.
"""
import json
import os
import sys
import time

engine, source, target, level = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
os.environ["POLARS_MAX_THREADS"] = "1"
start = time.perf_counter()
if engine == "polars":
    import polars as pl
    start = time.perf_counter()
    pl.read_ndjson(source).write_parquet(target, compression="gzip", compression_level=level)
elif engine == "pyarrow":
    import pyarrow as pa
    import pyarrow.json as pj
    import pyarrow.parquet as pq
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    start = time.perf_counter()
    table = pj.read_json(source, read_options=pj.ReadOptions(use_threads=False))
    pq.write_table(table, target, compression="gzip", compression_level=level)
elif engine == "duckdb":
    import duckdb
    con = duckdb.connect()
    con.execute("SET threads = 1")
    start = time.perf_counter()
    con.execute(f"COPY (SELECT * FROM read_json_auto('{source}', format='newline_delimited')) TO '{target}' "
                f"(FORMAT parquet, COMPRESSION gzip)")
else:
    sys.exit(f"unknown engine {engine}")
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "bytes": os.path.getsize(target)}))
