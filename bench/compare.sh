#!/usr/bin/env bash
# Benchmarks this registry against CNCF Distribution 2.8 (`docker-registry`) on the same machine:
# both run side by side on 127.0.0.1 with fresh data folders, unauthenticated, and get the same
# work. See docs/benchmarks.md for what is measured and how to read the table.
#
#   ./mvnw -q -DskipTests package        # builds registry-api/target/registry.jar
#   bench/compare.sh                     # full run (256 MiB layer, 15 s load phases)
#   BENCH_QUICK=1 bench/compare.sh       # small sizes, short phases: checks the script works
#
# Every knob is an environment variable (defaults in brackets, quick-mode defaults after "/"):
#   BENCH_LAYERS [5]               layers of the multi-layer image
#   BENCH_LAYER_MIB [8 / 2]        MiB of incompressible data per layer
#   BENCH_BIG_MIB [256 / 32]       MiB of the single-layer image's layer
#   BENCH_SMALL_LAYERS [30]        layers of the small-layer image (fixed per-request cost dominates)
#   BENCH_SMALL_KIB [100]          KiB per layer of the small-layer image
#   BENCH_RUNS [5 / 2]             timed push and pull repetitions per server (after one warm-up)
#   BENCH_WARM_RUNS [5 / 1]        untimed push and pull runs per server before the timed ones
#                                  (the first is reported as "first push after start-up")
#   BENCH_GET_RUNS [5 / 2]         timed big-blob GETs per server (after one warm-up)
#   BENCH_DURATION [15s / 4s]      wrk duration for manifest GETs (with auth: cut in BENCH_SLICES slices
#                                  [5 / 2], each with its own p99 and p99.9: the tail over time)
#   BENCH_WARMUP [30 / 2]          seconds of extra load per server before the measured rounds: the
#                                  manifest phase first runs one recorded "cold" round (reported
#                                  apart), then BENCH_WARMUP s more; blob HEAD gets BENCH_WARMUP/2 s.
#                                  The JVM's C2 compiler keeps a core busy for ~40 s of load.
#   BENCH_LOAD_ROUNDS [2 / 1]      wrk and ab rounds per server, servers taking turns (median)
#   BENCH_CONNECTIONS [64]         concurrent connections for wrk and ab
#   BENCH_HEAD_REQUESTS [100000 / 10000]  ab requests for blob HEADs
#   BENCH_OURS_PORT [15080] BENCH_DIST_PORT [15081] BENCH_DIST_AUTH_PORT [15082] (Distribution with htpasswd)
#   BENCH_JAR [registry-api/target/registry.jar]
#   BENCH_JAVA [/usr/lib/jvm/temurin-25-jdk-amd64/bin/java]
#   BENCH_JAVA_OPTS [README's: readme_java_opts in lib.sh]  JVM options for our registry: README's
#                                  recommended settings (our server also gets MALLOC_ARENA_MAX=2)
#   BENCH_DIST_CACHE [inmemory]    Distribution's blobdescriptor cache: inmemory (its shipped
#                                  config) or none
#   BENCH_OTHERS [1 / 0]           1: afterwards also run bench/startup.sh, bench/storm.sh and bench/s3.sh
#                                  (about 15 more minutes) and put their target rows in the targets table
#   BENCH_IMAGE [none]             with BENCH_OTHERS=1: also bench/image-startup.sh on this container image
#                                  (one deploy/image/build.sh made; BENCH_PODMAN as that script takes it), whose
#                                  start-up row (target 1 names the image too) joins the targets table
#   BENCH_PROFILE [0]              1: record a JFR profile, GC log and thread dumps of our
#                                  registry during the load phases (into the results folder)
#   BENCH_RESULTS [bench/results/<timestamp>]  where result.md, samples.tsv, logs go
#   BENCH_DATA [$XDG_CACHE_HOME/registry-bench]  generated test images (reused when present)
#   BENCH_KEEP [0]                 1: keep the temporary server folders
#   BENCH_READY_TIMEOUT [180]      seconds to wait for a server to become ready (more on a busy machine)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
servers=(ours dist)

quick=${BENCH_QUICK:-0}
q() { if [[ $quick == 1 ]]; then echo "$2"; else echo "$1"; fi; }
layers=${BENCH_LAYERS:-5}
layer_mib=${BENCH_LAYER_MIB:-$(q 8 2)}
big_mib=${BENCH_BIG_MIB:-$(q 256 32)}
small_layers=${BENCH_SMALL_LAYERS:-30}
small_kib=${BENCH_SMALL_KIB:-100}
slices=${BENCH_SLICES:-$(q 5 2)}
others=${BENCH_OTHERS:-$(q 1 0)}
runs=${BENCH_RUNS:-$(q 5 2)}
warm_runs=${BENCH_WARM_RUNS:-$(q 5 1)}
get_runs=${BENCH_GET_RUNS:-$(q 5 2)}
duration=${BENCH_DURATION:-$(q 15s 4s)}
warmup=${BENCH_WARMUP:-$(q 30 2)}
load_rounds=${BENCH_LOAD_ROUNDS:-$(q 2 1)}
conns=${BENCH_CONNECTIONS:-64}
head_requests=${BENCH_HEAD_REQUESTS:-$(q 100000 10000)}
ours_port=${BENCH_OURS_PORT:-15080}
dist_port=${BENCH_DIST_PORT:-15081}
dist_auth_port=${BENCH_DIST_AUTH_PORT:-15082}
registry_launch_defaults
dist_cache=${BENCH_DIST_CACHE:-inmemory}
profile=${BENCH_PROFILE:-0}
stamp=$(date -u +%Y%m%d-%H%M%S)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
revision=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git -C "$root" status --porcelain -- bench registry-api registry-core registry-storage 2>/dev/null) ]] \
    && revision="$revision (with uncommitted changes)"
