"""Reads each endpoint of a lake as a Delta table and as the plain Parquet files its manifest lists, and prints
what each engine saw, so that the test can compare them.

Usage: check_delta.py LAKE ENGINE [ENDPOINT...]
LAKE:   a folder, or s3://bucket/prefix (reached with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and
        AWS_ENDPOINT_URL_S3 from the environment, path-style, over http)
ENGINE: plain     pyarrow over the files _manifest.json lists (the reference; over S3 through pyarrow's S3FileSystem)
        deltalake DeltaTable(...).to_pyarrow_table(); deltalake@N reads version N (time travel)
        glob      DuckDB over the README's glob, OUT/<endpoint>/date=*/*.parquet (the plain view, checkpoints beside it)
        polars    polars.read_delta
        duckdb    DuckDB delta_scan (needs the duckdb-extension-delta wheel: the delta venv; over S3 also httpfs)
Prints one JSON object: {endpoint: {"rows": n, "digest": sha256 of the sorted canonical rows, "duplicates": ids seen twice,
"version": table version, "txn": transaction_version("ac-export:<endpoint>")}} (version and txn by deltalake only).
Rows are canonical: every column of the table, values as text (instants in UTC, wall times without a zone),
so that engines that return different Python types still agree when the data agrees. CHECK_EXCLUDE (comma-separated
column names) leaves columns out, e.g. the run's own columns when two runs' lakes are compared.
"""
import datetime as dt
import hashlib
import json
import os
import sys

