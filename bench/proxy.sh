#!/usr/bin/env bash
# The proxy cache (issue 16, docs/proxy-cache.md) against its upstream, in one run on 127.0.0.1: CNCF Distribution 2.8
# (docker-registry) as the upstream, this registry (the start-up layout or fat jar, README's settings) with a public
# proxy project of it and a normal project.
#   1. first pull through the cache ÷ the same pull straight from the upstream (every run a new image, so every pull
#      through the cache is a real miss)
#   2. second pull through the cache (cached) ÷ a pull of the same image pushed into a normal project
#   3. 32 nodes (skopeo processes) pulling one uncached image at once: bytes the cache fetched from the upstream
#      (target: each blob once) and the time until the last node is done
# Pulls are skopeo copies into a fresh OCI layout, anonymous (the projects are public). See docs/benchmarks.md.
#
#   ./mvnw -q -DskipTests package        # builds registry-api/target/registry.jar
#   bench/proxy.sh
#   BENCH_QUICK=1 bench/proxy.sh         # small image, fewer runs and nodes: checks the script works
#
# Knobs (defaults; quick-mode defaults after "/"):
#   BENCH_LAYERS [5] BENCH_LAYER_MIB [8 / 1]  the image of every pull
#   BENCH_RUNS [3 / 1]  runs of the first and second pull comparisons (each after one warm-up of every kind)
#   BENCH_NODES [32 / 4]  concurrent pullers of one uncached image
#   BENCH_QUIET_WAIT [0]  seconds to wait at most for a quiet machine before starting (see lib.sh)
#   BENCH_PORT_BASE [15280]  ours on BASE, the upstream on BASE+1
#   BENCH_JAR, BENCH_JAVA, BENCH_JAVA_OPTS, BENCH_RESULTS, BENCH_KEEP  as in compare.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

quick=${BENCH_QUICK:-0}
q() { if [[ $quick == 1 ]]; then echo "$2"; else echo "$1"; fi; }
layers=${BENCH_LAYERS:-5}
layer_mib=${BENCH_LAYER_MIB:-$(q 8 1)}
runs=${BENCH_RUNS:-$(q 3 1)}
nodes=${BENCH_NODES:-$(q 32 4)}
port_base=${BENCH_PORT_BASE:-15280}
ours_port=$port_base upstream_port=$((port_base + 1))
registry_launch_defaults
stamp=$(date -u +%Y%m%d-%H%M%S)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
revision=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git -C "$root" status --porcelain -- bench registry-api registry-core registry-storage 2>/dev/null) ]] \
    && revision="$revision (with uncommitted changes)"
results=${BENCH_RESULTS:-$root/bench/results/proxy-$stamp}
keep=${BENCH_KEEP:-0}