results=${BENCH_RESULTS:-$root/bench/results/$stamp}
data=${BENCH_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/registry-bench}
keep=${BENCH_KEEP:-0}

manifest_accept='application/vnd.oci.image.manifest.v1+json'


for tool in skopeo wrk ab curl openssl jq docker-registry htpasswd; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -x $java ]] || die "no java at $java (set BENCH_JAVA)"
[[ -f $jar ]] || die "no $jar: build it with ./mvnw -q -DskipTests package"
for port in "$ours_port" "$dist_port"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        die "port $port on 127.0.0.1 is taken (set BENCH_OURS_PORT / BENCH_DIST_PORT)"
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/registry-bench.XXXXXX")
mkdir -p "$results"
ours_pid='' dist_pid='' sampler_pid='' watcher_pid=''

cleanup() {
    local rc=$?
    [[ -n $sampler_pid ]] && kill "$sampler_pid" 2>/dev/null || true
    [[ -n $watcher_pid ]] && kill "$watcher_pid" 2>/dev/null || true
    for pid in $ours_pid $dist_pid ${dist_auth_pid:-}; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in $ours_pid $dist_pid; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
    done
    [[ -f $work/ours/server.log ]] && cp "$work/ours/server.log" "$results/ours-server.log" 2>/dev/null
    [[ -f $work/dist/server.log ]] && cp "$work/dist/server.log" "$results/dist-server.log" 2>/dev/null
    if [[ $keep == 1 ]]; then
        log "kept $work"
    else
        rm -rf "$work"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- load situation
machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), \
$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
load_before=$(load_report)
log "machine: $machine"
log "$load_before"
# every 20 s: load average and the busiest processes (servers and clients included), for the record
(
    while :; do
        top -b -n 2 -d 1 -o %CPU -w 200 | awk '/^top -/ {n++} n == 2' | sed -n '1p;8,12p'
        sleep 19
    done
) >"$results/load-during-run.txt" 2>&1 &
watcher_pid=$!

# ---------------------------------------------------------------- test data
mkdir -p "$data"
multi="$data/multi-${layers}x${layer_mib}"
big="$data/big-${big_mib}"
small="$data/small-${small_layers}x${small_kib}k"
make_image "$multi" "$layers" "$layer_mib"
make_image "$big" 1 "$big_mib"
make_image "$small" "$small_layers" "${small_kib}k"
big_layer=$(layers_of "$big")
small_layer=$(layers_of "$multi" | head -1)
big_bytes=$(stat -c %s "$big/blobs/sha256/${big_layer#sha256:}")

# ---------------------------------------------------------------- servers
mkdir -p "$work/ours" "$work/dist"
extra_java=()
if [[ $profile == 1 ]]; then
    extra_java+=("-Xlog:gc*,safepoint:file=$results/ours-gc.log:time,uptime,level,tags")
fi
# shellcheck disable=SC2086
MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} "$java" $java_opts "${extra_java[@]}" -jar "$jar" \
    --server.address=127.0.0.1 --server.port="$ours_port" \
    --registry.storage.filesystem.root="$work/ours/blobs" "${registry_auth_args[@]}" \
    --spring.datasource.url="$(h2_url "$work/ours/db/registry")" \
    >"$work/ours/server.log" 2>&1 &
ours_pid=$!

storage_yaml="  filesystem:
    rootdirectory: $work/dist/data"
[[ $dist_cache == inmemory ]] && storage_yaml+=$'\n  cache:\n    blobdescriptor: inmemory'
distribution_config "$work/dist/config.yml" "$dist_port" "$storage_yaml"
docker-registry serve "$work/dist/config.yml" >"$work/dist/server.log" 2>&1 &
dist_pid=$!
# Distribution with auth: a second instance on the same data with htpasswd (bcrypt on every request)
# and Basic credentials, which is how Distribution runs with auth ("distauth"; the issue's reference)
htpasswd -Bbn bench "$admin_password" >"$work/dist/htpasswd" 2>/dev/null
sed -e "s|addr: 127.0.0.1:$dist_port|addr: 127.0.0.1:$dist_auth_port|" "$work/dist/config.yml" >"$work/dist/config-auth.yml"
printf 'auth:\n  htpasswd:\n    realm: bench\n    path: %s\n' "$work/dist/htpasswd" >>"$work/dist/config-auth.yml"
docker-registry serve "$work/dist/config-auth.yml" >"$work/dist/server-auth.log" 2>&1 &
dist_auth_pid=$!

