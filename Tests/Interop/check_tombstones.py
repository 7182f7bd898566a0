"""Checks a lake's tombstone tables (`run --reconcile`) with other engines.

usage: check_tombstones.py LAKE EXPECTED_JSON
EXPECTED_JSON: {"<endpoint>": {"deleted": [ids], "live": [ids]}} for contacts and deals.

For each endpoint: pyarrow reads exactly the deleted ids from `<endpoint>_deleted/date=*/*.parquet`, each once, with
`detected_at` a timestamp; deltalake and polars read the same from its Delta table; and the README's "current
records" query (latest version per id, minus tombstones), taken from README.md itself and run by DuckDB with this
lake's paths (and deals' names for deals), returns exactly the live ids.
Exit status 1 with the differences on stderr.
"""
import json
import pathlib
import re
import sys

import deltalake
import duckdb
import polars
import pyarrow
import pyarrow.dataset

CURSOR = {"contacts": "udate", "deals": "mdate"}
README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def readme_query():
    """The README's DuckDB query of the current contacts: the sql block that reads contacts_deleted with read_parquet."""
    for block in re.findall(r"```sql\n(.*?)```", README.read_text(), re.S):
        if "read_parquet('OUT/contacts_deleted" in block:
            return block.strip().rstrip(";")
    raise SystemExit("README.md has no DuckDB query over OUT/contacts_deleted")


def main():
    lake, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path) as f:
        expected = json.load(f)
    problems = []
    for endpoint, ids in expected.items():
        table = f"{lake}/{endpoint}_deleted"
        deleted = sorted(int(i) for i in ids["deleted"])
        live = sorted(int(i) for i in ids["live"])

        plain = pyarrow.dataset.dataset(f"{table}", format="parquet", partitioning="hive",
                                        exclude_invalid_files=True, ignore_prefixes=["_", "."]).to_table()
        found = sorted(int(i) for i in plain.column("id").to_pylist())
        if found != deleted:
            problems.append(f"{endpoint}: pyarrow reads tombstones {found}, expected {deleted}")
        if not pyarrow.types.is_timestamp(plain.schema.field("detected_at").type):
            problems.append(f"{endpoint}: detected_at is {plain.schema.field('detected_at').type}, not a timestamp")

        delta = sorted(int(i) for i in deltalake.DeltaTable(table).to_pyarrow_table().column("id").to_pylist())
        if delta != deleted:
            problems.append(f"{endpoint}: deltalake reads tombstones {delta}, expected {deleted}")
        frame = polars.read_delta(table)
        if sorted(int(i) for i in frame["id"].to_list()) != deleted:
            problems.append(f"{endpoint}: polars.read_delta reads tombstones {frame['id'].to_list()}, expected {deleted}")

        query = readme_query().replace("'OUT/contacts", f"'{lake}/{endpoint}").replace("udate", CURSOR[endpoint])
        current = sorted(int(i) for i in duckdb.sql(query).fetchnumpy()["id"])
        if current != live:
            missing = sorted(set(live) - set(current))[:10]
            extra = sorted(set(current) - set(live))[:10]
            problems.append(f"{endpoint}: DuckDB's current records differ from the API's: missing {missing}, extra {extra}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    print("tombstones read the same by pyarrow, deltalake, polars; DuckDB's current records match the API")


if __name__ == "__main__":
    main()
