#!/usr/bin/env bash
# The pull benchmark against one registry replica and against two: two registry processes (the fat
# jar, replicas a and b) on one PostgreSQL database (a fresh one, dropped at the end) and one S3
# server (S3Proxy child process, filesystem-backed; see bench/lib.sh). "One replica" sends all the
# load to a (b idles); "two replicas" splits the same load over a and b: two wrk processes, one per
# replica, each with half the connections and one thread (no load balancer in between), and half
# of the concurrent skopeo pulls to each. The two modes take turns. See docs/benchmarks.md.
#
#   ./mvnw -q -DskipTests package        # builds registry-api/target/registry.jar
#   bench/replicas.sh                    # full run
#   BENCH_QUICK=1 bench/replicas.sh      # short phases: checks the script works
#
# Knobs (defaults; quick-mode defaults after "/"):
#   BENCH_LAYERS [5] BENCH_LAYER_MIB [8 / 2]  the multi-layer image pulled
#   BENCH_DURATION [15s / 4s]    wrk duration of a measured manifest GET round
#   BENCH_WARMUP [30 / 2]        seconds of manifest GET warm-up per replica (the JIT needs ~40 s of load)
#   BENCH_LOAD_ROUNDS [2 / 1]    measured manifest rounds per mode
#   BENCH_CONNECTIONS [64]       wrk connections in total (two replicas: half each)
#   BENCH_PULLERS [4]            concurrent skopeo pulls of the multi-layer image per batch (two replicas: half each)
#   BENCH_RUNS [5 / 2]  BENCH_WARM_RUNS [2 / 1]  timed and warm-up pull batches per mode
#   BENCH_REDIRECT [false]       registry.storage.s3.redirect of both replicas
#   BENCH_PG_URL [jdbc:postgresql://127.0.0.1:5432]  BENCH_PG_USER [postgres]  (psql must reach it as that user)
#   BENCH_PORT_BASE [15280]      replica a, b on BASE, BASE+1; S3Proxy on BASE+9
#   BENCH_QUIET_WAIT [0]         seconds to wait at most for a quiet machine before starting (see lib.sh)
#   BENCH_JAR, BENCH_JAVA, BENCH_JAVA_OPTS [README's: readme_java_opts in lib.sh], BENCH_RESULTS, BENCH_DATA,
#   BENCH_KEEP, BENCH_S3PROXY_JAVA_OPTS  as in compare.sh and s3.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
servers=(one two)

quick=${BENCH_QUICK:-0}
q() { if [[ $quick == 1 ]]; then echo "$2"; else echo "$1"; fi; }
layers=${BENCH_LAYERS:-5}
layer_mib=${BENCH_LAYER_MIB:-$(q 8 2)}
duration=${BENCH_DURATION:-$(q 15s 4s)}
warmup=${BENCH_WARMUP:-$(q 30 2)}
load_rounds=${BENCH_LOAD_ROUNDS:-$(q 2 1)}
conns=${BENCH_CONNECTIONS:-64}
pullers=${BENCH_PULLERS:-4}
runs=${BENCH_RUNS:-$(q 5 2)}
warm_runs=${BENCH_WARM_RUNS:-$(q 2 1)}
redirect=${BENCH_REDIRECT:-false}
pg_url=${BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432}
pg_user=${BENCH_PG_USER:-postgres}
port_base=${BENCH_PORT_BASE:-15280}
registry_launch_defaults
stamp=$(date -u +%Y%m%d-%H%M%S)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
revision=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git -C "$root" status --porcelain -- bench registry-api registry-core registry-storage 2>/dev/null) ]] \
    && revision="$revision (with uncommitted changes)"
