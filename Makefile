# Every build and test goes through here so that each gets the duckdb_arrow
# tag (duckdb-go's Arrow interface compiles only with it).
export GOFLAGS := $(GOFLAGS) -tags=duckdb_arrow
GO ?= go
BIN := bin/trendlab

.PHONY: build demo test test-citus deps assets bench bench-100m clean

# assets first: the binary embeds ECharts (notebooks/assets), copied there by .ci/deps.
build: assets
	$(GO) build -o $(BIN) ./cmd/trendlab

# The main job end to end on generated data.
demo: build
	./$(BIN) demo --dir demo

# Everything the tests need that is not Go (Chromium, ECharts, PostgreSQL),
# then every test, with a private PostgreSQL server on a Unix socket for the
# server-workspace tests (.ci/pgserver; stopped however the tests end). A
# TRENDLAB_TEST_POSTGRES already set names a server to use instead.
test: deps
	$(GO) vet ./...
	@set -e; url="$$TRENDLAB_TEST_POSTGRES"; \
	if [ -z "$$url" ]; then url=$$(bash .ci/pgserver start); trap 'bash .ci/pgserver stop "$$url"' EXIT; fi; \
	echo "PostgreSQL for the tests: $$url"; \
	TRENDLAB_TEST_POSTGRES="$$url" $(GO) test -count=1 ./...

# Every test again with the server tests on a one-node Citus cluster
# (.ci/pgserver start citus; internal/pgtest distributes each test
# database). Citus is not packaged here: build it for this PostgreSQL first
# (README, Two engines). Not part of test, which CI runs.
test-citus: deps
	@set -e; url=$$(bash .ci/pgserver start citus); trap 'bash .ci/pgserver stop "$$url"' EXIT; \
	echo "Citus for the tests: $$url"; \
	TRENDLAB_TEST_POSTGRES="$$url" $(GO) test -count=1 ./...

deps:
	bash .ci/deps

# Only what the build needs (ECharts from npm), not the test tools.
assets:
	bash .ci/deps assets

bench: build
	./$(BIN) bench

# The "Scale" issue's figures at 100 million videos (hours, ~45 GB of disk;
# not part of test). Restartable; VIDEOS=200000 DIR=... for a smoke run.
bench-100m: build
	bash .ci/bench-100m

clean:
	rm -rf bin demo