lake, engine = sys.argv[1], sys.argv[2]
excluded = set(filter(None, os.environ.get("CHECK_EXCLUDE", "").split(",")))
remote = lake.startswith("s3://")
if remote:
    import boto3

    bucket, _, prefix = lake[len("s3://"):].partition("/")
    endpoint_url = os.environ["AWS_ENDPOINT_URL_S3"]
    s3 = boto3.client("s3", endpoint_url=endpoint_url, region_name=os.environ.get("AWS_REGION", "us-east-1"))
    storage_options = {
        "AWS_ENDPOINT_URL": endpoint_url, "AWS_ALLOW_HTTP": "true", "AWS_REGION": os.environ.get("AWS_REGION", "us-east-1"),
        "AWS_ACCESS_KEY_ID": os.environ["AWS_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY": os.environ["AWS_SECRET_ACCESS_KEY"],
    }


def key(relative):
    return f"{prefix}/{relative}" if prefix else relative


def read_bytes(relative):
    """A file of the lake, or None."""
    if not remote:
        path = os.path.join(lake, relative)
        return open(path, "rb").read() if os.path.exists(path) else None
    try:
        return s3.get_object(Bucket=bucket, Key=key(relative))["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None


def names_in(relative_folder):
    """The names of the files directly in a folder of the lake."""
    if not remote:
        path = os.path.join(lake, relative_folder)
        return os.listdir(path) if os.path.isdir(path) else []
    names = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key(relative_folder) + "/"):
        names += [o["Key"].rsplit("/", 1)[1] for o in page.get("Contents", [])]
    return names


manifest_bytes = read_bytes("_manifest.json")
if manifest_bytes is None:
    print("{}")  # nothing committed yet
    sys.exit(0)
manifest = json.loads(manifest_bytes)
# Endpoints without a Delta log yet (the first commit of their table failed) are left out: a caller that expects
# a table for each endpoint of the plain read sees it missing.
def has_table(endpoint):
    return any((n.endswith(".json") or n == "_last_checkpoint") and not n.startswith(".") for n in names_in(f"{endpoint}/_delta_log"))


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
    columns = [c for c in columns if c not in excluded]
    rows = sorted(json.dumps([text(r.get(c)) for c in columns]) for r in records)
    ids = [r.get("id") for r in records if r.get("id") is not None]
    return {"rows": len(rows), "digest": hashlib.sha256("\n".join(rows).encode()).hexdigest(), "duplicates": len(ids) - len(set(ids))}


def table_columns(endpoint):
    """The table's columns from the last metaData of its log (the reference names every column the same way): the
    last checkpoint's, then the JSON commits after it."""
    if not has_table(endpoint):
        return sorted({c for f in manifest["endpoints"][endpoint]["schema"]["columns"] for c in [f["name"]]})
    folder = f"{endpoint}/_delta_log"
    schema, since = None, -1
    last_checkpoint = read_bytes(f"{folder}/_last_checkpoint")
    if last_checkpoint is not None and not remote:
        import duckdb  # in both venvs; reads the checkpoint's nested columns
        since = json.loads(last_checkpoint)["version"]
        checkpoint = os.path.join(lake, folder, "%020d.checkpoint.parquet" % since)
        row = duckdb.connect().execute(f"SELECT metaData.schemaString FROM read_parquet('{checkpoint}') WHERE metaData IS NOT NULL").fetchone()
        schema = json.loads(row[0])
    for name in sorted(n for n in names_in(folder) if n.endswith(".json") and not n.startswith(".")):
        if int(name[:20]) <= since:
            continue
        for line in read_bytes(f"{folder}/{name}").decode().splitlines():
            action = json.loads(line)
            if "metaData" in action:
                schema = json.loads(action["metaData"]["schemaString"])
    return [field["name"] for field in schema["fields"]]


def duckdb_connection():
    import duckdb
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    if remote:
        import duckdb_extensions
        duckdb_extensions.import_extension("httpfs")
        connection.execute("LOAD httpfs")
        host = endpoint_url.split("://", 1)[1].rstrip("/")
        connection.execute(
            "CREATE SECRET (TYPE s3, KEY_ID ?, SECRET ?, ENDPOINT ?, URL_STYLE 'path', USE_SSL false, REGION ?)",
            [os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"], host, os.environ.get("AWS_REGION", "us-east-1")])
    return connection


result = {}
for endpoint in endpoints:
    columns = table_columns(endpoint)
    path = f"{lake}/{endpoint}" if remote else os.path.join(lake, endpoint)
    options = {"storage_options": storage_options} if remote else {}
    if engine == "plain":
        import pyarrow.parquet as pq
        if remote:
            from pyarrow import fs
            filesystem = fs.S3FileSystem(
                endpoint_override=endpoint_url, scheme="http", access_key=os.environ["AWS_ACCESS_KEY_ID"],
                secret_key=os.environ["AWS_SECRET_ACCESS_KEY"], region=os.environ.get("AWS_REGION", "us-east-1"))
        records = []
        for f in manifest["endpoints"][endpoint]["files"]:
            date = f["path"].split("/date=")[1].split("/")[0]
            if remote:
                table = pq.read_table(f"{bucket}/{key(f['path'])}", filesystem=filesystem)
            else:
                table = pq.read_table(os.path.join(lake, f["path"]))
            for row in table.to_pylist():
                row["date"] = dt.date.fromisoformat(date)
                records.append(row)
        result[endpoint] = summary(records, columns)
    elif engine.startswith("deltalake"):
        from deltalake import DeltaTable
        table = DeltaTable(path, version=int(engine.split("@")[1]), **options) if "@" in engine else DeltaTable(path, **options)
        result[endpoint] = summary(table.to_pyarrow_table().to_pylist(), columns)
        result[endpoint]["version"] = table.version()
        result[endpoint]["txn"] = table.transaction_version(f"ac-export:{endpoint}")
    elif engine == "glob":
        cursor = duckdb_connection().execute(
            f"SELECT * FROM read_parquet('{path}/date=*/*.parquet', hive_partitioning=true, union_by_name=true)")
        names = [d[0] for d in cursor.description]
        result[endpoint] = summary([dict(zip(names, row)) for row in cursor.fetchall()], columns)
    elif engine == "polars":
        import polars as pl
        result[endpoint] = summary(pl.read_delta(path, **options).to_dicts(), columns)
    elif engine == "duckdb":
        import duckdb_extensions
        duckdb_extensions.import_extension("delta")
        connection = duckdb_connection()
        connection.execute("LOAD delta")
        cursor = connection.execute(f"SELECT * FROM delta_scan('{path if remote else os.path.abspath(path)}')")
        names = [d[0] for d in cursor.description]
        result[endpoint] = summary([dict(zip(names, row)) for row in cursor.fetchall()], columns)
    else:
        sys.exit(f"unknown engine {engine}")
print(json.dumps(result, sort_keys=True), flush=True)
# deltalake's runtime now and then aborts while the interpreter shuts down ("terminate called without an active
# exception"), after the result is out: leave without that teardown.
os._exit(0)
