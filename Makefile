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
	$(MAKE) generate-vectors

.PHONY: generate-vectors
generate-vectors: ## Regenerate the cross-host parity vectors (tools/vectors/data) from the core's behaviour
	$(CARGO) run -q -p zoom-phone-vectors -- $(SPEC_DIR) .

.PHONY: check-generated
check-generated: ## Fail if the committed generated files differ from a fresh generation
	$(CARGO) run -q -p zoom-phone-codegen -- $(SPEC_DIR) . --check
	$(CARGO) run -q -p zoom-phone-vectors -- $(SPEC_DIR) . --check

.PHONY: check-packaging
check-packaging: ## Licence copies, crate archive contents, package metadata, README examples = their type-checked copies
	scripts/check-packaging.sh

.PHONY: test-scripts
test-scripts: ## The build scripts' helpers (bounded, retried npm installs) against fake tools
	scripts/test-scripts.sh

.PHONY: fmt
fmt: ## Format all Rust code
	$(CARGO) fmt --all

.PHONY: lint
lint: ## rustfmt check and clippy with warnings as errors
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -q -- -D warnings
	$(CARGO) clippy -p zoom-phone --all-targets --all-features -q -- -D warnings
	$(CARGO) clippy -p zoom-phone-client --all-targets --all-features -q -- -D warnings
	$(CARGO) clippy -p zoom-phone-client --all-targets --no-default-features --features blocking -q -- -D warnings
	$(CARGO) clippy -p zoom-phone-client --lib --no-default-features --features async,redis -q -- -D warnings
	$(CARGO) clippy -p zoom-phone-client --lib --no-default-features --features blocking,redis -q -- -D warnings

.PHONY: redis
redis: ## Install Debian's redis-server if missing (the fleet tests and the fleet demo run one)
	scripts/install-redis.sh

.PHONY: test-rust
test-rust: redis ## Rust unit and integration tests of the whole workspace, the clients' against the mock and the downstream crate included
	$(CARGO) test --workspace --exclude zoom-phone-client -q
	$(CARGO) test -p zoom-phone --all-features -q
	$(CARGO) test -p zoom-phone-client --all-features -q
	$(CARGO) check -p zoom-phone-client --no-default-features --features async -q
	$(CARGO) check -p zoom-phone-client --all-targets --no-default-features --features blocking -q
	$(CARGO) check -p zoom-phone-client --no-default-features --features blocking,redis -q
	scripts/with-mock.sh $(CARGO) run -q -p zoom-phone-downstream

.PHONY: doc
doc: ## Build the Rust API docs (warnings are errors)
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --all-features -q

.PHONY: mock
mock: ## Run the mock Zoom Phone server in the foreground (MOCK_ARGS="--port 8080 --rate-limits pro")
	$(CARGO) run -q -p zoom-phone-mock -- --webhook-spec $(SPEC_DIR)/phone-webhooks.openapi.json $(MOCK_ARGS)

.PHONY: demo
demo: demo-rust demo-js demo-py demo-fleet ## The demo: the Rust, Node and Python clients against the mock server, each with a short transcript
	@echo "make demo: done"

DEMO_MOCK_ARGS := --webhook-spec $(SPEC_DIR)/phone-webhooks.openapi.json

.PHONY: demo-rust
demo-rust: ## The Rust client's part of the demo (builds, starts the mock, runs, stops it)
	$(CARGO) build -q -p zoom-phone-client --example demo
	ZOOM_SPEC_DIR=$(SPEC_DIR) MOCK_ARGS="$(DEMO_MOCK_ARGS)" scripts/with-mock.sh $(CARGO) run -q -p zoom-phone-client --example demo

.PHONY: demo-js
demo-js: js-deps ## The npm package's part of the demo (js-examples/demo.mjs) against a fresh mock
	MOCK_ARGS="$(DEMO_MOCK_ARGS)" scripts/with-mock.sh node js-examples/demo.mjs

.PHONY: demo-py
demo-py: python ## The Python package's part of the demo (bindings-python/examples/demo.py) against a fresh mock
	MOCK_ARGS="$(DEMO_MOCK_ARGS)" scripts/with-mock.sh $(VENV)/bin/python bindings-python/examples/demo.py

