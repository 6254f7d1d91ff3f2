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
	$(CARGO) clippy -p zoom-phone --all-targets --all-features -q -- -D warnings

.PHONY: test-rust
test-rust: ## Rust unit and integration tests of the whole workspace, the clients' against the mock included
	$(CARGO) test --workspace -q
	$(CARGO) test -p zoom-phone --all-features -q
	$(CARGO) check -p zoom-phone --all-targets --features async-client -q
	$(CARGO) check -p zoom-phone --all-targets --features blocking-client -q

.PHONY: doc
doc: ## Build the Rust API docs (warnings are errors)
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps -q

.PHONY: mock
mock: ## Run the mock Zoom Phone server in the foreground (MOCK_ARGS="--port 8080 --rate-limits pro")
	$(CARGO) run -q -p zoom-phone-mock -- --webhook-spec $(SPEC_DIR)/phone-webhooks.openapi.json $(MOCK_ARGS)

.PHONY: demo
demo: demo-rust ## The demo: each client against the mock server, with a short transcript
	@echo "make demo: done"

.PHONY: demo-rust
demo-rust: ## The Rust client's part of the demo (builds, starts the mock, runs, stops it)
	$(CARGO) build -q -p zoom-phone --example demo --features async-client
	ZOOM_SPEC_DIR=$(SPEC_DIR) scripts/with-mock.sh $(CARGO) run -q -p zoom-phone --example demo --features async-client

.PHONY: test
test: lint check-generated test-rust doc test-js test-py ## Everything CI checks, installing what it needs
	@echo "make test: all checks passed"

# --- Bindings: npm package (wasm-bindgen) and Python package (PyO3 + maturin) ---
VENV ?= .venv
WHEEL_DIR := target/wheels

.PHONY: wasm-toolchain
wasm-toolchain: ## Install Debian's Rust for wasm and wasm-bindgen-cli into .tools/ (skips what is there)
	scripts/install-wasm-toolchain.sh --wasm-opt

.PHONY: wasm
wasm: wasm-toolchain ## Build the npm package into bindings-wasm/dist/ (prints sizes)
	scripts/build-wasm.sh

.PHONY: test-js
test-js: wasm ## The built npm package: tsc type check, Cloudflare workerd, then Node tests (js-examples/)
	cd js-examples && npm install --silent --no-audit --no-fund --no-package-lock
	cd js-examples && node_modules/.bin/tsc -p .
	cd js-examples && node_modules/.bin/workerd test workerd/config.capnp
	node --test js-examples/*.test.mjs

.PHONY: python-env
python-env: ## Create .venv with maturin, pytest, pytest-asyncio, httpx, mypy (skips what is there)
	scripts/install-python-env.sh

.PHONY: python
python: python-env ## Build the abi3 wheel with maturin and install it into .venv
	rm -f $(WHEEL_DIR)/zoom_phone-*.whl
	cd bindings-python && ../$(VENV)/bin/maturin build --release --out ../$(WHEEL_DIR) -i ../$(VENV)/bin/python
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps $(WHEEL_DIR)/zoom_phone-*.whl
	@ls -l $(WHEEL_DIR)/zoom_phone-*.whl

.PHONY: python-demo
python-demo: python ## The Python tour (bindings-python/examples/demo.py) against a fresh mock server
	$(CARGO) build -q -p zoom-phone-mock
	port_file=$$(mktemp); target/debug/zoom-phone-mock --port-file "$$port_file" --webhook-spec $(SPEC_DIR)/phone-webhooks.openapi.json >/dev/null & pid=$$!; \
	trap 'kill $$pid; rm -f "$$port_file"' EXIT; \
	for _ in $$(seq 100); do [[ -s "$$port_file" ]] && break; sleep 0.1; done; \
	ZOOM_PHONE_MOCK_URL="http://127.0.0.1:$$(cat "$$port_file")" $(VENV)/bin/python bindings-python/examples/demo.py

.PHONY: test-py
test-py: python ## pytest against the installed wheel and the mock server (py-tests/), mypy --strict, stubtest
	$(CARGO) build -q -p zoom-phone-mock
	ZOOM_SPEC_DIR=$(SPEC_DIR) $(VENV)/bin/python -m pytest -q py-tests
	$(VENV)/bin/mypy --strict py-tests bindings-python/python/zoom_phone bindings-python/examples
	$(VENV)/bin/python -m mypy.stubtest zoom_phone._core
