# Convenience targets; scripts/test is what CI runs.
.PHONY: build test test-short bench fuzz lint ci

build:
	CGO_ENABLED=0 go build -trimpath -o bin/lambent ./cmd/lambent

test:
	bash scripts/test

test-short:
	go test -count=1 ./internal/...

bench:
	go test ./bench/ -run '^$$' -bench . -benchtime 3000x

# Each fuzzer for FUZZTIME (default 30s).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$(go list ./internal/...); do \
		for f in $$(go test -list 'Fuzz.*' $$pkg | grep ^Fuzz); do \
			echo "== $$pkg $$f"; go test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

lint:
	gofmt -l $$(git ls-files '*.go')
	go vet ./...
	go tool staticcheck ./...

ci:
	bash .ci/run
