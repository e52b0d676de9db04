#!/usr/bin/env bash
# Push and pull through the S3 blob store, beside the filesystem store, in one run: three registry
# processes (as README's production command runs it: the AOT layout when the build made it, else the
# fat jar; see registry_launch_defaults in lib.sh) on 127.0.0.1, each with a fresh H2 file database:
#   fs       filesystem store (fresh folder)
#   s3       S3 store, blob GETs streamed through the registry (registry.storage.s3.redirect=false)
#   s3redir  S3 store, blob GETs answered 307 to a presigned URL (redirect=true), bytes from S3
# and, as the reference for what the S3 server itself costs on this machine, CNCF Distribution 2.8
# (docker-registry, no auth) on each of its two drivers:
#   dist     filesystem driver (fresh folder)
#   dists3   s3-aws driver (Distribution's default: blob GETs answered 307 to a presigned URL)
# All S3 servers use one S3Proxy child process (S3Proxy's jar-with-dependencies from Maven
# Central, filesystem-backed under the scratch folder, signatures checked), each its own prefix in
# one bucket; or, with BENCH_S3_ENDPOINT, an S3 server that runs elsewhere (MinIO on another host,
# AWS S3), so that the S3 server does not share this machine's cores. The servers take turns like in
# compare.sh. See docs/benchmarks.md.
#
#   ./mvnw -q -DskipTests package        # builds registry-api/target/registry.jar
#   bench/s3.sh                          # full run (5 x 8 MiB and 256 MiB images)
#   BENCH_QUICK=1 bench/s3.sh            # small sizes, fewer runs: checks the script works
#
# Knobs (defaults; quick-mode defaults after "/"):
#   BENCH_LAYERS [5] BENCH_LAYER_MIB [8 / 2] BENCH_BIG_MIB [256 / 32]   the two test images
#   BENCH_RUNS [5 / 2]  BENCH_WARM_RUNS [3 / 1]  BENCH_GET_RUNS [5 / 2]
#   BENCH_QUIET_WAIT [0]  seconds to wait at most for a quiet machine before starting (see lib.sh)
#   BENCH_TARGETS_OUT [none]  a file to append issue 15's target rows to (bench/compare.sh's targets table)
#   BENCH_PORT_BASE [15180]  fs, s3, s3redir, dist, dists3 on BASE to BASE+4, S3Proxy on BASE+9
#   BENCH_JAR, BENCH_JAVA, BENCH_JAVA_OPTS [README's: readme_java_opts in lib.sh], BENCH_S3PROXY_JAVA_OPTS
#   [-Xms64m -Xmx512m], BENCH_S3PROXY_VERSION [4.1.0], BENCH_RESULTS, BENCH_DATA, BENCH_KEEP  as in compare.sh
#   BENCH_S3_TLS [0]  1: S3Proxy on https (self-signed, trusted by the registries), as AWS S3 is; see lib.sh
#   BENCH_S3_ENDPOINT [none: S3Proxy]  an S3 server not started here, e.g. http://10.0.0.5:9000 or
#     https://s3.eu-central-1.amazonaws.com (path-style requests); it needs BENCH_S3_ACCESS_KEY and
#     BENCH_S3_SECRET_KEY (default: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), BENCH_S3_BUCKET [registry], an
#     existing bucket, and BENCH_S3_REGION [us-east-1]. The run writes under bench-<stamp>/ in that bucket and
#     leaves those objects there; the S3 server's CPU is not measured. A certificate that the JDK and Go do not
#     trust by default: add -Djavax.net.ssl.trustStore=… to BENCH_JAVA_OPTS and set SSL_CERT_FILE.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
servers=(fs s3 s3redir dist dists3)
s3_tls=${BENCH_S3_TLS:-0}

