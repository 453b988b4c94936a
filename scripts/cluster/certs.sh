#!/usr/bin/env bash
# Generates the cluster's TLS material into one folder (default .data/cluster/certs), once: a CA, the frontend's
# server certificate (also its internode identity), a client certificate for the API, workers and operators, and,
# for the tests that must be refused, a second CA with a client certificate of its own.
# Usage: scripts/cluster/certs.sh [folder]
set -euo pipefail
source "$(dirname "$0")/env.sh"

dir="${1:-$CLUSTER_CERTS}"
if [ -f "$dir/client.pem" ] && [ -f "$dir/rogue-client.pem" ] &&
  openssl x509 -checkend 86400 -noout -in "$dir/server.pem" >/dev/null 2>&1; then
  exit 0
fi
command -v openssl >/dev/null || fail "openssl is needed to generate the cluster's certificates (Debian: apt-get install openssl)."

step "Generating a CA, server and client certificates in ${dir#"$CLUSTER_ROOT/"}"
mkdir -p "$dir" && chmod 700 "$dir"
cd "$dir"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null && chmod 600 "$1"; }
ca() {
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -sha256 -days 825 -subj "/O=one-stop-shop/CN=$2" \
    -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign -out "$1.pem"
}
leaf() { # name, CA, common name, extensions
  key "$1.key"
  openssl req -new -key "$1.key" -subj "/O=one-stop-shop/CN=$3" -out "$1.csr"
  printf '%s\n' "$4" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 825 -sha256 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
ca ca "one-stop-shop cluster CA"
leaf server ca temporal-frontend "$(printf '%s\n' 'basicConstraints=CA:false' 'keyUsage=critical,digitalSignature' \
  'extendedKeyUsage=serverAuth,clientAuth' 'subjectAltName=DNS:localhost,IP:127.0.0.1')"
leaf client ca one-stop-shop "$(printf '%s\n' 'basicConstraints=CA:false' 'keyUsage=critical,digitalSignature' \
  'extendedKeyUsage=clientAuth')"
ca rogue-ca "someone else's CA"
leaf rogue-client rogue-ca one-stop-shop "$(printf '%s\n' 'basicConstraints=CA:false' \
  'keyUsage=critical,digitalSignature' 'extendedKeyUsage=clientAuth')"
rm -f ./*.srl
done_step "ca.pem, server.pem, client.pem (+ keys); rogue-ca.pem and rogue-client.pem for the refusal tests"
