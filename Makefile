# The two commands of the README: `make dev` runs the whole service, `make test` tests it.
# Each installs what is missing first (npm packages, the pinned Temporal server under .temporal/).

.PHONY: dev test deps lint typecheck bench clean

dev: deps
	npm run --silent dev

test: deps
	npm run --silent lint
	npm run --silent typecheck
	npm test

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
