"""Opens a Delta table, best of N. deltalake: DeltaTable(TABLE), its version and its file list (the log replayed,
no data file opened). duckdb: SELECT * FROM delta_scan(TABLE) LIMIT 1 (the log, the plan, one file).
duckdb-count: SELECT count(*) FROM delta_scan(TABLE) (every file's footer as well).
Imports and DuckDB's extension loading happen before the clock starts; each repeat opens the table anew.

Usage: delta_open.py deltalake|duckdb|duckdb-count TABLE N
Prints {"seconds": best, "rows": n, "version": v, "files": f}: rows from DuckDB, version and files from deltalake.
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
        return None, dt.version(), len(dt.file_uris())
else:
    import duckdb
    import duckdb_extensions

    os.environ.setdefault("HOME", tempfile.mkdtemp())  # the extension import needs a writable HOME
    duckdb_extensions.import_extension("delta")
    duckdb.connect().execute("LOAD delta")

    def open_and_count():
        connection = duckdb.connect()
        connection.execute("LOAD delta")
        if reader == "duckdb-count":
            return connection.execute(f"SELECT count(*) FROM delta_scan('{table}')").fetchone()[0], None, None
        return len(connection.execute(f"SELECT * FROM delta_scan('{table}') LIMIT 1").fetchall()), None, None

best, rows, version, files = float("inf"), None, None, None
for _ in range(repeats):
    start = time.perf_counter()
    rows, version, files = open_and_count()
    best = min(best, time.perf_counter() - start)
print(json.dumps({"seconds": best, "rows": rows, "version": version, "files": files}))
