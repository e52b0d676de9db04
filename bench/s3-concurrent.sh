#!/usr/bin/env bash
# Concurrent pushes through the S3 store under README's heap limit: BENCH_CLIENTS skopeo processes
# at once, each pushing an image of 3 layers of 12 MiB (every append buffers a whole layer) to its
# own repository, on an S3Proxy child process (bench/lib.sh). Prints how many pushes failed, the
# registry's OutOfMemoryErrors and its VmHWM. Before the upload memory budget (UploadMemory),
# 16 clients on -Xmx192m gave 6 failed pushes (500, OutOfMemoryError). See docs/benchmarks.md.
#
#   ./mvnw -q -DskipTests package && bench/s3-concurrent.sh
#
# Knobs: BENCH_CLIENTS [16], BENCH_PORT_BASE [15290] (registry; S3Proxy on BASE+9), BENCH_JAVA_OPTS as in compare.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
registry_launch_defaults
clients=${BENCH_CLIENTS:-16}
port=${BENCH_PORT_BASE:-15290}
work=$(mktemp -d /tmp/registry-s3-concurrent.XXXXXX)
rpid='' s3_pid=''
trap 'stop_pid "$rpid"; stop_pid "$s3_pid"; rm -rf "$work"' EXIT
[[ -f $jar ]] || die "no $jar: build it with ./mvnw -q -DskipTests package"

start_s3proxy "$work/s3proxy" $((port + 9)) registry
mapfile -t s3_args < <(s3_registry_args registry concurrent false)
# shellcheck disable=SC2086
MALLOC_ARENA_MAX=2 "$java" $java_opts -jar "$jar" --server.address=127.0.0.1 --server.port="$port" \
    --spring.datasource.url="$(h2_url "$work/db/registry")" "${registry_auth_args[@]}" "${s3_args[@]}" \
    >"$work/server.log" 2>&1 &
rpid=$!
wait_ready registry "$rpid" "http://127.0.0.1:$port/actuator/health/readiness"
image=${XDG_CACHE_HOME:-$HOME/.cache}/registry-bench/concurrent-3x12
[[ -d $image ]] || make_image "$image" 3 12

log "$clients concurrent pushes of 3 x 12 MiB (JVM options: $java_opts)"
pids=()
for i in $(seq "$clients"); do
    skopeo_fresh "$work/skopeo-$i" copy -q --retry-times 0 --dest-tls-verify=false --dest-creds "admin:$admin_password" \
        "oci:$image:v1" "docker://127.0.0.1:$port/concurrent-$i:v1" >"$work/skopeo-$i.log" 2>&1 &
    pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
echo "failed pushes: $failed of $clients"
echo "OutOfMemoryError in the registry's log: $(grep -c OutOfMemoryError "$work/server.log" || true)"
echo "registry VmHWM: $(mib "$(kib "$rpid" VmHWM)") MiB"
