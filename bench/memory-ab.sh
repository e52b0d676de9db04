#!/usr/bin/env bash
# Peak memory A/B: two ways of running the registry (JVM options or builds), taking turns, each through the same
# compare.sh-shaped work on a fresh start: four pushes of the 5×8 MiB image and one of the 64 MiB image (signed in as
# admin, each to a new repository), one pull, manifest GETs by tag with 64 connections (wrk, 15 s then 10 s), 60,000
# blob HEADs with 64 kept-alive connections (ab) and three GETs of the 64 MiB layer. Prints, per start, the peak
# resident memory (VmHWM, target 6 of the performance issue), the resident memory at the end, the pushes' times, the
# manifest rounds' p99 (the first 15 s of manifest load on a fresh start, then warm: target 2's cold round) and the
# load phases' throughput, then each side's medians. Faster than bench/compare.sh (no Distribution, about 75 s a
# start) and interleaved, so a machine whose speed drifts hits both sides alike; compare.sh's VmHWM row stays the
# figure of record.
#
#   BENCH_A_OPTS / BENCH_B_OPTS      JVM options of side A / B (default: README's, both)
#   BENCH_A_ENV / BENCH_B_ENV        extra environment of side A / B, e.g. 'MALLOC_ARENA_MAX=1' (default: none)
#   BENCH_A_LAYOUT / BENCH_B_LAYOUT  the start-up layouts (default: both registry-api/target/registry; copy one with
#                                    `cp -a` to compare two builds)
#   BENCH_RUNS [2]                   starts per side           BENCH_OURS_PORT [15295]
#   BENCH_DATA [$XDG_CACHE_HOME/registry-bench]  generated test images (shared with compare.sh)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

registry_launch_defaults
runs=${BENCH_RUNS:-2} port=${BENCH_OURS_PORT:-15295}
a_opts=${BENCH_A_OPTS-$readme_java_opts} b_opts=${BENCH_B_OPTS-$readme_java_opts}
a_env=${BENCH_A_ENV:-} b_env=${BENCH_B_ENV:-}
ab_layouts
for tool in skopeo wrk ab jq; do command -v "$tool" >/dev/null || die "$tool is missing"; done
data=${BENCH_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/registry-bench}
multi="$data/multi-5x8" big="$data/big-64"
make_image "$multi" 5 8
make_image "$big" 1 64
manifest_accept=application/vnd.oci.image.manifest.v1+json
small_layer=$(layers_of "$multi" | head -1) big_layer=$(layers_of "$big")
work=$(mktemp -d "${TMPDIR:-/tmp}/registry-memory-ab.XXXXXX")
pid='' results=$work # wait_ready names it in its messages
trap 'stop_pid "$pid"; rm -rf "$work"' EXIT

push_ms() { # IMAGE_DIR REPO: ms for one push with a fresh blob-info cache (every blob is uploaded)
    local start
    rm -rf "$work/skopeo"
    start=$(now_ms)
    skopeo_fresh "$work/skopeo" copy -q --dest-tls-verify=false --dest-creds "admin:$admin_password" \
        "oci:$1:v1" "docker://127.0.0.1:$port/$2:v1" >&2 || die "push of $2 failed"
    echo $(($(now_ms) - start))
}