t0=$(date +%s.%N)
wait_ready ours "$ours_pid" "http://127.0.0.1:$ours_port/actuator/health/readiness"
ours_ready_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
wait_ready distribution "$dist_pid" "http://127.0.0.1:$dist_port/v2/"
wait_signed_in "Distribution with htpasswd" "$dist_auth_pid" "http://127.0.0.1:$dist_auth_port/v2/" "bench:$admin_password"
curl -sf -o /dev/null -u "admin:$admin_password" "http://127.0.0.1:$ours_port/v2/" || die "our registry does not answer /v2/ to its admin"
log "both servers ready (ours: pid $ours_pid, port $ours_port, ready after ${ours_ready_s} s; distribution: pid $dist_pid, port $dist_port)"

# "oursauth" is our registry reached with credentials (pulls with the robot below), "distauth" Distribution with htpasswd
port_of() { case $1 in ours*) echo "$ours_port" ;; distauth) echo "$dist_auth_port" ;; *) echo "$dist_port" ;; esac; }
pid_of() { case $1 in ours*) echo "$ours_pid" ;; distauth) echo "$dist_auth_pid" ;; *) echo "$dist_pid" ;; esac; }

# The credential the authenticated scenario pulls with: a robot of the library project that may
# only pull, made through the management API (the kubelet's imagePullSecret case).
auth_credentials() {
    local robot
    robot=$(curl -sf -u "admin:$admin_password" -H 'Content-Type: application/json' \
        -d '{"name":"bench-puller","permissions":["pull"],"expiresInDays":1}' \
        "http://127.0.0.1:$ours_port/api/v1/projects/library/robots") || die "cannot create the bench robot"
    echo "$(jq -r .robot.name <<<"$robot"):$(jq -r .secret <<<"$robot")"
}
pull_credentials=$(auth_credentials)

declare -A rss_idle
for s in ours dist; do rss_idle[$s]=$(kib "$(pid_of $s)" VmRSS); done

# ---------------------------------------------------------------- samples
samples="$results/samples.tsv"
printf 'metric\tserver\trun\tvalue\n' >"$samples"
# Our VmHWM as each phase ends, so that the run's peak (target 6) can be placed in the phase that reached it.
hwm_phases=''
hwm_mark() { hwm_phases+="${hwm_phases:+, }$1 $(($(kib "$ours_pid" VmHWM) / 1024)) MiB"; }


log "push: ${layers} x ${layer_mib} MiB image, ${runs} runs + 1 warm-up per server"
push push_multi "$multi" multi
log "push: 1 x ${big_mib} MiB image"
push push_big "$big" big
log "pull: ${layers} x ${layer_mib} MiB image"
pull pull_multi multi-1
log "pull: 1 x ${big_mib} MiB image"
pull pull_big big-1

# With auth on both sides, as the issue's targets compare: ours signed in (skopeo's token flow: admin
# for pushes, the pull robot for pulls), Distribution with htpasswd (bcrypt on every request).
servers=(oursauth distauth)
log "with auth on both: push ${layers} x ${layer_mib} MiB image"
push push_multi_auth "$multi" multi-auth
log "with auth on both: pull ${layers} x ${layer_mib} MiB image"
pull pull_multi_auth multi-1
log "with auth on both: push ${small_layers} x ${small_kib} KiB image"
push push_small_auth "$small" small-auth
log "with auth on both: pull ${small_layers} x ${small_kib} KiB image"
pull pull_small_auth small-auth-1
servers=(ours dist)
hwm_mark "pushes and pulls"

# ---------------------------------------------------------------- big blob GET
log "blob GET: ${big_mib} MiB layer, ${get_runs} runs + 1 warm-up per server"
for ((i = 0; i <= get_runs; i++)); do
    for s in $(order $i); do
        c=$(cpu_ms "$(pid_of $s)")
        read -r code size speed < <(curl -s -o /dev/null -w '%{http_code} %{size_download} %{speed_download}\n' \
            "http://127.0.0.1:$(port_of $s)/v2/bench-big-1/blobs/$big_layer")
        [[ $code == 200 && $size == "$big_bytes" ]] || die "blob GET from $s: HTTP $code, $size bytes"
        c=$(($(cpu_ms "$(pid_of $s)") - c))
        mbs=$(awk -v v="$speed" 'BEGIN {printf "%.1f", v / 1e6}')
        if ((i == 0)); then log "blob_get $s warm-up: $mbs MB/s"; else
            log "blob_get $s run $i: $mbs MB/s (server CPU $c ms)"; record blob_get "$s" "$i" "$mbs"; record cpu_blob_get "$s" "$i" "$c"; fi
    done
done
hwm_mark "blob GETs"

# ---------------------------------------------------------------- load phases
profile_start() { # PHASE
    [[ $profile == 1 ]] || return 0
    jcmd "$ours_pid" JFR.start name="$1" settings=profile filename="$results/ours-$1.jfr" >/dev/null
    ( sleep 3; for n in 1 2 3; do jcmd "$ours_pid" Thread.print >"$results/ours-$1-threads-$n.txt" 2>&1; sleep 2; done ) &
}
profile_stop() { # PHASE
    [[ $profile == 1 ]] || return 0
    jcmd "$ours_pid" JFR.stop name="$1" >/dev/null
}
jcmd() { "$(dirname "$java")/jcmd" "$@"; }