results=${BENCH_RESULTS:-$root/bench/results/replicas-$stamp}
data=${BENCH_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/registry-bench}
keep=${BENCH_KEEP:-0}
manifest_accept='application/vnd.oci.image.manifest.v1+json'
db="registry_bench_${stamp//-/_}"
pg_hostport=${pg_url#jdbc:postgresql://}
pg_host=${pg_hostport%%:*} pg_port=${pg_hostport##*:}
psql_() { psql -X -q -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 "$@"; }

for tool in skopeo wrk curl openssl jq psql; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -x $java ]] || die "no java at $java (set BENCH_JAVA)"
[[ -f $jar ]] || die "no $jar: build it with ./mvnw -q -DskipTests package"
declare -A port=([a]=$port_base [b]=$((port_base + 1)))
for p in "${port[@]}" $((port_base + 9)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then die "port $p on 127.0.0.1 is taken (set BENCH_PORT_BASE)"; fi
done
psql_ -c 'SELECT 1' >/dev/null || die "cannot reach PostgreSQL at $pg_host:$pg_port as $pg_user (set BENCH_PG_URL / BENCH_PG_USER)"

work=$(mktemp -d "${TMPDIR:-/tmp}/registry-bench-replicas.XXXXXX")
mkdir -p "$results"
declare -A pid=()
s3_pid='' db_created=''
cleanup() {
    local rc=$?
    stop_pid "${watcher_pid:-}"
    for r in a b; do
        stop_pid "${pid[$r]:-}"
        [[ -f $work/$r/server.log ]] && cp "$work/$r/server.log" "$results/replica-$r-server.log"
    done
    stop_pid "$s3_pid"
    [[ -n $db_created ]] && psql_ -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
    if [[ $keep == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

begin_run "$results"

mkdir -p "$data"
multi="$data/multi-${layers}x${layer_mib}"
make_image "$multi" "$layers" "$layer_mib"

# ---------------------------------------------------------------- servers
psql_ -c "CREATE DATABASE $db"
db_created=1
pg_version=$(psql_ -Atc 'SHOW server_version')
start_s3proxy "$work/s3proxy" $((port_base + 9)) registry
mapfile -t s3_args < <(s3_registry_args registry replicas "$redirect")
start_replica() { # NAME
    mkdir -p "$work/$1"
    # shellcheck disable=SC2086
    MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} "$java" $java_opts -jar "$jar" \
        --server.address=127.0.0.1 --server.port="${port[$1]}" --spring.profiles.active=postgres \
        --spring.datasource.url="$pg_url/$db" --spring.datasource.username="$pg_user" --spring.datasource.password= \
        "${registry_auth_args[@]}" "${s3_args[@]}" >"$work/$1/server.log" 2>&1 &
    pid[$1]=$!
    wait_ready "replica $1" "${pid[$1]}" "http://127.0.0.1:${port[$1]}/actuator/health/readiness"
}
start_replica a # migrates the new database
start_replica b
log "replicas ready: a (pid ${pid[a]}, port ${port[a]}), b (pid ${pid[b]}, port ${port[b]}); PostgreSQL $pg_version database $db; S3Proxy pid $s3_pid"

samples="$results/samples.tsv"
printf 'metric\tserver\trun\tvalue\n' >"$samples"

skopeo_fresh "$work/push" copy -q --dest-tls-verify=false $(push_creds a) "oci:$multi:v1" "docker://127.0.0.1:${port[a]}/bench-multi:v1" >/dev/null
for r in a b; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Accept: $manifest_accept" "http://127.0.0.1:${port[$r]}/v2/bench-multi/manifests/v1")
    [[ $code == 200 ]] || die "manifest GET from replica $r: HTTP $code"
done
log "pushed bench-multi:v1 through a; both replicas serve it"

# CPU (ms) of every process of the PostgreSQL server (all processes of its OS user), and of the machine
pg_cpu() {
    local total=0 p
    for p in $(pgrep -u "$(stat -c %U /proc/"$(pgrep -o -x postgres)")" 2>/dev/null); do
        total=$((total + $(cpu_ms "$p" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
machine_busy_ms() { awk -v hz="$clk_tck" '$1 == "cpu" {printf "%d", ($2 + $3 + $4 + $7 + $8 + $9) * 1000 / hz}' /proc/stat; }
label() { if [[ $1 == one ]]; then echo "one replica"; else echo "two replicas"; fi; }
# Cores each part used during a phase: its CPU time over the phase's wall time (recorded as PREFIX_cores_PART)
declare -A cpu0
cpu_mark() {
    cpu0[a]=$(cpu_ms "${pid[a]}"); cpu0[b]=$(cpu_ms "${pid[b]}"); cpu0[s3]=$(cpu_ms "$s3_pid"); cpu0[pg]=$(pg_cpu)
    cpu0[all]=$(machine_busy_ms); cpu0[wall]=$(now_ms)
    other_cpu >"$work/other-cpu.snapshot"
}
cpu_record() { # PREFIX MODE RUN
    local a b s3 pg all wall other
    a=$(cpu_ms "${pid[a]}") b=$(cpu_ms "${pid[b]}") s3=$(cpu_ms "$s3_pid") pg=$(pg_cpu) all=$(machine_busy_ms)
    wall=$(($(now_ms) - cpu0[wall]))
    other=$(other_cpu_since "$work/other-cpu.snapshot")
    cores() { awk -v c="$1" -v w="$wall" 'BEGIN {printf "%.2f", c / w}'; }
    record "$1_cores_a" "$2" "$3" "$(cores $((a - cpu0[a])))"
    record "$1_cores_b" "$2" "$3" "$(cores $((b - cpu0[b])))"
    record "$1_cores_s3" "$2" "$3" "$(cores $((s3 - cpu0[s3])))"
    record "$1_cores_pg" "$2" "$3" "$(cores $((pg - cpu0[pg])))"
    record "$1_cores_all" "$2" "$3" "$(cores $((all - cpu0[all])))"
    record "$1_cores_other" "$2" "$3" "$(cores "$other")"
}

# ---------------------------------------------------------------- manifest GET by tag
wrk_run() { # REPLICA THREADS CONNECTIONS DURATION OUT
    wrk -t"$2" -c"$3" -d"$4" --latency -H "Accept: $manifest_accept" \
        "http://127.0.0.1:${port[$1]}/v2/bench-multi/manifests/v1" >"$5"
}
wrk_check() { # OUT: fails on non-2xx answers and connect/read/write errors; prints wrk's timeouts (> 2 s)
    ! grep -q 'Non-2xx' "$1" || die "wrk saw errors: $(grep 'Non-2xx' "$1")"
    awk '/Socket errors:/ {gsub(",", ""); if ($4 + $6 + $8 > 0) exit 1; t = $10} END {print t + 0}' "$1" \
        || die "wrk saw socket errors: $(grep 'Socket errors' "$1")"
}
log "manifest GET by tag: ${warmup} s warm-up per replica, then $load_rounds round(s) of $duration per mode ($conns connections in total)"
for r in a b; do wrk -t2 -c"$conns" -d"${warmup}s" -H "Accept: $manifest_accept" "http://127.0.0.1:${port[$r]}/v2/bench-multi/manifests/v1" >/dev/null; done
for ((round = 1; round <= load_rounds; round++)); do
    for mode in $(order $round); do
        cpu_mark
        if [[ $mode == one ]]; then
            wrk_run a 2 "$conns" "$duration" "$results/wrk-one-$round.txt"
            cpu_record manifest one "$round"
            timeouts=$(wrk_check "$results/wrk-one-$round.txt")
            rps=$(awk '/^Requests\/sec:/ {print $2}' "$results/wrk-one-$round.txt")
            p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$results/wrk-one-$round.txt")")
            reqs=$(awk '/requests in/ {print $1}' "$results/wrk-one-$round.txt")
        else
            wrk_run a 1 $((conns / 2)) "$duration" "$results/wrk-two-a-$round.txt" &
            wa=$!
            wrk_run b 1 $((conns / 2)) "$duration" "$results/wrk-two-b-$round.txt"
            wait "$wa"
            cpu_record manifest two "$round"
            timeouts=$(($(wrk_check "$results/wrk-two-a-$round.txt") + $(wrk_check "$results/wrk-two-b-$round.txt")))
            rps=$(awk '/^Requests\/sec:/ {s += $2} END {printf "%.2f", s}' "$results"/wrk-two-[ab]-"$round".txt)
            p99=$(for f in "$results"/wrk-two-[ab]-"$round".txt; do to_ms "$(awk '$1 == "99%" {print $2}' "$f")"; echo; done | sort -g | tail -1)
            reqs=$(awk '/requests in/ {s += $1} END {print s}' "$results"/wrk-two-[ab]-"$round".txt)
        fi
        record manifest_rps "$mode" "$round" "$rps"; record manifest_p99 "$mode" "$round" "$p99"
        record manifest_requests "$mode" "$round" "$reqs"; record manifest_timeouts "$mode" "$round" "$timeouts"
        log "manifest GET, $(label "$mode"), round $round: $rps req/s, p99 $p99 ms, $timeouts of $reqs requests over 2 s"
    done
done

# ---------------------------------------------------------------- concurrent pulls
pull_batch() { # MODE RUN: prints the seconds until all $pullers pulls finished
    local i target pids=() a b
    a=$(date +%s.%N)
    for ((i = 0; i < pullers; i++)); do
        target=a
        [[ $1 == two ]] && ((i % 2)) && target=b
        skopeo_fresh "$work/pull/$1-$2-$i" copy -q --src-tls-verify=false \
            "docker://127.0.0.1:${port[$target]}/bench-multi:v1" "oci:$work/pull/$1-$2-$i/image:v1" >/dev/null &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || die "a pull of batch $1-$2 failed"; done
    b=$(date +%s.%N)
    rm -rf "$work/pull"
    awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", b - a}'
}
log "pull: batches of $pullers concurrent skopeo pulls of the ${layers}×${layer_mib} MiB image, $warm_runs warm-up + $runs timed per mode"
for ((i = 1 - warm_runs; i <= runs; i++)); do
    for mode in $(order $i); do
        cpu_mark
        t=$(pull_batch "$mode" "$i")
        if ((i <= 0)); then log "pull batch, $(label "$mode"), warm-up: $t s"; else
            cpu_record pull "$mode" "$i"
            record pull_batch "$mode" "$i" "$t"
            log "pull batch, $(label "$mode"), run $i: $t s"
        fi
    done
done

declare -A hwm
for r in a b; do hwm[$r]=$(kib "${pid[$r]}" VmHWM); done
load_after=$(load_report)

# ---------------------------------------------------------------- table
med() { stat_of "$1" "$2" median; }
rng() { echo "$(fmt "$(stat_of "$1" "$2" min)")–$(fmt "$(stat_of "$1" "$2" max)")"; }
row() { # METRIC LABEL UNIT
    local o=$(med "$1" one) t=$(med "$1" two)
    echo "| $2 | $(fmt "$o") $3 ($(rng "$1" one)) | $(fmt "$t") $3 ($(rng "$1" two)) | $(ratio "$t" "$o") |"
}
cpu_table() { # PREFIX LABEL MODE
    local part cells=''
    for part in a b pg s3 other all; do cells+=" $(awk -v v="$(med "$1_cores_$part" "$3")" 'BEGIN {printf "%.2f", v}') |"; done
    echo "| $2 |$cells"
}
{
    echo "## One replica vs two replicas (one PostgreSQL, one S3) — started $started"
    echo
    echo "- command: \`$(bench_env)bench/replicas.sh\` at commit $revision"
    echo "- replicas: two \`$(basename "$jar")\` processes on $("$java" -version 2>&1 | head -1), JVM options \`${java_opts:-(none)}\`, S3 store (redirect=$redirect), one PostgreSQL $pg_version database (fresh, dropped afterwards)"
    echo "- S3: S3Proxy ${BENCH_S3PROXY_VERSION:-4.1.0} child process, \`filesystem-nio2\` store"
    echo "- load spreading: two wrk processes, one per replica (\`wrk -t1 -c$((conns / 2))\` each) against one \`wrk -t2 -c$conns\` on replica a; pulls: $pullers concurrent \`skopeo copy\` per batch, all to a, or alternately to a and b"
    echo "- machine: $machine; everything (replicas, PostgreSQL, S3Proxy, wrk, skopeo) on the same cores"
    echo "- load before: $(echo "$load_before" | head -1 | sed 's/; busiest then:$//')"
    echo "- load after: $(echo "$load_after" | head -1 | sed 's/; busiest then:$//')"
    echo "- highest 1-minute load average seen during the run (sampled every 20 s): $(max_load "$results/load-during-run.txt"); samples in load-during-run.txt"
    echo
    echo "| measurement | one replica | two replicas | two ÷ one |"
    echo "|---|---|---|---|"
    row manifest_rps "manifest GET by tag, req/s (median of $load_rounds × $duration)" req/s
    row manifest_p99 "manifest GET by tag, p99 (two replicas: the worse of the two wrk)" ms
    row manifest_timeouts "manifest GET by tag, requests over wrk's 2 s timeout per round" ""
    row pull_batch "$pullers concurrent pulls of the ${layers}×${layer_mib} MiB image, wall time (median of $runs)" s
    echo
    echo "Cores used during each phase (CPU time ÷ wall time of the phase, medians; the machine has $(nproc)):"
    echo "\"others\" are processes outside this benchmark (another session's build, say), \"machine\" is all"
    echo "non-idle CPU, so wrk or skopeo and the kernel make up the rest:"
    echo
    echo "| phase | replica a | replica b | PostgreSQL | S3Proxy | others | machine |"
    echo "|---|---|---|---|---|---|---|"
    cpu_table manifest "manifest GET, one replica" one
    cpu_table manifest "manifest GET, two replicas" two
    cpu_table pull "pull batch, one replica" one
    cpu_table pull "pull batch, two replicas" two
    echo
    echo "VmHWM over the run: replica a $(mib "${hwm[a]}") MiB, replica b $(mib "${hwm[b]}") MiB."
} >"$results/result.md"

echo
cat "$results/result.md"
echo
log "results in $results (result.md, samples.tsv, wrk outputs, server logs)"
