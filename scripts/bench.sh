#!/usr/bin/env bash
# Builds the examples (and the modules they need) and runs the pattern benchmark.
# Defaults need nothing else: H2 in memory and the local backend. Flags are passed on:
#   scripts/bench.sh --help
#   scripts/bench.sh --sweep
#   scripts/bench.sh --db jdbc:postgresql://localhost/blog --db-user bench
# Results: a table here, JSON and HTML in benchmark-results/.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v java >/dev/null 2>&1 || { echo "bench.sh: java 17 or newer is needed" >&2; exit 3; }
command -v mvn >/dev/null 2>&1 || { echo "bench.sh: maven is needed" >&2; exit 3; }

echo "[bench.sh] building examples ..."
mvn -B -q -ntp -DskipTests package -pl examples -am
exec java -jar examples/target/layercache-examples.jar bench "$@"