for s in ours dist; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Accept: $manifest_accept" \
        "http://127.0.0.1:$(port_of $s)/v2/bench-multi-1/manifests/v1")
    [[ $code == 200 ]] || die "manifest GET from $s: HTTP $code"
    code=$(curl -s -I -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(port_of $s)/v2/bench-multi-1/blobs/$small_layer")
    [[ $code == 200 ]] || die "blob HEAD from $s: HTTP $code"
done

declare -A rss_load=([manifest_ours]=0 [manifest_dist]=0 [head_ours]=0 [head_dist]=0)
peak_rss() { # KEY FILE: keeps the highest sample seen for KEY
    local v
    v=$(cat "$2")
    ((v > rss_load[$1])) && rss_load[$1]=$v
    return 0
}

log "manifest GET by tag: wrk -t2 -c$conns -d$duration: one cold round and ${warmup} s warm-up per server, then $load_rounds round(s)"
for s in ours dist; do
    url="http://127.0.0.1:$(port_of $s)/v2/bench-multi-1/manifests/v1"
    out="$results/wrk-manifest-$s-cold.txt"
    wrk -t2 -c"$conns" -d"$duration" --latency -H "Accept: $manifest_accept" "$url" >"$out"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
    record manifest_cold_rps "$s" 0 "$rps"; record manifest_cold_p99 "$s" 0 "$p99"
    log "manifest GET $s cold round: $rps req/s, p99 $p99 ms"
    wrk -t2 -c"$conns" -d"${warmup}s" -H "Accept: $manifest_accept" "$url" >/dev/null
done
for ((round = 1; round <= load_rounds; round++)); do
    for s in $(order $round); do
        url="http://127.0.0.1:$(port_of $s)/v2/bench-multi-1/manifests/v1"
        out="$results/wrk-manifest-$s-$round.txt"
        start_sampler "$(pid_of $s)" "$work/rss-manifest-$s"
        [[ $s == ours && $round == 1 ]] && profile_start manifest
        c=$(cpu_ms "$(pid_of $s)")
        wrk -t2 -c"$conns" -d"$duration" --latency -H "Accept: $manifest_accept" "$url" >"$out"
        c=$(($(cpu_ms "$(pid_of $s)") - c))
        [[ $s == ours && $round == 1 ]] && profile_stop manifest
        stop_sampler
        peak_rss "manifest_$s" "$work/rss-manifest-$s"
        grep -q 'Non-2xx' "$out" && die "wrk saw non-2xx answers from $s: $(grep Non-2xx "$out")"
        grep -q 'Socket errors' "$out" && log "wrk $s: $(grep 'Socket errors' "$out")"
        rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
        p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
        p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
        record manifest_rps "$s" "$round" "$rps"; record manifest_p99 "$s" "$round" "$p99"
        record manifest_p50 "$s" "$round" "$p50"
        n=$(awk '/ requests in / {print $1}' "$out")
        record cpu_manifest "$s" "$round" "$(awk -v c="$c" -v n="$n" 'BEGIN {printf "%.1f", c * 1000 / n}')"
        log "manifest GET $s round $round: $rps req/s, p50 $p50 ms, p99 $p99 ms, peak RSS $(($(cat "$work/rss-manifest-$s") / 1024)) MiB"
    done
done
hwm_mark "manifest GETs"

log "blob HEAD: ab -i -k -c$conns -n$head_requests, $load_rounds round(s) per server (after $((warmup / 2)) s warm-up)"
for s in ours dist; do
    ab -q -i -k -c "$conns" -t $((warmup / 2 > 0 ? warmup / 2 : 1)) -n 1000000 \
        "http://127.0.0.1:$(port_of $s)/v2/bench-multi-1/blobs/$small_layer" >"$work/ab-warmup.txt" 2>&1 \
        || die "ab warm-up against $s failed: $(tail -1 "$work/ab-warmup.txt")"
done
for ((round = 1; round <= load_rounds; round++)); do
    for s in $(order $round); do
        url="http://127.0.0.1:$(port_of $s)/v2/bench-multi-1/blobs/$small_layer"
        out="$results/ab-head-$s-$round.txt"
        start_sampler "$(pid_of $s)" "$work/rss-head-$s"
        [[ $s == ours && $round == 1 ]] && profile_start head
        c=$(cpu_ms "$(pid_of $s)")
        ab -q -i -k -c "$conns" -n "$head_requests" "$url" >"$out" 2>&1
        c=$(($(cpu_ms "$(pid_of $s)") - c))
        [[ $s == ours && $round == 1 ]] && profile_stop head
        stop_sampler
        peak_rss "head_$s" "$work/rss-head-$s"
        failed=$(awk '/^Failed requests:/ {print $3}' "$out")
        non2xx=$(awk '/^Non-2xx responses:/ {print $3}' "$out")
        keepalive=$(awk '/^Keep-Alive requests:/ {print $3}' "$out")
        [[ ${failed:-0} == 0 && -z $non2xx ]] || die "ab against $s: $failed failed, ${non2xx:-0} non-2xx (see $out)"
        rps=$(awk '/^Requests per second:/ {print $4}' "$out")
        p99=$(awk '$1 == "99%" {print $2}' "$out")
        p50=$(awk '$1 == "50%" {print $2}' "$out")
        record head_rps "$s" "$round" "$rps"; record head_p99 "$s" "$round" "$p99"; record head_p50 "$s" "$round" "$p50"
        record head_keepalive "$s" "$round" "$keepalive"
        record cpu_head "$s" "$round" "$(awk -v c="$c" -v n="$head_requests" 'BEGIN {printf "%.1f", c * 1000 / n}')"
        log "blob HEAD $s round $round: $rps req/s, p50 $p50 ms, p99 $p99 ms, keep-alive $keepalive/$head_requests, peak RSS $(($(cat "$work/rss-head-$s") / 1024)) MiB"
    done
done
hwm_mark "blob HEADs"

# ---------------------------------------------------------------- manifest GET with auth
# Ours: a Bearer token of the pull robot from /service/token (what docker and containerd send
# on every request after the first 401).
bearer=$(curl -s -u "$pull_credentials" \
    "http://127.0.0.1:$ours_port/service/token?service=registry&scope=repository:bench-multi-1:pull" | jq -r .token)
[[ -n $bearer && $bearer != null ]] || die "no token from our registry for ${pull_credentials%%:*}"
declare -A auth_header=([ours]="Authorization: Bearer $bearer"
    [dist]="Authorization: Basic $(printf 'bench:%s' "$admin_password" | base64 -w0)")
auth_url() {
    if [[ $1 == ours ]]; then echo "http://127.0.0.1:$ours_port/v2/bench-multi-1/manifests/v1"
    else echo "http://127.0.0.1:$dist_auth_port/v2/bench-multi-1/manifests/v1"; fi
}
for s in ours dist; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "${auth_header[$s]}" -H "Accept: $manifest_accept" "$(auth_url $s)")
    [[ $code == 200 ]] || die "authenticated manifest GET from $s: HTTP $code"
    wrk -t2 -c"$conns" -d"$((warmup / 2 > 0 ? warmup / 2 : 1))s" -H "${auth_header[$s]}" -H "Accept: $manifest_accept" \
        "$(auth_url $s)" >/dev/null
