"""Peer for the writer benchmark: pyarrow writes the same table with the same codec and level.

Usage: pyarrow_write.py INPUT.parquet OUTPUT.parquet CODEC LEVEL REPEATS
Reads INPUT (not timed), then times pq.write_table with CODEC (gzip, zstd, snappy) at LEVEL ("-": the codec has
none), single-threaded, dictionary on (pyarrow's default), best of REPEATS. Prints one JSON object: seconds, bytes, rows.
"""
import json
import os
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq

pa.set_cpu_count(1)
pa.set_io_thread_count(1)

source, target, codec, level, repeats = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
level = None if level == "-" else int(level)
table = pq.read_table(source)
best = None
for _ in range(repeats):
    start = time.perf_counter()
    pq.write_table(table, target, compression=codec, compression_level=level, row_group_size=1 << 20)
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
print(json.dumps({"seconds": best, "bytes": os.path.getsize(target), "rows": table.num_rows}))
