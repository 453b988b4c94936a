# The two commands of the README: `make dev` runs the whole service, `make test` tests it.
# Each installs what is missing first (npm packages, the pinned Temporal server under .temporal/).

.PHONY: dev test deps lint typecheck bench clean cluster cluster-down test-cluster

dev: deps
	npm run --silent dev

test: deps
	npm run --silent lint
	npm run --silent typecheck
	npm test

# The production path on this machine, without containers (scripts/cluster/): PostgreSQL, the Temporal server built
# from its Go module with mTLS, the API and two workers; `make test-cluster` runs the cluster suites against it.
cluster: node_modules/.installed
	npm run --silent build
	npm run --silent bundle:workflows
	@./scripts/cluster/up.sh

cluster-down:
	@./scripts/cluster/down.sh

test-cluster: node_modules/.installed
	npm run --silent build
	npm run --silent bundle:workflows
	@./scripts/cluster/test.sh

bench: deps
	npm run --silent bench

deps: node_modules/.installed temporal-binaries
	@./scripts/install-chromium.sh

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

temporal-binaries:
	@./scripts/install-temporal.sh

clean:
	rm -rf dist test-artifacts

.PHONY: temporal-binaries
