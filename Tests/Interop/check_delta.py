"""Reads each endpoint of a lake as a Delta table and as the plain Parquet files its manifest lists, and prints
what each engine saw, so that the test can compare them.

Usage: check_delta.py LAKE ENGINE [ENDPOINT...]
ENGINE: plain     pyarrow over the files _manifest.json lists (the reference)
        deltalake DeltaTable(...).to_pyarrow_table(); deltalake@N reads version N (time travel)
        glob      DuckDB over the README's glob, OUT/<endpoint>/date=*/*.parquet (the plain view, checkpoints beside it)
        polars    polars.read_delta
        duckdb    DuckDB delta_scan (needs the duckdb-extension-delta wheel: the delta venv)
Prints one JSON object: {endpoint: {"rows": n, "digest": sha256 of the sorted canonical rows, "duplicates": ids seen twice,
"version": table version, "txn": transaction_version("ac-export:<endpoint>")}} (version and txn by deltalake only).
Rows are canonical: every column of the table, values as text (instants in UTC, wall times without a zone),
so that engines that return different Python types still agree when the data agrees.
"""
import datetime as dt
import hashlib
import json
import os
import sys

lake, engine = sys.argv[1], sys.argv[2]
if not os.path.exists(os.path.join(lake, "_manifest.json")):
    print("{}")  # nothing committed yet
    sys.exit(0)
manifest = json.load(open(os.path.join(lake, "_manifest.json")))
# Endpoints without a Delta log yet (the first commit of their table failed) are left out: a caller that expects
# a table for each endpoint of the plain read sees it missing.
def has_table(endpoint):
    folder = os.path.join(lake, endpoint, "_delta_log")
    return os.path.isdir(folder) and any((n.endswith(".json") or n == "_last_checkpoint") and not n.startswith(".") for n in os.listdir(folder))


endpoints = [e for e in (sys.argv[3:] or sorted(manifest["endpoints"])) if engine == "plain" or has_table(e)]


def text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat() + "Z"
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def summary(records, columns):
    rows = sorted(json.dumps([text(r.get(c)) for c in columns]) for r in records)
    ids = [r.get("id") for r in records if r.get("id") is not None]
    return {"rows": len(rows), "digest": hashlib.sha256("\n".join(rows).encode()).hexdigest(), "duplicates": len(ids) - len(set(ids))}


def table_columns(endpoint):
    """The table's columns from the last metaData of its log (the reference names every column the same way): the
    last checkpoint's, then the JSON commits after it."""
    if not has_table(endpoint):
        return sorted({c for f in manifest["endpoints"][endpoint]["schema"]["columns"] for c in [f["name"]]})
    folder = os.path.join(lake, endpoint, "_delta_log")
    schema, since = None, -1
    if os.path.exists(os.path.join(folder, "_last_checkpoint")):
        import duckdb  # in both venvs; reads the checkpoint's nested columns
        since = json.load(open(os.path.join(folder, "_last_checkpoint")))["version"]
        checkpoint = os.path.join(folder, "%020d.checkpoint.parquet" % since)
        row = duckdb.connect().execute(f"SELECT metaData.schemaString FROM read_parquet('{checkpoint}') WHERE metaData IS NOT NULL").fetchone()
        schema = json.loads(row[0])
    for name in sorted(n for n in os.listdir(folder) if n.endswith(".json") and not n.startswith(".")):
        if int(name[:20]) <= since:
            continue
        for line in open(os.path.join(folder, name)):
            action = json.loads(line)
            if "metaData" in action:
                schema = json.loads(action["metaData"]["schemaString"])
    return [field["name"] for field in schema["fields"]]


result = {}
for endpoint in endpoints:
    columns = table_columns(endpoint)
    path = os.path.join(lake, endpoint)
    if engine == "plain":
        import pyarrow.parquet as pq
        records = []
        for f in manifest["endpoints"][endpoint]["files"]:
            date = f["path"].split("/date=")[1].split("/")[0]
            for row in pq.read_table(os.path.join(lake, f["path"])).to_pylist():
                row["date"] = dt.date.fromisoformat(date)
                records.append(row)
        result[endpoint] = summary(records, columns)
    elif engine.startswith("deltalake"):
        from deltalake import DeltaTable
        table = DeltaTable(path, version=int(engine.split("@")[1])) if "@" in engine else DeltaTable(path)
        result[endpoint] = summary(table.to_pyarrow_table().to_pylist(), columns)
        result[endpoint]["version"] = table.version()
        result[endpoint]["txn"] = table.transaction_version(f"ac-export:{endpoint}")
    elif engine == "glob":
        import duckdb
        connection = duckdb.connect()
        connection.execute("SET TimeZone = 'UTC'")
        cursor = connection.execute(
            f"SELECT * FROM read_parquet('{path}/date=*/*.parquet', hive_partitioning=true, union_by_name=true)")
        names = [d[0] for d in cursor.description]
        result[endpoint] = summary([dict(zip(names, row)) for row in cursor.fetchall()], columns)
    elif engine == "polars":
        import polars as pl
        result[endpoint] = summary(pl.read_delta(path).to_dicts(), columns)
    elif engine == "duckdb":
        import duckdb
        import duckdb_extensions
        duckdb_extensions.import_extension("delta")
        connection = duckdb.connect()
        connection.execute("LOAD delta")
        connection.execute("SET TimeZone = 'UTC'")
        cursor = connection.execute(f"SELECT * FROM delta_scan('{os.path.abspath(path)}')")
        names = [d[0] for d in cursor.description]
        result[endpoint] = summary([dict(zip(names, row)) for row in cursor.fetchall()], columns)
    else:
        sys.exit(f"unknown engine {engine}")
print(json.dumps(result, sort_keys=True), flush=True)
# deltalake's runtime now and then aborts while the interpreter shuts down ("terminate called without an active
# exception"), after the result is out: leave without that teardown.
os._exit(0)
