#!/usr/bin/env bash
# Resident memory of the registry while a 1 GiB blob goes up (one streamed PATCH + PUT) and down
# (GET), sampled every 0.2 s from /proc. Proves blob bytes stream: RSS must stay flat, far below
# the blob size. Usage: bench/memory.sh [size-in-MiB, default 1024]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
port=${BENCH_PORT:-5099}
java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
work=$(mktemp -d /tmp/registry-mem.XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; kill "$sampler" 2>/dev/null || true; rm -rf "$work"' EXIT

[ -f registry-api/target/registry.jar ] || ./mvnw -q -DskipTests package
auth="admin:Bench-Admin-1"
"$java_home/bin/java" -jar registry-api/target/registry.jar --server.port="$port" \
  --registry.admin.password="${auth#admin:}" \
  --registry.storage.filesystem.root="$work/blobs" \
  --spring.datasource.url="jdbc:h2:file:$work/db/registry;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" \
  >"$work/registry.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf -u "$auth" "localhost:$port/v2/" >/dev/null && break; sleep 0.5; done

head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$work/blob"
digest="sha256:$(sha256sum "$work/blob" | cut -d' ' -f1)"
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status"; }
idle=$(rss)

( while kill -0 "$pid" 2>/dev/null; do rss; sleep 0.2; done ) >"$work/samples" &
sampler=$!

location=$(curl -sf -u "$auth" -X POST -D - -o /dev/null "localhost:$port/v2/bench-mem/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location" {print $2}')
up_start=$(date +%s.%N)
location=$(curl -sf -u "$auth" -X PATCH -H 'Content-Type: application/octet-stream' -T "$work/blob" -D - -o /dev/null \
  "localhost:$port$location" | tr -d '\r' | awk -F': ' 'tolower($1)=="location" {print $2}')
curl -sf -u "$auth" -X PUT "localhost:$port$location?digest=$digest" -o /dev/null
up_end=$(date +%s.%N)
up_peak=$(sort -n "$work/samples" | tail -1)
: >"$work/samples"
curl -sf -u "$auth" "localhost:$port/v2/bench-mem/blobs/$digest" -o "$work/back"
down_end=$(date +%s.%N)
down_peak=$(sort -n "$work/samples" | tail -1)
cmp -s "$work/blob" "$work/back" || { echo "downloaded bytes differ" >&2; exit 1; }

printf '| blob | RSS idle | peak RSS during upload | peak RSS during download | upload s | download s |\n'
printf '|---|---|---|---|---|---|\n'
printf '| %s MiB | %s MiB | %s MiB | %s MiB | %.1f | %.1f |\n' "$size_mib" "$idle" "$up_peak" "$down_peak" \
  "$(echo "$up_end - $up_start" | bc)" "$(echo "$down_end - $up_end" | bc)"
