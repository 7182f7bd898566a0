"""Opens a Delta table and counts its rows, best of N: the time a reader needs to load the log and plan the scan.
Imports and DuckDB's extension loading happen before the clock starts; each repeat opens the table anew.

Usage: delta_open.py deltalake|duckdb TABLE N
Prints {"seconds": best, "rows": n, "version": v} (version from deltalake only).
"""
import json
import os
import sys
import tempfile
import time

reader, table, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
if reader == "deltalake":
    import deltalake

    def open_and_count():
        dt = deltalake.DeltaTable(table)
        return dt.to_pyarrow_dataset().count_rows(), dt.version()
else:
    import duckdb
    import duckdb_extensions

    os.environ.setdefault("HOME", tempfile.mkdtemp())  # the extension import needs a writable HOME
    duckdb_extensions.import_extension("delta")
    duckdb.connect().execute("LOAD delta")

    def open_and_count():
        connection = duckdb.connect()
        connection.execute("LOAD delta")
        return connection.execute(f"SELECT count(*) FROM delta_scan('{table}')").fetchone()[0], None

best, rows, version = float("inf"), None, None
for _ in range(repeats):
    start = time.perf_counter()
    rows, version = open_and_count()
    best = min(best, time.perf_counter() - start)
print(json.dumps({"seconds": best, "rows": rows, "version": version}))