done
slice_s=$(( ${duration%s} / slices > 0 ? ${duration%s} / slices : 1 ))
log "manifest GET by tag with auth (ours: ${pull_credentials%%:*}'s Bearer token; Distribution: htpasswd Basic): $load_rounds round(s) of $slices slices of $slice_s s"
declare -A over_time=()
# One slice of authenticated manifest GETs of server S by WRK... (wrk and its options, up to the URL): records
# METRIC_rps, METRIC_p99 and METRIC_p999 for S as run RUN, and adds p99 / p99.9 to over_time[KEY].
auth_slice() { # S METRIC RUN KEY OUT WRK...
    local s=$1 metric=$2 run=$3 key=$4 out=$5 rps p99 p999 maxl
    shift 5
    "$@" -c"$conns" -d"${slice_s}s" --latency -s "$here/percentiles.lua" \
        -H "${auth_header[$s]}" -H "Accept: $manifest_accept" "$(auth_url "$s")" >"$out"
    grep -q 'Non-2xx' "$out" && die "wrk saw non-2xx answers from $s with auth: $(grep Non-2xx "$out")"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    read -r p99 p999 maxl < <(awk '/^percentiles / {for (i = 2; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2] / 1000}
        printf "%.2f %.2f %.2f\n", v["p99"], v["p999"], v["max"]}' "$out")
    record "${metric}_rps" "$s" "$run" "$rps"; record "${metric}_p99" "$s" "$run" "$p99"; record "${metric}_p999" "$s" "$run" "$p999"
    over_time[$key]+="$(fmt "$p99") / $(fmt "$p999") | "
    log "authenticated manifest GET ($metric) $s run $run: $rps req/s, p99 $p99 ms, p99.9 $p999 ms, max $maxl ms"
}
for ((round = 1; round <= load_rounds; round++)); do
    for s in $(order $round); do
        for ((slice = 1; slice <= slices; slice++)); do
            auth_slice "$s" manifest_auth "$round.$slice" "$s" "$results/wrk-manifest-auth-$s-$round-$slice.txt" wrk -t2
        done
    done
done
hwm_mark "manifest GETs with auth"
# The same with the server on core 0 and wrk on core 1 (taskset): on 2 cores shared with the load generator the
# tail above is mostly the two fighting for the cores (docs/benchmarks.md, "Latency tail"); pinned, it is the
# server's own. One round of the same slices per server.
pinned=0
if (($(nproc) >= 2)) && command -v taskset >/dev/null; then
    pinned=1
    all_cores="0-$(($(nproc) - 1))"
    for s in $(order 1); do
        spid=$([[ $s == ours ]] && echo "$ours_pid" || echo "$dist_auth_pid")
        taskset -a -p -c 0 "$spid" >/dev/null
        for ((slice = 1; slice <= slices; slice++)); do
            auth_slice "$s" manifest_pinned "$slice" "pinned_$s" "$results/wrk-manifest-auth-pinned-$s-$slice.txt" \
                taskset -c 1 wrk -t1
        done
        taskset -a -p -c "$all_cores" "$spid" >/dev/null
    done
fi

if ((pinned == 1)); then hwm_mark "pinned"; fi
declare -A rss_hwm
for s in ours dist; do rss_hwm[$s]=$(kib "$(pid_of $s)" VmHWM); done
load_after=$(load_report)
log "$load_after"