quick=${BENCH_QUICK:-0}
q() { if [[ $quick == 1 ]]; then echo "$2"; else echo "$1"; fi; }
layers=${BENCH_LAYERS:-5}
layer_mib=${BENCH_LAYER_MIB:-$(q 8 2)}
big_mib=${BENCH_BIG_MIB:-$(q 256 32)}
runs=${BENCH_RUNS:-$(q 5 2)}
warm_runs=${BENCH_WARM_RUNS:-$(q 3 1)}
get_runs=${BENCH_GET_RUNS:-$(q 5 2)}
port_base=${BENCH_PORT_BASE:-15180}
registry_launch_defaults
stamp=$(date -u +%Y%m%d-%H%M%S)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
revision=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git -C "$root" status --porcelain -- bench registry-api registry-core registry-storage 2>/dev/null) ]] \
    && revision="$revision (with uncommitted changes)"
results=${BENCH_RESULTS:-$root/bench/results/s3-$stamp}
data=${BENCH_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/registry-bench}
keep=${BENCH_KEEP:-0}
external_s3=${BENCH_S3_ENDPOINT:-}
bucket=${BENCH_S3_BUCKET:-registry}
prefix_base='' # each server's prefix in the bucket starts with it
if [[ -n $external_s3 ]]; then prefix_base="bench-$stamp/"; fi

for tool in skopeo curl openssl jq docker-registry; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -x $java ]] || die "no java at $java (set BENCH_JAVA)"
[[ -f $jar ]] || die "no $jar: build it with ./mvnw -q -DskipTests package"
declare -A port=([fs]=$port_base [s3]=$((port_base + 1)) [s3redir]=$((port_base + 2)) [dist]=$((port_base + 3))
    [dists3]=$((port_base + 4)))
