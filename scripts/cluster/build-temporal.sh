#!/usr/bin/env bash
# Builds the Temporal server and its SQL schema tool from the pinned Go module into .temporal/cluster/, once.
# The first build takes minutes and about 2 GB of memory; later runs find the binaries and return at once.
set -euo pipefail
source "$(dirname "$0")/env.sh"

stamp="$CLUSTER_BIN/version"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$TEMPORAL_SERVER_MODULE@$TEMPORAL_SERVER_VERSION" ] &&
  [ -x "$CLUSTER_BIN/temporal-server" ] && [ -x "$CLUSTER_BIN/temporal-sql-tool" ] && [ -d "$CLUSTER_SCHEMA/temporal" ]; then
  exit 0
fi

command -v go >/dev/null || fail "Go is needed to build the Temporal server: install Go 1.22 or newer (it fetches toolchain $TEMPORAL_GO_TOOLCHAIN itself)."

step "Building Temporal server $TEMPORAL_SERVER_VERSION and temporal-sql-tool from the Go module (first time only: ~5 min, ~2 GB of memory)"
started=$SECONDS
partial="$CLUSTER_BIN.partial"
rm -rf "$partial" && mkdir -p "$partial"
if ! GOTOOLCHAIN="$TEMPORAL_GO_TOOLCHAIN" GOBIN="$(cd "$partial" && pwd)" GOFLAGS=-buildvcs=false CGO_ENABLED=0 \
  go install "$TEMPORAL_SERVER_MODULE/cmd/server@$TEMPORAL_SERVER_VERSION" \
  "$TEMPORAL_SERVER_MODULE/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"; then
  fail "Building the Temporal server failed (see above). Check that the Go module proxy is reachable (GOPROXY) and that $TEMPORAL_GO_TOOLCHAIN can be fetched (GOTOOLCHAIN), and that 2 GB of memory are free."
fi
mv "$partial/server" "$partial/temporal-server"
mv "$partial/sql" "$partial/temporal-sql-tool"
module_dir="$(GOTOOLCHAIN="$TEMPORAL_GO_TOOLCHAIN" go env GOMODCACHE)/$TEMPORAL_SERVER_MODULE@$TEMPORAL_SERVER_VERSION"
mkdir -p "$partial/schema"
cp -R "$module_dir/schema/postgresql/v12/temporal" "$module_dir/schema/postgresql/v12/visibility" "$partial/schema/"
chmod -R u+w "$partial/schema"
rm -rf "$CLUSTER_BIN" && mv "$partial" "$CLUSTER_BIN"
echo "$TEMPORAL_SERVER_MODULE@$TEMPORAL_SERVER_VERSION" >"$stamp"
done_step "built in $((SECONDS - started)) s: $("$CLUSTER_BIN/temporal-server" --version 2>&1 | head -1)"