# The issue's other scenarios, each its own script on a quiet machine once this run's servers are stopped; every
# script appends its target rows to BENCH_TARGETS_OUT. They get none of this run's BENCH_ settings but the JVM's.
if [[ $others == 1 ]]; then
    for pid in $ours_pid $dist_pid $dist_auth_pid; do stop_pid "$pid"; done
    ours_pid='' dist_pid='' dist_auth_pid=''
    : >"$results/targets-others.md"
    for script in startup storm s3 ${BENCH_IMAGE:+image-startup}; do
        log "running bench/$script.sh (output in $results/$script.txt)"
        # shellcheck disable=SC2046
        env $(env | grep -o '^BENCH_[A-Z_]*' | grep -vxE 'BENCH_(JAVA|JAR|JAVA_OPTS|AOT|DATA|IMAGE|PODMAN)' | sed 's/^/-u /') \
            BENCH_TARGETS_OUT="$results/targets-others.md" "$here/$script.sh" >"$results/$script.txt" 2>&1 \
            || log "bench/$script.sh failed; see $results/$script.txt"
    done
fi

# ---------------------------------------------------------------- table
rows=()
# ROW LABEL UNIT BETTER(lower|higher) OURS DIST [TARGET_TEXT TARGET_CHECK(awk on r=ratio, o=ours)]
row() {
    local label=$1 unit=$2 better=$3 o=$4 d=$5 target=${6:-} check=${7:-} r met=''
    r=$(ratio "$o" "$d")
    if [[ -n $check ]]; then
        met=$(awk -v r="$r" -v o="$o" "BEGIN {print (($check) ? \"met\" : \"NOT met\")}")
    fi
    rows+=("| $label | $(fmt "$o") $unit | $(fmt "$d") $unit | $r | $better | $target | $met |")
}
spread() { # METRIC SERVER -> " (min–max)"
    echo "$(fmt "$(stat_of "$1" "$2" min)")–$(fmt "$(stat_of "$1" "$2" max)")"
}
time_row() { # METRIC LABEL [OTHER_SERVER, default dist] [OUR_SERVER, default ours]
    local o d other=${3:-dist} me=${4:-ours}
    o=$(stat_of "$1" "$me" median) d=$(stat_of "$1" "$other" median)
    row "$2 (median of $runs; ours $(spread "$1" "$me"), $other $(spread "$1" "$other"))" s lower "$o" "$d" '≤ 1.10' 'r <= 1.10'
}
first_row() { # METRIC LABEL
    row "$2" s lower "$(stat_of "first_$1" ours median)" "$(stat_of "first_$1" dist median)"
}
time_row push_multi "push ${layers}×${layer_mib} MiB image"
time_row push_big "push 1×${big_mib} MiB image"
time_row pull_multi "pull ${layers}×${layer_mib} MiB image"
time_row pull_big "pull 1×${big_mib} MiB image"
time_row push_multi_auth "push ${layers}×${layer_mib} MiB image with auth on both (Distribution: htpasswd)" distauth oursauth
time_row pull_multi_auth "pull ${layers}×${layer_mib} MiB image with auth on both" distauth oursauth
time_row push_small_auth "push ${small_layers}×${small_kib} KiB image with auth on both" distauth oursauth
time_row pull_small_auth "pull ${small_layers}×${small_kib} KiB image with auth on both" distauth oursauth
first_row push_multi "first push of the ${layers}×${layer_mib} MiB image after start-up (untimed warm-up run)"
row "blob GET ${big_mib} MiB, MB/s (median of $get_runs; ours $(spread blob_get ours), dist $(spread blob_get dist))" MB/s higher \
    "$(stat_of blob_get ours median)" "$(stat_of blob_get dist median)" '≥ 1.00' 'r >= 1.0'
row "manifest GET by tag, req/s (wrk, $conns conns, $duration; median of $load_rounds)" req/s higher \
    "$(stat_of manifest_rps ours median)" "$(stat_of manifest_rps dist median)" '≥ 1.50' 'r >= 1.5'
row "manifest GET by tag, p99 latency" ms lower \
    "$(stat_of manifest_p99 ours median)" "$(stat_of manifest_p99 dist median)" '≤ 1.00' 'r <= 1.0'
row "manifest GET by tag, p50 latency" ms lower \
    "$(stat_of manifest_p50 ours median)" "$(stat_of manifest_p50 dist median)"
row "manifest GET by tag, cold round (first $duration of manifest load), req/s" req/s higher \
    "$(stat_of manifest_cold_rps ours median)" "$(stat_of manifest_cold_rps dist median)"
row "manifest GET by tag, cold round, p99 latency" ms lower \
    "$(stat_of manifest_cold_p99 ours median)" "$(stat_of manifest_cold_p99 dist median)"
row "manifest GET by tag with auth, req/s (ours: Bearer token; Distribution: htpasswd; median of $load_rounds × $slices slices of $slice_s s)" req/s higher \
    "$(stat_of manifest_auth_rps ours median)" "$(stat_of manifest_auth_rps dist median)" '≥ 1.20' 'r >= 1.2'
row "manifest GET by tag with auth, p99 latency (median of the slices)" ms lower \
    "$(stat_of manifest_auth_p99 ours median)" "$(stat_of manifest_auth_p99 dist median)" '≤ 0.50' 'r <= 0.5'