for p in "${port[@]}" $([[ -z $external_s3 ]] && echo $((port_base + 9))); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then die "port $p on 127.0.0.1 is taken (set BENCH_PORT_BASE)"; fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/registry-bench-s3.XXXXXX")
mkdir -p "$results"
declare -A pid=()
s3_pid=''
cleanup() {
    local rc=$?
    stop_pid "${watcher_pid:-}"
    for s in "${servers[@]}"; do
        stop_pid "${pid[$s]:-}"
        [[ -f $work/$s/server.log ]] && cp "$work/$s/server.log" "$results/$s-server.log"
    done
    stop_pid "$s3_pid"
    [[ -f $work/s3proxy/s3proxy.log ]] && cp "$work/s3proxy/s3proxy.log" "$results/s3proxy.log"
    if [[ $keep == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
port_of() { echo "${port[$1]}"; }
pid_of() { echo "${pid[$1]}"; }

begin_run "$results"

mkdir -p "$data"
multi="$data/multi-${layers}x${layer_mib}"
big="$data/big-${big_mib}"
make_image "$multi" "$layers" "$layer_mib"
make_image "$big" 1 "$big_mib"
big_layer=$(layers_of "$big")
big_bytes=$(stat -c %s "$big/blobs/sha256/${big_layer#sha256:}")

# ---------------------------------------------------------------- servers
if [[ -n $external_s3 ]]; then
    use_external_s3 "$external_s3"
    log "S3 server at $s3_endpoint (not started here), bucket $bucket, prefix ${prefix_base}"
    s3_description="the S3 server at $s3_endpoint (started elsewhere; its CPU is not measured), bucket \`$bucket\`, prefix \`$prefix_base\`"
else
    start_s3proxy "$work/s3proxy" $((port_base + 9)) "$bucket"
    log "S3Proxy ready (pid $s3_pid, port $s3_port, filesystem-backed under $work/s3proxy/data)"
    s3_description="S3Proxy ${BENCH_S3PROXY_VERSION:-4.1.0} (jar-with-dependencies, \`filesystem-nio2\` store on the same disk, signature checks on, $s3_scheme) as a child process, JVM options \`${BENCH_S3PROXY_JAVA_OPTS--Xms64m -Xmx512m}\`"
fi
start_registry() { # NAME ARGS...
    local name=$1; shift
    mkdir -p "$work/$name"
    # shellcheck disable=SC2086
    MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} "$java" $java_opts $s3_java_opts -jar "$jar" \
        --server.address=127.0.0.1 --server.port="${port[$name]}" \
        --spring.datasource.url="$(h2_url "$work/$name/db/registry")" \
        "${registry_auth_args[@]}" "$@" >"$work/$name/server.log" 2>&1 &
    pid[$name]=$!
}
start_registry fs --registry.storage.filesystem.root="$work/fs/blobs"
mapfile -t s3_args < <(s3_registry_args "$bucket" "${prefix_base}s3" false)
start_registry s3 "${s3_args[@]}"
mapfile -t s3_args < <(s3_registry_args "$bucket" "${prefix_base}s3redir" true)
start_registry s3redir "${s3_args[@]}"
start_distribution() { # NAME STORAGE_YAML (the lines under storage:)
    mkdir -p "$work/$1"
    distribution_config "$work/$1/config.yml" "${port[$1]}" "$2"
    # without AWS_CA_BUNDLE: Distribution's AWS SDK (Go, v1) refuses to start when it is set ("unable to load custom
    # CA bundle, HTTPClient's transport unsupported type"); with BENCH_S3_TLS=1 it trusts S3Proxy's certificate instead
    # through Go's SSL_CERT_FILE
    local tls_env=()
    [[ $s3_tls == 1 && -z $external_s3 ]] && tls_env=(SSL_CERT_FILE="$work/s3proxy/s3proxy.pem")
    env -u AWS_CA_BUNDLE "${tls_env[@]}" docker-registry serve "$work/$1/config.yml" >"$work/$1/server.log" 2>&1 &
    pid[$1]=$!
}
start_distribution dist "  filesystem:
    rootdirectory: $work/dist/data"
start_distribution dists3 "  s3:
    accesskey: $s3_access
    secretkey: $s3_secret
    region: $s3_region
    regionendpoint: $s3_endpoint
    bucket: $bucket
    rootdirectory: /${prefix_base}dists3
    secure: $([[ $s3_scheme == https ]] && echo true || echo false)
    v4auth: true"
for s in fs s3 s3redir; do
    wait_ready "$s" "${pid[$s]}" "http://127.0.0.1:${port[$s]}/actuator/health/readiness"
done
for s in dist dists3; do
    wait_ready "$s" "${pid[$s]}" "http://127.0.0.1:${port[$s]}/v2/"
done
log "registries ready: $(for s in "${servers[@]}"; do printf '%s (pid %s, port %s) ' "$s" "${pid[$s]}" "${port[$s]}"; done)"

samples="$results/samples.tsv"
printf 'metric\tserver\trun\tvalue\n' >"$samples"
side_pid=$s3_pid side_name=S3Proxy track_others=1 # no side_pid with BENCH_S3_ENDPOINT

log "push: ${layers} x ${layer_mib} MiB image, $runs runs after $warm_runs warm-up runs per server"
push push_multi "$multi" multi
log "push: 1 x ${big_mib} MiB image"
push push_big "$big" big
log "pull: ${layers} x ${layer_mib} MiB image"
pull pull_multi multi-1
log "pull: 1 x ${big_mib} MiB image"
pull pull_big big-1

log "blob GET: ${big_mib} MiB layer with curl -L (s3redir, dists3: 307, then the bytes from the S3 server), $get_runs runs + 1 warm-up"
for ((i = 0; i <= get_runs; i++)); do
    for s in $(order $i); do
        other_cpu >"$work/other-cpu.snapshot"
        c=$(cpu_ms "${pid[$s]}") sc=0
        if [[ -n $s3_pid ]]; then sc=$(cpu_ms "$s3_pid"); fi
        read -r code size speed < <(curl -sL "${s3_curl_opts[@]}" -o /dev/null -w '%{http_code} %{size_download} %{speed_download}\n' \
            "http://127.0.0.1:${port[$s]}/v2/bench-big-1/blobs/$big_layer")
        [[ $code == 200 && $size == "$big_bytes" ]] || die "blob GET from $s: HTTP $code, $size bytes"
        c=$(($(cpu_ms "${pid[$s]}") - c)) oc=$(other_cpu_since "$work/other-cpu.snapshot")
        if [[ -n $s3_pid ]]; then sc=$(($(cpu_ms "$s3_pid") - sc)); fi
        mbs=$(awk -v v="$speed" 'BEGIN {printf "%.1f", v / 1e6}')
        if ((i == 0)); then log "blob_get $s warm-up: $mbs MB/s"; else
            log "blob_get $s run $i: $mbs MB/s (server CPU $c ms${s3_pid:+, S3Proxy CPU $sc ms})"
            record blob_get "$s" "$i" "$mbs"; record cpu_blob_get "$s" "$i" "$c"
            if [[ -n $s3_pid ]]; then record side_cpu_blob_get "$s" "$i" "$sc"; fi
            record other_cpu_blob_get "$s" "$i" "$oc"
        fi
    done
done

declare -A hwm
for s in "${servers[@]}"; do hwm[$s]=$(kib "${pid[$s]}" VmHWM); done
s3_hwm=''
if [[ -n $s3_pid ]]; then s3_hwm=$(kib "$s3_pid" VmHWM); fi
load_after=$(load_report)

# ---------------------------------------------------------------- table
med() { stat_of "$1" "$2" median; }
rng() { echo "$(fmt "$(stat_of "$1" "$2" min)")–$(fmt "$(stat_of "$1" "$2" max)")"; }
rows=() dist_rows=()
time_row() { # METRIC LABEL UNIT: a row of our table and one of Distribution's
    local f=$(med "$1" fs) s=$(med "$1" s3) r=$(med "$1" s3redir) df=$(med "$1" dist) ds=$(med "$1" dists3)
    rows+=("| $2 | $(fmt "$f") $3 ($(rng "$1" fs)) | $(fmt "$s") $3 ($(rng "$1" s3)) | $(fmt "$r") $3 ($(rng "$1" s3redir)) | $(ratio "$s" "$f") | $(ratio "$r" "$f") |")
    dist_rows+=("| $2 | $(fmt "$df") $3 ($(rng "$1" dist)) | $(fmt "$ds") $3 ($(rng "$1" dists3)) | $(ratio "$ds" "$df") |")
}
cpu_rows=() dist_cpu_rows=()
others() { # METRIC: the CPU other processes used during the timed runs of all servers, median and max
    awk -F'\t' -v m="other_cpu_$1" '$1 == m {print $4}' "$samples" | sort -g | awk '{v[NR] = $1} END {
        if (NR == 0) print "n/a"; else printf "%d (max %d)", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[NR] }'
}
side() { # METRIC SERVER: " + the S3 server's CPU", when it runs here
    if [[ -n $s3_pid ]]; then echo " + $(fmt "$(med "side_cpu_$1" "$2")")"; fi
}
cpu_row() { # METRIC LABEL
    cpu_rows+=("| $2 | $(fmt "$(med "cpu_$1" fs)") | $(fmt "$(med "cpu_$1" s3)")$(side "$1" s3) | $(fmt "$(med "cpu_$1" s3redir)")$(side "$1" s3redir) | $(others "$1") |")
    dist_cpu_rows+=("| $2 | $(fmt "$(med "cpu_$1" dist)") | $(fmt "$(med "cpu_$1" dists3)")$(side "$1" dists3) |")
}
time_row push_multi "push ${layers}×${layer_mib} MiB image, s" s
time_row push_big "push 1×${big_mib} MiB image, s" s
time_row pull_multi "pull ${layers}×${layer_mib} MiB image, s" s
time_row pull_big "pull 1×${big_mib} MiB image, s" s
time_row blob_get "blob GET ${big_mib} MiB (curl -L), MB/s" MB/s
if [[ -n ${BENCH_TARGETS_OUT:-} ]]; then # bench/compare.sh's targets table (BENCH_OTHERS=1): issue 15, target 7
    for m in push_multi push_big; do
        r=$(ratio "$(med "$m" s3)" "$(med "$m" fs)") d=$(ratio "$(med "$m" dists3)" "$(med "$m" dist)")
        printf '| 7 | %s through S3 ÷ filesystem (bench/s3.sh, median of %s; Distribution on the same S3 server: %s) | %s | ≤ 1.50 | %s |\n' \
            "$([[ $m == push_multi ]] && echo "push ${layers}×${layer_mib} MiB" || echo "push 1×${big_mib} MiB")" "$runs" "$d" "$r" \
            "$(awk -v r="$r" 'BEGIN {print (r <= 1.5 ? "met" : "NOT met")}')" >>"$BENCH_TARGETS_OUT"
    done
fi
cpu_row push_multi "push ${layers}×${layer_mib} MiB image"
cpu_row push_big "push 1×${big_mib} MiB image"
cpu_row pull_multi "pull ${layers}×${layer_mib} MiB image"
cpu_row pull_big "pull 1×${big_mib} MiB image"
cpu_row blob_get "blob GET ${big_mib} MiB"
{
    echo "## S3 store vs filesystem store — started $started"
    echo
    echo "- command: \`$(bench_env)bench/s3.sh\` at commit $revision"
    echo "- registries: \`$(basename "$jar")\` on $("$java" -version 2>&1 | head -1), JVM options \`${java_opts:-(none)}\`, H2 file database each"
    echo "- S3: $s3_description; part size 8 MiB (default)"
    echo "- machine: $machine"
    echo "- load before: $(echo "$load_before" | head -1 | sed 's/; busiest then:$//')"
    echo "- load after: $(echo "$load_after" | head -1 | sed 's/; busiest then:$//')"
    echo "- highest 1-minute load average seen during the run (sampled every 20 s): $(max_load "$results/load-during-run.txt"); samples in load-during-run.txt"
    echo "- times are medians of $runs runs after $warm_runs warm-up runs per server (min–max in brackets); every push goes to a new repository with an empty skopeo blob-info cache"
    echo
    echo "| measurement | filesystem | S3 | S3 + redirect | S3 ÷ fs | S3 redirect ÷ fs |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Server CPU per operation, ms (median; for S3: registry${s3_pid:+ + S3Proxy}), and the CPU that processes outside"
    echo "this benchmark (other sessions' builds, say) used during the same operations, all servers together:"
    echo
    echo "| operation | filesystem | S3 | S3 + redirect | other processes, ms |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${cpu_rows[@]}"
    echo
    echo "VmHWM over the run: fs $(mib "${hwm[fs]}") MiB, s3 $(mib "${hwm[s3]}") MiB, s3redir $(mib "${hwm[s3redir]}") MiB${s3_pid:+, S3Proxy $(mib "$s3_hwm") MiB}."
    echo
    echo "### The reference: Distribution $(docker-registry --version | awk '{print $NF}') on its filesystem and s3-aws drivers, the same S3 server"
    echo
    echo "Distribution without auth, in the same turns: what moving a push from the filesystem to this S3 server costs a"
    echo "registry that is not this one (its s3-aws driver answers blob GETs with a 307 to a presigned URL by default)."
    echo
    echo "| measurement | Distribution, filesystem | Distribution, S3 | S3 ÷ fs |"
    echo "|---|---|---|---|"
    printf '%s\n' "${dist_rows[@]}"
    echo
    echo "Server CPU per operation, ms (median; for S3: Distribution${s3_pid:+ + S3Proxy}):"
    echo
    echo "| operation | Distribution, filesystem | Distribution, S3 |"
    echo "|---|---|---|"
    printf '%s\n' "${dist_cpu_rows[@]}"
    echo
    echo "VmHWM over the run: dist $(mib "${hwm[dist]}") MiB, dists3 $(mib "${hwm[dists3]}") MiB."
} >"$results/result.md"

echo
cat "$results/result.md"
echo
log "results in $results (result.md, samples.tsv, server logs)"
