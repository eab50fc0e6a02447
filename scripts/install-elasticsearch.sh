#!/usr/bin/env bash
# Gets the Elasticsearch integ-test zip from Maven Central into .cache/elasticsearch (once), unpacks it,
# and creates the unprivileged user it runs as (Elasticsearch refuses to run as root). Idempotent:
# .ci/run calls it on every run; the test setup (test/support/elasticsearchSetup.ts) then starts the
# server on an ephemeral loopback port with utils/elasticsearch.ts.
set -euo pipefail
cd "$(dirname "$0")/.."

ES_VERSION="${KALE_ES_VERSION:-8.19.2}"   # same major as @elastic/elasticsearch in package.json
ES_USER="${KALE_ES_USER:-kale-es}"
JAVA_HOME_17=/usr/lib/jvm/java-17-openjdk-amd64
CACHE="$PWD/.cache/elasticsearch"
HOME_DIR="$CACHE/elasticsearch-$ES_VERSION"

need=()
[ -x "$JAVA_HOME_17/bin/java" ] || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need+=(maven)
command -v unzip >/dev/null || need+=(unzip)
if [ ${#need[@]} -gt 0 ]; then
  echo "install-elasticsearch: apt-get install ${need[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi

mkdir -p "$CACHE"
ZIP="$CACHE/elasticsearch-$ES_VERSION.zip"
if [ ! -s "$ZIP" ]; then
  echo "install-elasticsearch: downloading integ-test-zip $ES_VERSION from Maven Central"
  JAVA_HOME="$JAVA_HOME_17" mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
    -DoutputDirectory="$CACHE" -Dmdep.overWriteReleases=false
fi
if [ ! -x "$HOME_DIR/bin/elasticsearch" ]; then
  rm -rf "$HOME_DIR.tmp" && mkdir -p "$HOME_DIR.tmp"
  unzip -q "$ZIP" -d "$HOME_DIR.tmp"
  mv "$HOME_DIR.tmp/elasticsearch-$ES_VERSION" "$HOME_DIR" && rmdir "$HOME_DIR.tmp"
fi

if ! id -u "$ES_USER" >/dev/null 2>&1; then
  echo "install-elasticsearch: creating user $ES_USER"
  useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
fi
# The server writes logs/ and data under per-run directories it is given; it only needs to read the
# distribution. The config dir is copied per run (utils/elasticsearch.ts), so nothing here is written.
chmod -R a+rX "$HOME_DIR"
echo "install-elasticsearch: $HOME_DIR ready (user $ES_USER)"
