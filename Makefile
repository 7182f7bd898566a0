# ac-export: the two commands a newcomer needs are `make run` and `make test`.
SWIFT ?= swift
VENV := .venv
PYTHON := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed

.PHONY: run test venv build bench clean-lake

# Builds, then exports all 15 endpoints to ./lake (the venv provides DuckDB for the query it prints). Without ACTIVECAMPAIGN_API_KEY/BASE_URL the
# built-in mock API serves a demo account on 127.0.0.1 for the duration of the run.
run: build venv
	.build/debug/ac-export run --out ./lake
	@echo
	@echo "Look at the data:  $(PYTHON) -c \"import duckdb; print(duckdb.sql(\\\"SELECT count(*) AS contacts FROM read_parquet('lake/contacts/**/*.parquet', hive_partitioning=true)\\\"))\""

build:
	$(SWIFT) build --product ac-export

# The test suite: unit, round-trip, end-to-end over loopback against the mock, and interop with
# pyarrow, DuckDB and polars (installed into .venv from the package registry).
test: venv
	$(SWIFT) build --product ac-export
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel

venv: $(VENV_STAMP)

$(VENV_STAMP): Tests/Interop/requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r Tests/Interop/requirements.txt
	$(PYTHON) -c "import pyarrow, duckdb, polars"
	touch $(VENV_STAMP)

# Benchmarks (never part of `make test`): release build, peers from the same venv, one table.
bench: venv
	$(SWIFT) build -c release --product ac-export-bench
	$(SWIFT) build -c release --product ac-export
	.build/release/ac-export-bench --python $(PYTHON) --cli .build/release/ac-export