for tool in skopeo curl jq docker-registry; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -x $java ]] || die "no java at $java (set BENCH_JAVA)"
[[ -f $jar ]] || die "no $jar: build it with ./mvnw -q -DskipTests package"
for p in $ours_port $upstream_port; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then die "port $p on 127.0.0.1 is taken (set BENCH_PORT_BASE)"; fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/registry-bench-proxy.XXXXXX")
mkdir -p "$results"
ours_pid='' upstream_pid=''
cleanup() {
    local rc=$?
    stop_pid "${watcher_pid:-}"
    stop_pid "$ours_pid"
    stop_pid "$upstream_pid"
    [[ -f $work/ours.log ]] && cp "$work/ours.log" "$results/ours-server.log"
    [[ -f $work/upstream/access.log ]] && cp "$work/upstream/access.log" "$results/upstream-access.log"
    if [[ $keep == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

begin_run "$results"

# ---------------------------------------------------------------- servers
mkdir -p "$work/upstream"
cat >"$work/upstream/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/upstream/data
http:
  addr: 127.0.0.1:$upstream_port
YAML
docker-registry serve "$work/upstream/config.yml" >"$work/upstream/access.log" 2>&1 &
upstream_pid=$!
# shellcheck disable=SC2086
MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} "$java" $java_opts -jar "$jar" \
    --server.address=127.0.0.1 --server.port="$ours_port" \
    --spring.datasource.url="$(h2_url "$work/ours/db/registry")" \
    --registry.storage.filesystem.root="$work/ours/blobs" --registry.proxy.secret-key-file="$work/ours/proxy.key" \
    "${registry_auth_args[@]}" >"$work/ours.log" 2>&1 &
ours_pid=$!
wait_ready upstream "$upstream_pid" "http://127.0.0.1:$upstream_port/v2/"
wait_ready ours "$ours_pid" "http://127.0.0.1:$ours_port/actuator/health/readiness"
log "ready: ours (pid $ours_pid, port $ours_port), upstream Distribution (pid $upstream_pid, port $upstream_port)"

api() { # METHOD PATH JSON
    curl -sf -u "admin:$admin_password" -H 'Content-Type: application/json' -X "$1" "http://127.0.0.1:$ours_port$2" -d "$3" >/dev/null \
        || die "$1 $2 failed"
}
api POST /api/v1/endpoints "{\"name\": \"upstream\", \"url\": \"http://127.0.0.1:$upstream_port\"}"
api POST /api/v1/projects '{"name": "cache", "public": true, "proxy": {"endpoints": ["upstream"]}}'
api POST /api/v1/projects '{"name": "plain", "public": true}'

# every image its own content (make-image.sh's seed): a pull through the cache of a new image is a real miss
image() { # NAME -> writes $work/images/NAME
    local dir=$work/images/$1
    "$here/make-image.sh" "$dir" v1 "$layers" "$layer_mib" "proxy-$stamp-$1" >/dev/null
    echo "$dir"
}
push_to() { # IMAGE_DIR HOST_PORT/REPO CREDS...
    local dir=$1 dest=$2; shift 2
    skopeo_fresh "$work/skopeo-push" copy --dest-tls-verify=false "$@" "oci:$dir:v1" "docker://$dest:v1" >/dev/null
}
pull_time() { # SOURCE (host:port/repo): seconds of one skopeo copy into a fresh layout
    local out=$work/pulls/$RANDOM$RANDOM
    timed skopeo_fresh "$out" copy --src-tls-verify=false "docker://$1:v1" "oci:$out/image:v1"
    rm -rf "$out"
}
samples="$results/samples.tsv"
printf 'metric\trun\tvalue\n' >"$samples"
sample() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$samples"; }
median_of() { awk -F'\t' -v m="$1" '$1 == m {print $3}' "$samples" | sort -g | awk '{v[NR] = $1} END {
    if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
range_of() { awk -F'\t' -v m="$1" '$1 == m {print $3}' "$samples" | sort -g | awk 'NR == 1 {a = $1} {b = $1} END {printf "%s–%s", a, b}'; }

log "first and second pulls: $runs run(s) after one warm-up, ${layers}×${layer_mib} MiB images"
for ((i = 0; i <= runs; i++)); do
    dir=$(image "run$i")
    push_to "$dir" "127.0.0.1:$upstream_port/team/app$i"
    push_to "$dir" "127.0.0.1:$ours_port/plain/app$i" --dest-creds "admin:$admin_password"
    direct=$(pull_time "127.0.0.1:$upstream_port/team/app$i")
    first=$(pull_time "127.0.0.1:$ours_port/cache/team/app$i")
    second=$(pull_time "127.0.0.1:$ours_port/cache/team/app$i")
    plain=$(pull_time "127.0.0.1:$ours_port/plain/app$i")
    if ((i == 0)); then log "warm-up: direct $direct s, first through the cache $first s, second $second s, normal project $plain s"; continue; fi
    log "run $i: direct $direct s, first through the cache $first s, second $second s, normal project $plain s"
    sample direct "$i" "$direct"; sample first "$i" "$first"; sample second "$i" "$second"; sample plain "$i" "$plain"
done

log "$nodes nodes pulling one uncached image at once"
dir=$(image storm)
push_to "$dir" "127.0.0.1:$upstream_port/team/storm"
image_bytes=$(jq -r '[.config.size] + [.layers[].size] | add' "$dir/blobs/sha256/$(manifest_of "$dir" | cut -d: -f2)")
blob_count=$((layers + 1))
before=$(grep -c '"registry-proxy-cache"' "$work/upstream/access.log" || true)
mkdir -p "$work/storm"
t0=$(date +%s.%N)
storm_pids=()
for ((n = 0; n < nodes; n++)); do
    (skopeo_fresh "$work/storm/$n" copy --src-tls-verify=false "docker://127.0.0.1:$ours_port/cache/team/storm:v1" \
        "oci:$work/storm/$n/image:v1" >"$work/storm/$n.log" 2>&1 && echo ok >"$work/storm/$n.done") &
    storm_pids+=($!)
done
for p in "${storm_pids[@]}"; do wait "$p" || true; done
t1=$(date +%s.%N)
storm_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
done_nodes=$(find "$work/storm" -maxdepth 1 -name '*.done' | wc -l)
((done_nodes == nodes)) || die "$((nodes - done_nodes)) of $nodes nodes failed; see $work/storm/*.log"
# the upstream's access log: the proxy's blob GETs for this image and the bytes it sent for them
read -r blob_gets fetched_bytes < <(tail -n +"$((before + 1))" "$work/upstream/access.log" \
    | grep '"registry-proxy-cache"' | grep '"GET /v2/team/storm/blobs/' \
    | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^HTTP\/1\.[01]"$/) {s += $(i + 2); n++}} END {print n + 0, s + 0}')
manifest_gets=$(tail -n +"$((before + 1))" "$work/upstream/access.log" | grep '"registry-proxy-cache"' \
    | grep -c '/v2/team/storm/manifests/' || true)
log "storm: last of $nodes nodes done after $storm_s s; upstream blob GETs $blob_gets for $blob_count blobs, $fetched_bytes bytes of $image_bytes"
load_after=$(load_report)
hwm=$(kib "$ours_pid" VmHWM)

# ---------------------------------------------------------------- report
fmt_s() { awk -v v="$1" 'BEGIN {printf "%.2f", v}'; }
{
    echo "## Proxy cache against its upstream — started $started"
    echo
    echo "- command: \`$(bench_env)bench/proxy.sh\` at commit $revision"
    echo "- ours: \`$(basename "$jar")\` on $("$java" -version 2>&1 | head -1), JVM options \`${java_opts:-(none)}\`, H2 file database, filesystem store (fsync on); a public proxy project \`cache\` of the upstream and a public normal project \`plain\`"
    echo "- upstream: Distribution $(docker-registry --version | awk '{print $NF}'), filesystem storage, no auth, on the same machine"
    echo "- machine: $machine"
    echo "- load before: $(echo "$load_before" | head -1 | sed 's/; busiest then:$//')"
    echo "- load after: $(echo "$load_after" | head -1 | sed 's/; busiest then:$//')"
    echo "- every run a new ${layers}×${layer_mib} MiB image (its own bytes); pulls are skopeo copies into a fresh OCI layout; medians of $runs run(s) after one warm-up (min–max in brackets)"
    echo
    echo "| measurement | value | ratio |"
    echo "|---|---|---|"
    echo "| pull straight from the upstream, s | $(fmt_s "$(median_of direct)") ($(range_of direct)) | |"
    echo "| first pull through the cache (a miss: fetched, stored and streamed), s | $(fmt_s "$(median_of first)") ($(range_of first)) | $(ratio "$(median_of first)" "$(median_of direct)") × the direct pull |"
    echo "| pull of a normal project (the image pushed there), s | $(fmt_s "$(median_of plain)") ($(range_of plain)) | |"
    echo "| second pull through the cache (served from the store), s | $(fmt_s "$(median_of second)") ($(range_of second)) | $(ratio "$(median_of second)" "$(median_of plain)") × the normal project's |"
    echo "| $nodes nodes pulling one uncached image at once: time until the last is done, s | $storm_s | |"
    echo "| … upstream blob GETs for its $blob_count blobs (each once: $blob_count) | $blob_gets | |"
    echo "| … bytes fetched from the upstream (the image's blobs: $image_bytes) | $fetched_bytes | $(ratio "$fetched_bytes" "$image_bytes") × the image |"
    echo "| … upstream manifest requests (by tag and by digest) | $manifest_gets | |"
    echo "| peak resident memory of ours (VmHWM), MiB | $(mib "$hwm") | |"
} >"$results/result.md"
cat "$results/result.md"
log "results in $results"
