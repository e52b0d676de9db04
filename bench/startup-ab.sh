#!/usr/bin/env bash
# Start-up A/B: two ways of starting the registry, taking turns start by start, so that a machine whose speed drifts
# (a shared host: sequential runs of bench/startup.sh minutes apart differed by a third here) hits both alike. Each
# start is timed from launch to /actuator/health/readiness answering 200, asked every 20 ms without starting a process
# (lib.sh's probe_status and nap), on the embedded defaults, on data the first start made (a restarted replica).
# Prints each side's starts, median and peak resident memory, and the medians of the CPU its threads had used when
# readiness answered (the whole process, the main thread, the JIT compilers, the VM thread: less disturbed by other load
# on the machine than the wall time).
#
#   BENCH_A_OPTS / BENCH_B_OPTS   JVM options of side A / B (default: README's without / with the two compiler-priority
#                                 flags: what docs/benchmarks.md "Compiler threads at a lower priority" compares)
#   BENCH_A_LAYOUT / BENCH_B_LAYOUT  the start-up layouts (default: both registry-api/target/registry; copy one with
#                                 `cp -a` to compare two builds: the cache records its jars' sizes and times)
#   BENCH_RUNS [7]                starts per side          BENCH_OURS_PORT [15290]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

registry_launch_defaults
runs=${BENCH_RUNS:-7} port=${BENCH_OURS_PORT:-15290}
a_opts=${BENCH_A_OPTS-${readme_java_opts/ -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=10/}}
b_opts=${BENCH_B_OPTS-$readme_java_opts}
ab_layouts
work=$(mktemp -d "${TMPDIR:-/tmp}/registry-startup-ab.XXXXXX")
pid=''
trap 'stop_pid "$pid"; rm -rf "$work"' EXIT

start_once() { # SIDE(a|b): prints "MS HWM_MIB TOTAL_CPU MAIN_CPU COMPILERS_CPU VM_CPU"
    local layout=$a_layout opts=$a_opts start ms cpu
    [[ $1 == b ]] && layout=$b_layout opts=$b_opts
    start=$(now_ms)
    launch_layout "$layout" "$opts" '' "$work/$1.log"
    await_status "$port" /actuator/health/readiness 200 "$pid" "$work/$1.log" "side $1"
    ms=$(($(now_ms) - start))
    cpu=$(jvm_thread_cpu_ms "$pid")
    nap 1
    echo "$ms $(($(kib "$pid" VmHWM) / 1024)) $cpu"
    stop_pid "$pid"
    pid=''
}

log "A: $a_opts ($a_layout)"
log "B: $b_opts ($b_layout)"
log "first start (migrations, admin) untimed"
start_once a >/dev/null
declare -A times=() hwm=() cpu_total=() cpu_main=() cpu_compilers=() cpu_vm=()
for ((r = 1; r <= runs; r++)); do
    for side in $( ((r % 2)) && echo a b || echo b a); do
        start_once "$side" >"$work/result" # in this shell: the next start waits until this one has stopped
        read -r ms mib total main compilers vm <"$work/result"
        times[$side]+="$ms " hwm[$side]+="$mib "
        cpu_total[$side]+="$total " cpu_main[$side]+="$main " cpu_compilers[$side]+="$compilers " cpu_vm[$side]+="$vm "
        log "run $r $side: ready after $ms ms, VmHWM $mib MiB, CPU by then $total ms (main $main, compilers $compilers, VM thread $vm)"
    done
done
for side in a b; do
    printf '%s: median %s ms (%s), VmHWM median %s MiB; CPU at readiness, medians: process %s ms, main thread %s ms, compilers %s ms, VM thread %s ms\n' \
        "${side^^}" "$(median "${times[$side]}")" "${times[$side]% }" "$(median "${hwm[$side]}")" "$(median "${cpu_total[$side]}")" \
        "$(median "${cpu_main[$side]}")" "$(median "${cpu_compilers[$side]}")" "$(median "${cpu_vm[$side]}")"
done
echo "- $(nproc) cores, $("$java" -version 2>&1 | head -1), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
