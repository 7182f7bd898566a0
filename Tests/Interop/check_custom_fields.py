"""Checks a lake's custom-field tables (contact_fields, deal_fields, account_fields) against its value listings.

usage: check_custom_fields.py LAKE SOURCE_DIR
SOURCE_DIR holds <endpoint>.ndjson as the API served them (field_values, custom_fields, deal_custom_field_values,
deal_custom_fields, account_custom_field_values, account_custom_fields). For each table whose listings are there:
pyarrow reads its latest date partition; every entity with a value has exactly one row and no other entity has one;
every value sits in the column the manifest maps its field id to, equal to the source value (a `||a||b||` list as the
JSON list ["a","b"], a date as the same day, a datetime as the same instant, numbers and text text-equal); text
fields are string columns, date fields date columns and datetime fields timestamp columns. DuckDB and polars read the same rows.
Exit status 1 with the differences on stderr.
"""
import datetime as dt
import json
import sys

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds

TABLES = {
    "contact_fields": ("field_values", "custom_fields", "contact", "field", "value", "type", "contact"),
    "deal_fields": ("deal_custom_field_values", "deal_custom_fields", "dealId", "customFieldId", "fieldValue", "fieldType", "deal"),
    "account_fields": ("account_custom_field_values", "account_custom_fields", "accountId", "customFieldId", "fieldValue", "fieldType", "account"),
}
TEXT_TYPES = {"text", "textarea", "dropdown", "radio", "hidden", "checkbox", "listbox", "multiselect"}
LIST_TYPES = {"checkbox", "listbox", "multiselect"}


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def expected_text(value, field_type):
    if value is None:
        return None
    if field_type in LIST_TYPES and value.startswith("||") and value.endswith("||") and len(value) >= 4:
        return json.dumps([v for v in value[2:-2].split("||") if v], ensure_ascii=False, separators=(",", ":"))
    return str(value)


def stored_text(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def same(stored, expected):
    if isinstance(stored, dt.datetime):
        parsed = dt.datetime.fromisoformat(expected)
        if parsed.tzinfo is None:
            return stored.replace(tzinfo=None) == parsed
        return stored == parsed
    if stored == expected:
        return True
    try:
        return float(stored) == float(expected)
    except (TypeError, ValueError):
        return False


def main():
    lake, source = sys.argv[1], sys.argv[2]
    with open(f"{lake}/_manifest.json") as f:
        manifest = json.load(f)
    problems = []
    checked = 0
    for table, (values_name, definitions_name, entity_key, field_key, value_key, type_key, entity_column) in TABLES.items():
        try:
            values = load(f"{source}/{values_name}.ndjson")
            definitions = load(f"{source}/{definitions_name}.ndjson")
        except FileNotFoundError:
            continue
        columns = manifest.get("customFieldColumns", {}).get(table)
        if columns is None:
            problems.append(f"{table}: the manifest maps no field to a column")
            continue
        types = {str(d["id"]): (d.get(type_key) or "").lower() for d in definitions}
        expected = {}
        for v in values:
            entity = int(v[entity_key])
            column = columns[str(v[field_key])]
            expected.setdefault(entity, {})[column] = (expected_text(v[value_key], types[str(v[field_key])]), types[str(v[field_key])])
        dataset = ds.dataset(f"{lake}/{table}", format="parquet", partitioning="hive", ignore_prefixes=["_", "."])
        rows = dataset.to_table()
        latest = max(rows.column("date").to_pylist())
        rows = rows.filter(pa.compute.equal(rows.column("date"), latest))
        schema = rows.schema
        records = rows.to_pylist()
        entities = [r[entity_column] for r in records]
        if len(entities) != len(set(entities)):
            problems.append(f"{table}: an entity has more than one row")
        if set(entities) != set(expected):
            problems.append(f"{table}: rows for {sorted(set(entities) - set(expected))[:5]} without values, none for {sorted(set(expected) - set(entities))[:5]}")
        by_entity = {r[entity_column]: r for r in records}
        for entity, cells in expected.items():
            row = by_entity.get(entity)
            if row is None:
                continue
            for column, (text, field_type) in cells.items():
                checked += 1
                stored = stored_text(row.get(column))
                if text is None and stored is None:
                    continue
                if stored is None or text is None or not same(stored, text):
                    problems.append(f"{table}: {entity_column} {entity}, column {column}: {stored!r}, the API sent {text!r}")
            for column in set(columns.values()) - set(cells):
                if column in row and row[column] is not None:
                    problems.append(f"{table}: {entity_column} {entity}, column {column} holds {row[column]!r} without a value")
        for field_id, column in columns.items():
            field_type = types.get(field_id)
            if column not in schema.names or field_type is None:
                continue
            arrow_type = schema.field(column).type
            if field_type in TEXT_TYPES and not pa.types.is_string(arrow_type):
                problems.append(f"{table}: {field_type} field {field_id} is a {arrow_type} column, not text")
            if field_type == "date" and not pa.types.is_date32(arrow_type):
                problems.append(f"{table}: date field {field_id} is a {arrow_type} column, not a date")
            if field_type == "datetime" and not pa.types.is_timestamp(arrow_type):
                problems.append(f"{table}: datetime field {field_id} is a {arrow_type} column, not a timestamp")
        glob = f"{lake}/{table}/date={latest}/*.parquet"
        duck = duckdb.sql(f"SELECT count(*), count(DISTINCT {entity_column}) FROM read_parquet('{glob}')").fetchall()[0]
        polars_rows = pl.scan_parquet(glob).select(pl.len()).collect().item()
        if duck != (len(records), len(records)) or polars_rows != len(records):
            problems.append(f"{table}: DuckDB reads {duck}, polars {polars_rows} rows, pyarrow {len(records)}")
    for problem in problems[:40]:
        print(problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    if checked == 0:
        print("no custom-field value was checked", file=sys.stderr)
        sys.exit(1)
    print(f"custom-field tables: {checked} values in their columns, read the same by pyarrow, DuckDB and polars")


if __name__ == "__main__":
    main()