row "manifest GET by tag with auth, p99.9 latency (median of the slices)" ms lower \
    "$(stat_of manifest_auth_p999 ours median)" "$(stat_of manifest_auth_p999 dist median)"
row "manifest GET by tag with auth, worst slice's p99" ms lower \
    "$(stat_of manifest_auth_p99 ours max)" "$(stat_of manifest_auth_p99 dist max)"
if [[ $pinned == 1 ]]; then
    row "manifest GET by tag with auth, server on core 0 and wrk on core 1, req/s (median of $slices slices)" req/s higher \
        "$(stat_of manifest_pinned_rps ours median)" "$(stat_of manifest_pinned_rps dist median)"
    row "manifest GET by tag with auth, pinned, p99 latency (median of the slices)" ms lower \
        "$(stat_of manifest_pinned_p99 ours median)" "$(stat_of manifest_pinned_p99 dist median)" '≤ 0.50' 'r <= 0.5'
    row "manifest GET by tag with auth, pinned, p99.9 latency (median of the slices)" ms lower \
        "$(stat_of manifest_pinned_p999 ours median)" "$(stat_of manifest_pinned_p999 dist median)"
fi
row "blob HEAD, req/s (ab -k, $conns conns, $head_requests requests; median of $load_rounds)" req/s higher \
    "$(stat_of head_rps ours median)" "$(stat_of head_rps dist median)"
row "blob HEAD, p99 latency" ms lower \
    "$(stat_of head_p99 ours median)" "$(stat_of head_p99 dist median)"
row "RSS idle after start-up" MiB lower "$(mib "${rss_idle[ours]}")" "$(mib "${rss_idle[dist]}")"
row "peak RSS during manifest GET load" MiB lower "$(mib "${rss_load[manifest_ours]}")" "$(mib "${rss_load[manifest_dist]}")" \
    'ours ≤ 512 MiB' 'o <= 512'
row "peak RSS during blob HEAD load" MiB lower "$(mib "${rss_load[head_ours]}")" "$(mib "${rss_load[head_dist]}")" \
    'ours ≤ 512 MiB' 'o <= 512'
row "VmHWM over the whole run (pushes included)" MiB lower "$(mib "${rss_hwm[ours]}")" "$(mib "${rss_hwm[dist]}")" \
    'ours ≤ 512 MiB' 'o <= 512'

cpu_rows=()
cpu_row() { # METRIC LABEL UNIT [OTHER_SERVER, default dist] [OUR_SERVER, default ours]
    local o d
    o=$(stat_of "$1" "${5:-ours}" median) d=$(stat_of "$1" "${4:-dist}" median)
    cpu_rows+=("| $2 | $(fmt "$o") $3 | $(fmt "$d") $3 | $(ratio "$o" "$d") |")
}
cpu_row cpu_push_multi "push ${layers}×${layer_mib} MiB image" ms
cpu_row cpu_push_big "push 1×${big_mib} MiB image" ms
cpu_row cpu_push_multi_auth "push ${layers}×${layer_mib} MiB image with auth on both (Distribution: htpasswd)" ms distauth oursauth
cpu_row cpu_push_small_auth "push ${small_layers}×${small_kib} KiB image with auth on both" ms distauth oursauth
cpu_row cpu_pull_small_auth "pull ${small_layers}×${small_kib} KiB image with auth on both" ms distauth oursauth
cpu_row cpu_pull_multi "pull ${layers}×${layer_mib} MiB image" ms
cpu_row cpu_pull_big "pull 1×${big_mib} MiB image" ms
cpu_row cpu_blob_get "blob GET ${big_mib} MiB" ms
cpu_row cpu_manifest "1000 manifest GETs by tag" ms
cpu_row cpu_head "1000 blob HEADs" ms

# ---------------------------------------------------------------- issue 15's targets
# One row per target (docs/benchmarks.md, "Targets of the performance issue"): ratios are ours ÷ Distribution with
# htpasswd unless the row says otherwise; the rows of startup.sh, storm.sh and s3.sh come from their own runs.
targets=()
target() { # NUMBER MEASUREMENT VALUE TARGET_TEXT CHECK(awk on v)
    local met
    met=$(awk -v v="$3" "BEGIN {print ((v != \"nan\" && ($5)) ? \"met\" : \"NOT met\")}")
    targets+=("| $1 | $2 | $3 | $4 | $met |")
}
ratio_target() { # NUMBER MEASUREMENT METRIC_A SERVER_A METRIC_B SERVER_B TARGET_TEXT CHECK: medians' ratio A ÷ B
    target "$1" "$2" "$(ratio "$(stat_of "$3" "$4" median)" "$(stat_of "$5" "$6" median)")" "$7" "$8"
}
ratio_target 2 "first push of the ${layers}×${layer_mib} MiB image after start-up ÷ the warm pushes' median (ours)" \
    first_push_multi ours push_multi ours '≤ 1.30' 'v <= 1.3'
ratio_target 2 "first pull of the ${layers}×${layer_mib} MiB image ÷ the warm pulls' median (ours)" \
    first_pull_multi ours pull_multi ours '≤ 1.30' 'v <= 1.3'
ratio_target 2 "manifest GET p99 in the first $duration of manifest load ÷ warm (ours)" \
    manifest_cold_p99 ours manifest_p99 ours '≤ 2.00' 'v <= 2'
