#!/usr/bin/env bash
# What the test suites need besides npm packages: the Debian packages of the real servers and clients
# they run (Redis, Chromium, Prometheus, carbon-relay, the Python and Perl reference clients) and the
# Elasticsearch test zip. `npm test` and .ci/run both call it, so a newcomer's `npm test` runs every
# suite; it is quick when everything is there. Without root and apt it installs nothing and stops with
# the exact command to run.
set -uo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(redis-server redis-tools python3-msgpack python3-redis python3-scipy python3-statsmodels python3-pandas
  python3-numpy chromium graphite-carbon libdata-messagepack-perl prometheus)

if ! command -v dpkg >/dev/null; then
  echo "provision: not a Debian system: install ${APT_PACKAGES[*]} (or your system's equivalents) yourself" >&2
  exit 1
fi
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "provision: the tests need these Debian packages; run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "provision: installing ${missing[*]}"
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null || {
    echo "provision: apt-get install ${missing[*]} failed" >&2; exit 1; }
  # Debian starts the packaged servers; the tests start their own on ephemeral ports.
  for svc in redis-server prometheus carbon-cache; do
    systemctl disable --now "$svc" >/dev/null 2>&1 || true
  done
fi

# Elasticsearch refuses root, so the tests run it as an unprivileged user through runuser, which takes
# root: as another user those suites are skipped with a warning (outside CI).
if [ "$(id -u)" -ne 0 ]; then
  echo "provision: not root: the Elasticsearch suites will be skipped (run npm test as root for them)" >&2
  exit 0
fi
scripts/install-elasticsearch.sh || { echo "provision: Elasticsearch install failed" >&2; exit 1; }