# --- The fleet test (tools/fleet/README.md): workers of every host on one Redis, the mock's log the referee ---
comma := ,
# The Rust worker joins once its example is there.
FLEET_RUST := $(if $(wildcard clients/examples/fleet_worker.rs),rust:3$(comma),)
FLEET_WORKERS ?= $(FLEET_RUST)node:3,python-sync:2,python-async:1
FLEET_OUT := $(or $(CARGO_TARGET_DIR),target)/fleet
FLEET_RUN = ZOOM_PHONE_PYTHON=$(abspath $(VENV))/bin/python python3 tools/fleet/run.py

.PHONY: fleet-build
fleet-build: redis js-deps python
	$(CARGO) build -q -p zoom-phone-mock
	$(if $(FLEET_RUST),$(CARGO) build -q -p zoom-phone-client --example fleet_worker --features async$(comma)blocking$(comma)redis$(comma)tracing)

.PHONY: fleet
fleet: fleet-build ## The full fleet test (~4 min, not part of test): 60 s with Redis (down 10 s), without Redis (the baseline), with user OAuth; writes docs/fleet.md
	$(FLEET_RUN) --seconds 60 --workers $(FLEET_WORKERS) --json $(FLEET_OUT)/redis.json
	$(FLEET_RUN) --seconds 60 --workers $(FLEET_WORKERS) --no-redis --json $(FLEET_OUT)/baseline.json
	$(FLEET_RUN) --seconds 60 --workers $(FLEET_WORKERS) --auth user --json $(FLEET_OUT)/user.json
	python3 tools/fleet/report.py $(FLEET_OUT)/redis.json $(FLEET_OUT)/baseline.json $(FLEET_OUT)/user.json > docs/fleet.md
	@echo "make fleet: wrote docs/fleet.md"

# The full run (`make fleet`, ~4 min) has its own target; the smoke in `test` runs every host at
# share 0.7 in steady state and checks what must hold on any machine: no 429, no failed call, one
# token request per expiry; the outage itself is tested in each host's fleet tests.
.PHONY: fleet-smoke
fleet-smoke: fleet-build ## A short fleet run in make test: a Rust, a Node and two Python workers on one Redis, 15 s at share 0.7; fails on a 429, a failed call or a token request too soon
	$(FLEET_RUN) --no-build --seconds 15 --workers $(FLEET_RUST:3$(comma)=1$(comma))node:1,python-sync:1,python-async:1 --share 0.7 --kill-for 0 --short --check --json $(FLEET_OUT)/smoke.json

.PHONY: demo-fleet
demo-fleet: fleet-build ## The fleet part of the demo: a Rust, a Node and a Python worker share one account's budget through Redis for 8 s; prints the 429s and the token requests
	$(FLEET_RUN) --no-build --seconds 8 --workers $(FLEET_RUST:3$(comma)=1$(comma))node:1,python-sync:1 --kill-for 0 --share 0.9 --summary

.PHONY: test
test: test-scripts lint check-generated check-packaging test-rust doc fuzz-smoke test-js npm-smoke-quick test-browser test-py bench-smoke sdist-contents conformance fleet-smoke ## Everything CI checks, installing what it needs
	@echo "make test: all checks passed"

# --- Conformance: every operation through the three hosts, validated by Stoplight Prism ---
.PHONY: prism
prism: ## Install Stoplight Prism (the version tools/conformance/package.json pins) from the npm registry
	scripts/install-prism.sh

.PHONY: conformance
conformance: prism js-deps python ## All 391 operations via the Rust, Node and Python clients against Prism's mock of the spec (docs/conformance.md)
	CARGO=$(CARGO) ZOOM_SPEC_DIR=$(SPEC_DIR) ZOOM_PHONE_VENV=$(abspath $(VENV)) scripts/conformance.sh

# --- Benchmarks (by hand; make test runs the smoke) ---
.PHONY: bench bench-smoke
bench: wasm python ## Benchmarks (not part of test): core, Node, Python and sizes vs raw baselines and Rivet/zoomus; writes target/bench/*.json and docs/benchmarks.md (~4 min; BENCH_QUICK=1 for a short run)
	tools/bench/run.sh

bench-smoke: wasm python ## The benchmark's smoke (part of test): every part of make bench end to end on tiny sizes with debug builds, into target/bench-smoke/; its numbers mean nothing
	BENCH_SMOKE=1 tools/bench/run.sh

# --- Fuzzing (cargo-fuzz + libFuzzer on stable: --sanitizer none; docs/reliability.md) ---
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_SECONDS ?= 600