run_once() { # SIDE(a|b): prints "HWM_MIB RSS_MIB FIRST_PUSH_MS WARM_PUSH_MS MANIFEST_RPS HEAD_RPS GET_MBS COLD_P99_MS WARM_P99_MS"
    local layout=$a_layout opts=$a_opts env_vars=$a_env pushes=() i rps head get mbs p99_cold p99_warm
    [[ $1 == b ]] && layout=$b_layout opts=$b_opts env_vars=$b_env
    rm -rf "$work/data"
    launch_layout "$layout" "$opts" "$env_vars" "$work/$1.log"
    wait_ready "side $1" "$pid" "http://127.0.0.1:$port/actuator/health/readiness"
    wait_signed_in "side $1" "$pid" "http://127.0.0.1:$port/v2/" "admin:$admin_password"
    for i in 1 2 3 4; do pushes+=("$(push_ms "$multi" "library/multi-$i")"); done
    push_ms "$big" library/big >/dev/null
    rm -rf "$work/pulled"
    skopeo_fresh "$work/skopeo" copy -q --src-tls-verify=false "docker://127.0.0.1:$port/library/multi-1:v1" \
        "oci:$work/pulled:v1" >&2 || die "pull failed"
    p99_cold=$(wrk -t2 -c64 -d15s --latency -H "Accept: $manifest_accept" \
        "http://127.0.0.1:$port/v2/library/multi-1/manifests/v1" | awk '$1 == "99%" {print $2}')
    wrk -t2 -c64 -d10s --latency -H "Accept: $manifest_accept" "http://127.0.0.1:$port/v2/library/multi-1/manifests/v1" \
        >"$work/wrk"
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$work/wrk") p99_warm=$(awk '$1 == "99%" {print $2}' "$work/wrk")
    head=$(ab -q -i -k -c64 -n60000 "http://127.0.0.1:$port/v2/library/multi-1/blobs/$small_layer" \
        | awk '/^Requests per second:/ {printf "%.0f", $4}')
    get=''
    for i in 1 2 3; do
        get+="$(curl -s -o /dev/null -w '%{speed_download}' "http://127.0.0.1:$port/v2/library/big/blobs/$big_layer") "
    done
    mbs=$(awk -v v="$(median "$get")" 'BEGIN {printf "%.0f", v / 1e6}')
    echo "$(($(kib "$pid" VmHWM) / 1024)) $(($(kib "$pid" VmRSS) / 1024)) ${pushes[0]} $(median "${pushes[*]:1}") $rps $head $mbs" \
        "$(to_ms "$p99_cold") $(to_ms "$p99_warm")"
    stop_pid "$pid"
    pid=''
}

log "A: ${a_env:+$a_env }$a_opts ($a_layout)"
log "B: ${b_env:+$b_env }$b_opts ($b_layout)"
declare -A hwm=() rss=() first=() warm=() manifest=() heads=() gets=() cold_p99=() warm_p99=()
for ((r = 1; r <= runs; r++)); do
    for side in $( ((r % 2)) && echo a b || echo b a); do
        run_once "$side" >"$work/result"
        read -r m_hwm m_rss m_first m_warm m_rps m_head m_get m_cold99 m_warm99 <"$work/result"
        hwm[$side]+="$m_hwm " rss[$side]+="$m_rss " first[$side]+="$m_first " warm[$side]+="$m_warm "
        manifest[$side]+="$m_rps " heads[$side]+="$m_head " gets[$side]+="$m_get "
        cold_p99[$side]+="$m_cold99 " warm_p99[$side]+="$m_warm99 "
        log "run $r $side: VmHWM $m_hwm MiB, RSS at the end $m_rss MiB, first push $m_first ms, later pushes $m_warm ms," \
            "manifest GET p99 first 15 s $m_cold99 ms then warm $m_warm99 ms, manifest GETs $m_rps req/s," \
            "blob HEADs $m_head req/s, 64 MiB GET $m_get MB/s"
    done
done
for side in a b; do
    printf '%s: VmHWM median %s MiB (%s), RSS at the end %s MiB; medians: first push %s ms, later pushes %s ms, manifest GET p99 first 15 s %s ms (%s) then warm %s ms, manifest GETs %s req/s, blob HEADs %s req/s, 64 MiB GET %s MB/s\n' \
        "${side^^}" "$(median "${hwm[$side]}")" "${hwm[$side]% }" "$(median "${rss[$side]}")" "$(median "${first[$side]}")" \
        "$(median "${warm[$side]}")" "$(median "${cold_p99[$side]}")" "${cold_p99[$side]% }" "$(median "${warm_p99[$side]}")" \
        "$(median "${manifest[$side]}")" "$(median "${heads[$side]}")" "$(median "${gets[$side]}")"
done
echo "- $(nproc) cores, $("$java" -version 2>&1 | head -1), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
