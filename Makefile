# Every build and test goes through here so that each gets the duckdb_arrow
# tag (duckdb-go's Arrow interface compiles only with it).
export GOFLAGS := $(GOFLAGS) -tags=duckdb_arrow
GO ?= go
BIN := bin/trendlab

.PHONY: build demo test deps assets bench clean

# assets first: the binary embeds ECharts (notebooks/assets), copied there by .ci/deps.
build: assets
	$(GO) build -o $(BIN) ./cmd/trendlab

# The main job end to end on generated data.
demo: build
	./$(BIN) demo --dir demo

# Everything the tests need that is not Go (Chromium, ECharts), then every test.
test: deps
	$(GO) vet ./...
	$(GO) test -count=1 ./...

deps:
	bash .ci/deps

# Only what the build needs (ECharts from npm), not the test tools.
assets:
	bash .ci/deps assets

bench: build
	./$(BIN) bench

clean:
	rm -rf bin demo