.PHONY: fuzz-smoke
fuzz-smoke: ## Build the fuzz targets (tools/fuzz) and run each for FUZZ_SMOKE_SECONDS (default 20)
	scripts/fuzz.sh --seconds $(FUZZ_SMOKE_SECONDS)

.PHONY: fuzz
fuzz: ## Longer runs by hand: FUZZ_SECONDS per target (default 600), then minimize into the committed corpora
	scripts/fuzz.sh --seconds $(FUZZ_SECONDS) --merge $(FUZZ_TARGETS)

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
.PHONY: js-deps
js-deps: wasm ## js-examples' dependencies, the built package among them (npm registry only)
	scripts/npm-install.sh js-examples --no-package-lock

test-js: js-deps ## The built npm package: tsc (types tests as Node, browser, Workers and bare-lib projects; examples), Cloudflare workerd, Node tests against the mock
	$(CARGO) build -q -p zoom-phone-mock
	cd js-examples && for config in tsconfig.json tsconfig.browser.json tsconfig.workers.json tsconfig.bare.json; do node_modules/.bin/tsc -p $$config; done
	cd js-examples && node_modules/.bin/workerd test workerd/config.capnp
	node --test js-examples/*.test.mjs

.PHONY: test-browser
test-browser: js-deps ## The npm package in headless Chromium (Debian's; installed if missing): PKCE, CORS calls, webhook
	scripts/install-browser.sh
	$(CARGO) build -q -p zoom-phone-mock
	node --test js-examples/browser/browser.test.mjs

.PHONY: python-env
python-env: ## Create .venv with maturin, ziglang, auditwheel, pytest, pytest-asyncio, pytest-timeout, httpx, mypy, redis (skips what is there)
	scripts/install-python-env.sh

.PHONY: python
python: python-env ## Build the abi3 manylinux2014 (glibc 2.17) wheel for this machine with maturin --zig, prove its tag (auditwheel), install it into .venv
	rm -f $(WHEEL_DIR)/zoom_phone-*.whl
	ZOOM_PHONE_VENV=$(abspath $(VENV)) scripts/build-wheels.sh --out $(WHEEL_DIR) --install $(abspath $(VENV)) manylinux2014-$(shell uname -m)
	@ls -l $(WHEEL_DIR)/zoom_phone-*.whl

# --- Release artefacts (by hand or a release job; make test runs the quick subsets) ---
.PHONY: wheels
wheels: python-env ## Every Python artefact into target/dist: abi3 wheels for manylinux2014 and musllinux_1_2 on x86_64 and aarch64 (maturin --zig), tags proved; the sdist, built from source in a fresh venv and smoke-tested
	ZOOM_PHONE_VENV=$(abspath $(VENV)) scripts/build-wheels.sh --out target/dist

.PHONY: sdist-check
sdist-check: python-env ## The sdist alone: pip builds it from source in a fresh venv, then the smoke test (scripts/package-smoke/smoke.py)
	ZOOM_PHONE_VENV=$(abspath $(VENV)) scripts/build-wheels.sh --out target/dist sdist

.PHONY: sdist-contents
sdist-contents: python-env ## The sdist made and its listing checked (core, workspace, licences), not built: the part of sdist-check make test runs
	ZOOM_PHONE_VENV=$(abspath $(VENV)) scripts/build-wheels.sh --out target/dist sdist-contents

.PHONY: npm-smoke
npm-smoke: wasm ## npm pack the package, install the tarball in a fresh project, run its smoke test on every Node major engines claims (Node builds from the npm registry)
	scripts/npm-smoke.sh

.PHONY: npm-smoke-quick
npm-smoke-quick: wasm ## npm-smoke on the machine's Node only (part of make test)
	scripts/npm-smoke.sh --system-node

.PHONY: test-py
test-py: python redis ## pytest against the installed wheel, the mock server and a throwaway redis-server (py-tests/), mypy --strict, stubtest
	$(CARGO) build -q -p zoom-phone-mock
	ZOOM_SPEC_DIR=$(SPEC_DIR) $(VENV)/bin/python -m pytest -q py-tests
	$(VENV)/bin/mypy --strict py-tests bindings-python/python/zoom_phone bindings-python/examples
	$(VENV)/bin/python -m mypy.stubtest zoom_phone._core