ratio_target 4 "skopeo pull ${layers}×${layer_mib} MiB, anonymous on both (Distribution without auth)" \
    pull_multi ours pull_multi dist '≤ 1.00' 'v <= 1'
ratio_target 4 "skopeo pull ${layers}×${layer_mib} MiB with auth on both" \
    pull_multi_auth oursauth pull_multi_auth distauth '≤ 1.00' 'v <= 1'
ratio_target 4 "skopeo push ${layers}×${layer_mib} MiB signed in" \
    push_multi_auth oursauth push_multi_auth distauth '≤ 1.00' 'v <= 1'
ratio_target 4 "skopeo push ${small_layers}×${small_kib} KiB signed in" \
    push_small_auth oursauth push_small_auth distauth '≤ 1.00' 'v <= 1'
ratio_target 4 "skopeo pull ${small_layers}×${small_kib} KiB with auth on both" \
    pull_small_auth oursauth pull_small_auth distauth '≤ 1.00' 'v <= 1'
ratio_target 5 "manifest GET by tag with auth, $conns connections: p99 (median of $((load_rounds * slices)) slices of $slice_s s)" \
    manifest_auth_p99 ours manifest_auth_p99 dist '≤ 0.50' 'v <= 0.5'
[[ $pinned == 1 ]] && ratio_target 5 "the same, server on core 0 and wrk on core 1 (the server's own tail; median of $slices slices)" \
    manifest_pinned_p99 ours manifest_pinned_p99 dist '≤ 0.50' 'v <= 0.5'
target 6 "peak resident memory (VmHWM) over this run, MiB, README's settings" "$(mib "${rss_hwm[ours]}")" '≤ 320' 'v <= 320'
target 8 "every figure with durable pushes (fsync): not switchable in the registry (bench/no-fsync.patch measures its cost)" \
    on 'on' 'v == "on"'
[[ -s $results/targets-others.md ]] && mapfile -t -O "${#targets[@]}" targets <"$results/targets-others.md"

{
    echo "## Registry vs CNCF Distribution 2.8 — started $started"
    echo
    echo "- command: \`$(bench_env)bench/compare.sh\` at commit $revision"
    echo "- ours: \`$(basename "$jar")\` on $("$java" -version 2>&1 | head -1), JVM options: \`${java_opts:-(none)}\`, H2 file database, filesystem blobs; ready ${ours_ready_s} s after launch"
    echo "- Distribution: $(docker-registry --version | awk '{print $NF}'), filesystem storage, blobdescriptor cache: $dist_cache; no auth, except in the \"with auth\" rows (a second instance on the same data with htpasswd)"
    echo "- ours: anonymous pulls from the public \`library\` project (one-component names); pushes sign in as admin (skopeo's token flow); the \"with auth\" rows send a Bearer token of ${pull_credentials%%:*}"
    echo "- machine: $machine"
    echo "- load before: $(echo "$load_before" | head -1 | sed 's/; busiest then:$//')"
    echo "- load after: $(echo "$load_after" | head -1 | sed 's/; busiest then:$//')"
    echo "- highest 1-minute load average seen during the run (sampled every 20 s): $(awk '/^top -/ {sub(/.*load average: /, ""); sub(/,.*/, ""); if ($1 > m) m = $1} END {print m + 0}' "$results/load-during-run.txt"); samples in load-during-run.txt"
    echo "- ratio is always ours ÷ Distribution; the \"better\" column says which direction is good"
    echo "- our VmHWM as each phase ended (the run's peak is reached in the first phase that shows it): $hwm_phases"
    echo
    echo "| measurement | ours | Distribution | ours/Dist | better | target | |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Server CPU time (user + system of the server process, median; less disturbed by other load on"
    echo "the machine than the wall-clock figures above, lower is better):"
    echo
    echo "| server CPU per | ours | Distribution | ours/Dist |"
    echo "|---|---|---|---|"
    printf '%s\n' "${cpu_rows[@]}"
    echo
    echo "Manifest GET with auth, $conns connections, over time: p99 / p99.9 in ms per slice of $slice_s s, rounds one after the other:"
    echo
    echo "| server | slices |"
    echo "|---|---|"
    echo "| ours (Bearer) | ${over_time[ours]}"
    echo "| Distribution (htpasswd) | ${over_time[dist]}"
    if [[ $pinned == 1 ]]; then
        echo "| ours, server on core 0, wrk on core 1 | ${over_time[pinned_ours]}"
        echo "| Distribution, server on core 0, wrk on core 1 | ${over_time[pinned_dist]}"
    fi
    echo
    echo "Targets of the performance issue (ratios ours ÷ Distribution with htpasswd unless the row says otherwise):"
    echo
    echo "| target | measurement | figure | target | |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${targets[@]}"
    [[ $others == 1 ]] || echo "(targets 1, 3 and 7: bench/startup.sh, bench/storm.sh and bench/s3.sh, or this script with BENCH_OTHERS=1)"
    echo
    echo "Machine load (top, 3 s sample) before the servers started and after the last load phase:"
    echo
    echo '```'
    echo "before: $load_before"
    echo "after:  $load_after"
    echo '```'
} >"$results/result.md"

echo
cat "$results/result.md"
echo
log "results in $results (result.md, samples.tsv, wrk/ab outputs, server logs)"
