# ac-export: the two commands a newcomer needs are `make run` and `make test`.
SWIFT ?= swift
VENV := .venv
PYTHON := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
DELTA_VENV := .venv-delta
DELTA_VENV_STAMP := $(DELTA_VENV)/.installed

.PHONY: run test venv build bench clean-lake stress fuzz install

# Builds, then exports the standard 15 endpoints to ./lake (RUN_ARGS="--endpoints all" adds the 14 opt-in ones and the
# custom-field tables; the venv provides DuckDB for the query it prints). With no account
# configured (ACTIVECAMPAIGN_API_KEY neither in the environment nor in .env) it asks explicitly for the built-in demo
# account (`--demo`: the mock API on 127.0.0.1 for the duration of the run); `ac-export run` itself never falls back to it.
DEMO_FLAG = $(if $(ACTIVECAMPAIGN_API_KEY),,$(shell grep -qsE '^[[:space:]]*(export[[:space:]]+)?ACTIVECAMPAIGN_API_KEY=.' .env || echo --demo))
run: build venv
	.build/debug/ac-export run --out ./lake $(DEMO_FLAG) $(RUN_ARGS)
	@echo
	@echo "Look at the data:  $(PYTHON) -c \"import duckdb; print(duckdb.sql(\\\"SELECT count(*) AS contacts FROM read_parquet('lake/contacts/date=*/*.parquet', hive_partitioning=true)\\\"))\""

build:
	$(SWIFT) build --product ac-export

# Installs the release build as $(PREFIX)/bin/ac-export, with its shell completions for bash, zsh and fish
# (docs/scheduling.md). DESTDIR stages a package; CONFIGURATION=debug installs the debug build (the test does).
PREFIX ?= /usr/local
CONFIGURATION ?= release
install:
	$(SWIFT) build -c $(CONFIGURATION) --product ac-export
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 .build/$(CONFIGURATION)/ac-export $(DESTDIR)$(PREFIX)/bin/ac-export
	.build/$(CONFIGURATION)/ac-export --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ac-export
	.build/$(CONFIGURATION)/ac-export --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_ac-export
	.build/$(CONFIGURATION)/ac-export --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/ac-export.fish
	@echo "installed $(DESTDIR)$(PREFIX)/bin/ac-export ($$($(DESTDIR)$(PREFIX)/bin/ac-export --version))"

# The test suite: unit, round-trip, end-to-end over loopback against the mock, and interop with
# pyarrow, DuckDB, polars and fastparquet, and of the Delta tables with deltalake, polars and DuckDB's delta
# extension (installed into .venv and .venv-delta from the package registry).
test: venv
	$(SWIFT) build --product ac-export
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel

venv: $(VENV_STAMP) $(DELTA_VENV_STAMP)

$(VENV_STAMP): Tests/Interop/requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r Tests/Interop/requirements.txt
	$(PYTHON) -c "import pyarrow, duckdb, polars, fastparquet, pyte, deltalake, botocore, moto, pyspark"
	test -x $(VENV)/bin/weed && test -x $(VENV)/bin/moto_server
	touch $(VENV_STAMP)

# DuckDB's delta_scan: the extension's wheels are pinned to one DuckDB release (Tests/Interop/requirements-duckdb-delta.txt).
$(DELTA_VENV_STAMP): Tests/Interop/requirements-duckdb-delta.txt
	python3 -m venv $(DELTA_VENV)
	$(DELTA_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r Tests/Interop/requirements-duckdb-delta.txt
	$(DELTA_VENV)/bin/python -c "import duckdb, duckdb_extensions; duckdb_extensions.import_extension('delta'); duckdb_extensions.import_extension('httpfs')"
	touch $(DELTA_VENV_STAMP)

# Benchmarks (never part of `make test`): release build, peers from the same venv, one table. BENCH_ARGS passes
# options, e.g. BENCH_ARGS="--only run,delta --repeats 5" (`.build/release/ac-export-bench --help` lists them).
bench: venv
	$(SWIFT) build -c release --product ac-export-bench
	$(SWIFT) build -c release --product ac-export
	.build/release/ac-export-bench --python $(PYTHON) --delta-python $(DELTA_VENV)/bin/python --cli .build/release/ac-export $(BENCH_ARGS)

# The fuzzer (Fuzz/; README.md, section 'Reliability'): 1M mutated API pages through the page skimmer, the record shredder and the
# export pipeline, checked against strict parsers; release build, both cores. A failure names its input:
# `.build/release/ac-export-fuzz --dump N > Tests/ExportTests/Fuzz/FuzzRegressions/KEY-what.json`.
FUZZ_INPUTS ?= 1000000
fuzz:
	$(SWIFT) build -c release --product ac-export-fuzz
	.build/release/ac-export-fuzz --inputs $(FUZZ_INPUTS)

# Reliability suite (Tests/ExportTests/Reliability) with the stress counts: kill -9 at 21 moments,
# every fault case tried 3 times, a new field on page 500; then the 1M-input fuzzer. Writes the results table
# to .build/reliability-results.md.
RELIABILITY_RESULTS := $(CURDIR)/.build/reliability-results.md
stress: venv
	$(SWIFT) build --product ac-export
	$(SWIFT) build --build-tests
	$(SWIFT) build -c release --product ac-export-fuzz
	rm -f $(RELIABILITY_RESULTS)
	@start=$$(date +%s); \
	AC_EXPORT_STRESS=1 AC_EXPORT_RELIABILITY_RESULTS=$(RELIABILITY_RESULTS) $(SWIFT) test --skip-build --no-parallel \
		--filter 'APIFaultTests|DataShapeTests|KillNineTests|DiskFullTests|ConcurrencyTests|ManifestCorruptionTests|SecretTests|FaultInjectionTests'; \
	status=$$?; fuzzstart=$$(date +%s); \
	.build/release/ac-export-fuzz --inputs $(FUZZ_INPUTS) > .build/fuzz-results.txt; fuzzstatus=$$?; cat .build/fuzz-results.txt; \
	echo; cat $(RELIABILITY_RESULTS); echo "fuzz: $$(( $$(date +%s) - fuzzstart )) s, exit $$fuzzstatus"; \
	echo "stress: $$(( $$(date +%s) - start )) s, exit $$status"; [ $$status -eq 0 ] && [ $$fuzzstatus -eq 0 ]
