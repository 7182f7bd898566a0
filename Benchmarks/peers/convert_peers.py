"""Peers for the convert benchmarks: NDJSON of API records → GZIP Parquet.

Usage: convert_peers.py ENGINE INPUT.ndjson OUTPUT.parquet LEVEL [THREADS]
ENGINE: polars | pyarrow | duckdb. THREADS: 1 by default; 0 lets the engine use every core.
Prints one JSON object: seconds, bytes.
"""
import json
import os
import sys
import time

engine, source, target, level = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 1
if threads:
    os.environ["POLARS_MAX_THREADS"] = str(threads)  # read by polars when it is imported
start = time.perf_counter()
if engine == "polars":
    import polars as pl
    start = time.perf_counter()
    pl.read_ndjson(source).write_parquet(target, compression="gzip", compression_level=level)
elif engine == "pyarrow":
    import pyarrow as pa
    import pyarrow.json as pj
    import pyarrow.parquet as pq
    if threads:
        pa.set_cpu_count(threads)
        pa.set_io_thread_count(threads)
    start = time.perf_counter()
    table = pj.read_json(source, read_options=pj.ReadOptions(use_threads=threads != 1))
    pq.write_table(table, target, compression="gzip", compression_level=level)
elif engine == "duckdb":
    import duckdb
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {threads}")
    start = time.perf_counter()
    con.execute(f"COPY (SELECT * FROM read_json_auto('{source}', format='newline_delimited')) TO '{target}' "
                f"(FORMAT parquet, COMPRESSION gzip)")
else:
    sys.exit(f"unknown engine {engine}")
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "bytes": os.path.getsize(target)}))
