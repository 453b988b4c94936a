#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test (test/browser/ui.test.ts), once. Playwright's own browser
# download cannot be used here; playwright-core drives the system Chromium instead. A Chromium you already have
# can be used: set CHROMIUM_PATH.
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable; point it at a Chromium, or unset it to use Debian's." >&2
  exit 1
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser test, once..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  if [ -x "$chromium" ]; then
    exit 0
  fi
  echo "apt-get installed chromium, but $chromium is still missing; set CHROMIUM_PATH to its executable." >&2
  exit 1
fi

echo "The browser test needs Chromium at $chromium: install Debian's package \`chromium\`" >&2
echo "(as root: apt-get install chromium), or set CHROMIUM_PATH to a Chromium executable you already have." >&2
exit 1
