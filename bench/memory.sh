#!/usr/bin/env bash
# Resident memory of the registry while a 1 GiB blob goes up (one streamed PATCH + PUT) and down
# (GET), sampled every 0.2 s from /proc. Proves blob bytes stream: RSS must stay flat, far below
# the blob size. Usage: bench/memory.sh [size-in-MiB, default 1024]
#   BENCH_STORAGE [filesystem]  or s3: the S3 store on an S3Proxy child process (filesystem-backed,
#                               see bench/lib.sh), blob GETs streamed through the registry (no redirect)
#   BENCH_JAVA_OPTS [none]      JVM options of the registry, e.g. README's "-Xms64m -Xmx192m -XX:+UseSerialGC"
#   BENCH_PORT [5099]           the registry's port (S3Proxy: BENCH_PORT + 1)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd) here="$root/bench"
# shellcheck source=lib.sh
source "$here/lib.sh"
size_mib=${1:-1024}
port=${BENCH_PORT:-5099}
storage=${BENCH_STORAGE:-filesystem}
java_opts=${BENCH_JAVA_OPTS:-}
java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
java="$java_home/bin/java"
work=$(mktemp -d /tmp/registry-mem.XXXXXX)
pid='' sampler='' s3_pid=''
trap 'kill "$pid" 2>/dev/null || true; kill "$sampler" 2>/dev/null || true; stop_pid "$s3_pid"; rm -rf "$work"' EXIT

for p in "$port" $((port + 1)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then die "port $p on 127.0.0.1 is taken (set BENCH_PORT)"; fi
done

storage_args=()
case $storage in
    filesystem) storage_args=(--registry.storage.filesystem.root="$work/blobs") ;;
    s3)
        start_s3proxy "$work/s3proxy" $((port + 1)) registry
        mapfile -t storage_args < <(s3_registry_args registry memory false) ;;
    *) die "BENCH_STORAGE must be filesystem or s3, not $storage" ;;
esac

auth="admin:$admin_password"
[ -f registry-api/target/registry.jar ] || ./mvnw -q -DskipTests package
# shellcheck disable=SC2086
"$java" $java_opts -jar registry-api/target/registry.jar --server.port="$port" "${storage_args[@]}" "${registry_auth_args[@]}" \
  --spring.datasource.url="$(h2_url "$work/db/registry")" \
  >"$work/registry.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  curl -sf -u "$auth" "localhost:$port/v2/" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || die "the registry exited during start-up: $(tail -5 "$work/registry.log")"
  sleep 0.5
done

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

printf '| storage | JVM options | blob | RSS idle | peak RSS during upload | peak RSS during download | upload s | download s |\n'
printf '|---|---|---|---|---|---|---|---|\n'
printf '| %s | %s | %s MiB | %s MiB | %s MiB | %s MiB | %.1f | %.1f |\n' "$storage" "${java_opts:-defaults}" "$size_mib" \
  "$idle" "$up_peak" "$down_peak" "$(echo "$up_end - $up_start" | bc)" "$(echo "$down_end - $up_end" | bc)"
if [[ $storage == s3 ]]; then
  echo "S3Proxy (separate process) VmHWM: $(($(kib "$s3_pid" VmHWM) / 1024)) MiB"
fi
