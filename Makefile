# The single entry point for generating, building, testing and demoing.
# CI runs `make test` (through .ci/run); `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

SPEC_DIR ?= $(abspath ../shared/zoom-spec)
CARGO ?= cargo
MOCK_ARGS ?=

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}'

.PHONY: generate
generate: ## Regenerate every generated file from $(SPEC_DIR)
	$(CARGO) run -q -p zoom-phone-codegen -- $(SPEC_DIR) .

.PHONY: check-generated
check-generated: ## Fail if the committed generated files differ from a fresh generation
	$(CARGO) run -q -p zoom-phone-codegen -- $(SPEC_DIR) . --check

.PHONY: fmt
fmt: ## Format all Rust code
	$(CARGO) fmt --all

.PHONY: lint
lint: ## rustfmt check and clippy with warnings as errors
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -q -- -D warnings

.PHONY: test-rust
test-rust: ## Rust unit and integration tests of the whole workspace
	$(CARGO) test --workspace -q
	$(CARGO) test -p zoom-phone --all-features -q

.PHONY: doc
doc: ## Build the Rust API docs (warnings are errors)
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps -q

.PHONY: mock
mock: ## Run the mock Zoom Phone server in the foreground (MOCK_ARGS="--port 8080 --rate-limits pro")
	$(CARGO) run -q -p zoom-phone-mock -- --webhook-spec $(SPEC_DIR)/phone-webhooks.openapi.json $(MOCK_ARGS)

.PHONY: test
test: lint check-generated test-rust doc ## Everything CI checks, installing what it needs
	@echo "make test: all checks passed"
