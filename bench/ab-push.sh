#!/usr/bin/env bash
# Two builds of this registry side by side, pushes (or pulls) taking turns: for a change whose effect is
# smaller than the noise between runs on a shared 2-core machine (compare.sh runs one build).
# Each build is a copy of the start-up layout registry-api/target/registry/ made with `cp -a`
# (the AOT cache checks the jar's timestamp, so a plain cp would silently run without it).
#
#   git stash && ./mvnw -q -o -DskipTests package && cp -a registry-api/target/registry /tmp/build-a
#   git stash pop && ./mvnw -q -o -DskipTests package && cp -a registry-api/target/registry /tmp/build-b
#   BENCH_A=/tmp/build-a BENCH_B=/tmp/build-b bench/ab-push.sh
#
# Every push goes to a new repository of the library project, signed in as admin, with a fresh
# skopeo blob-info cache (so every blob is uploaded), filesystem store, fresh H2 file database,
# README's JVM settings. Prints, per build, the median push time and the registry's CPU per push
# (user + system, from /proc) over the measured runs. BENCH_MODE=pull pushes the image once to each
# build, then times anonymous pulls of it (the public library project: /v2/ challenge, anonymous token,
# manifest, blobs) into a fresh directory each.
#
# Knobs: BENCH_A, BENCH_B (layouts, required); BENCH_MODE [push] or pull; BENCH_LAYERS [30] BENCH_LAYER_MIB [100k] (the
# image; 5 and 8 for the 5x8 MiB one); BENCH_WARM_RUNS [25] BENCH_RUNS [25] (per build);
# BENCH_A_OPTS, BENCH_B_OPTS (JVM options added for one build, e.g. to compare a JVM flag with
# BENCH_B=BENCH_A); BENCH_JAVA_OPTS [README's: readme_java_opts in lib.sh]; BENCH_PORT_BASE [15420];
# BENCH_QUIET_WAIT [0]; BENCH_DATA (where test images are kept, as in compare.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
BENCH_JAR=unused registry_launch_defaults # for $java and README's $java_opts; the layouts come from BENCH_A/B
java_opts=${BENCH_JAVA_OPTS:-$readme_java_opts}

declare -A layout=([a]=${BENCH_A:-} [b]=${BENCH_B:-}) extra=([a]=${BENCH_A_OPTS:-} [b]=${BENCH_B_OPTS:-})
for s in a b; do
    [[ -f ${layout[$s]}/registry.jar ]] || die "BENCH_${s^^} must name a copy of registry-api/target/registry (see the top of $0)"
done
layers=${BENCH_LAYERS:-30} layer_size=${BENCH_LAYER_MIB:-100k}
warm_runs=${BENCH_WARM_RUNS:-25} runs=${BENCH_RUNS:-25} mode=${BENCH_MODE:-push}
[[ $mode == push || $mode == pull ]] || die "BENCH_MODE must be push or pull, not $mode"
port_base=${BENCH_PORT_BASE:-15420}
declare -A port=([a]=$port_base [b]=$((port_base + 1))) pid=()
data=${BENCH_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/registry-bench}
image="$data/multi-${layers}x${layer_size}"
work=$(mktemp -d "${TMPDIR:-/tmp}/registry-bench-ab.XXXXXX")
results=$work
cleanup() {
    local rc=$?
    for s in a b; do stop_pid "${pid[$s]:-}"; done
    rm -rf "$work"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$data"
make_image "$image" "$layers" "$layer_size"
wait_for_quiet
for s in a b; do
    aot=''
    [[ -f ${layout[$s]}/registry.aot ]] && aot="-XX:AOTCache=${layout[$s]}/registry.aot"
    mkdir -p "$work/$s"
    # shellcheck disable=SC2086
    MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} "$java" $aot $java_opts ${extra[$s]} -jar "${layout[$s]}/registry.jar" \
        --server.address=127.0.0.1 --server.port="${port[$s]}" \
        --spring.datasource.url="$(h2_url "$work/$s/db/registry")" \
        --registry.storage.filesystem.root="$work/$s/blobs" "${registry_auth_args[@]}" >"$work/$s/server.log" 2>&1 &
    pid[$s]=$!
done
for s in a b; do
    wait_ready "$s" "${pid[$s]}" "http://127.0.0.1:${port[$s]}/actuator/health/readiness"
    if grep -q 'Unable to map shared spaces' "$work/$s/server.log"; then
        log "warning: build $s runs without its AOT cache (copied without cp -a?)"
    fi
done
log "a: ${layout[a]} ${extra[a]} (port ${port[a]}), b: ${layout[b]} ${extra[b]} (port ${port[b]})"
push_to() { # BUILD REPOSITORY RUN_DIR
    skopeo_fresh "$3" copy -q --dest-tls-verify=false --dest-creds "admin:$admin_password" \
        "oci:$image:v1" "docker://127.0.0.1:${port[$1]}/library/$2:v1"
}
if [[ $mode == pull ]]; then
    for s in a b; do push_to "$s" ab-pulled "$work/push-$s" || die "push to $s failed"; done
fi
log "${mode}ing ${layers} x ${layer_size} layers: $warm_runs warm-up runs, then $runs measured, a and b taking turns"

printf 'build\tseconds\tcpu_ms\n' >"$work/runs.tsv"
for i in $(seq 1 $((warm_runs + runs))); do
    for s in a b; do
        before=$(cpu_ms "${pid[$s]}")
        if [[ $mode == push ]]; then
            took=$(timed push_to "$s" "ab-$i" "$work/run-$s-$i") || die "push $i to $s failed"
        else
            took=$(timed skopeo_fresh "$work/run-$s-$i" copy -q --src-tls-verify=false \
                "docker://127.0.0.1:${port[$s]}/library/ab-pulled:v1" "oci:$work/run-$s-$i/image:v1") || die "pull $i from $s failed"
        fi
        after=$(cpu_ms "${pid[$s]}")
        rm -rf "$work/run-$s-$i"
        if ((i > warm_runs)); then
            printf '%s\t%s\t%s\n' "$s" "$took" "$((after - before))" >>"$work/runs.tsv"
        fi
    done
done
summary() { # BUILD COLUMN: median (min-max)
    awk -F'\t' -v s="$1" -v c="$2" 'NR > 1 && $1 == s {print $c}' "$work/runs.tsv" | sort -g |
        awk '{v[NR] = $1} END {printf "%s (%s-%s)", v[int((NR + 1) / 2)], v[1], v[NR]}'
}
for s in a b; do
    printf '%s: %s %s s, registry CPU per %s %s ms  (%s %s)\n' "$s" "$mode" "$(summary "$s" 2)" "$mode" "$(summary "$s" 3)" \
        "${layout[$s]}" "${extra[$s]}"
done
