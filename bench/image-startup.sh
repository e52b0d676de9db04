#!/usr/bin/env bash
# Start-up of the container image (issue 15, target 1: "for the jar as README runs it and for the container image"),
# taking turns with the jar as README runs it, so that a machine whose speed drifts hits both alike. The image is one
# that deploy/image/build.sh made (with its start-up cache); it runs as the Helm chart and the compose file run it,
# with the actuator on a port of its own (MANAGEMENT_SERVER_PORT: the image's AOT-generated bean definitions apply),
# under a 1 GiB memory limit, on a volume that the first (untimed) start migrated: a restarted or added replica. The jar
# runs from registry-api/target/registry/ with README's JVM settings, on the embedded defaults, likewise on data its
# first start made. Each start is timed until /actuator/health/readiness answers 200, asked every 20 ms without
# starting a process (lib.sh's probe_status). For the image two figures: from the container's process start
# (`podman inspect`'s State.StartedAt: the JVM's own start, which the target is about) and from `podman run` (which
# adds creating the container: on vfs storage, a copy of the whole image).
#
#   deploy/image/build.sh --tag localhost/registry:bench ...     # see docs/deploy-image.md
#   BENCH_IMAGE=localhost/registry:bench bench/image-startup.sh
#
#   BENCH_IMAGE                   the image (required; in the storage BENCH_PODMAN uses)
#   BENCH_PODMAN [podman --storage-driver vfs --runtime runc]     how podman is run (build.sh's BUILDER, with runc)
#   BENCH_RUNS [5]                starts per side      BENCH_OURS_PORT [15410] (the jar)
#   BENCH_JAVA_OPTS [README's]    the jar's JVM options (the image has its own, in its JAVA_TOOL_OPTIONS)
#   BENCH_IMAGE_PORT [15411]      the image's registry port; its management port is the next one
#   BENCH_TARGETS_OUT [none]      a file to append the image's target row to (bench/compare.sh's targets table)
# As root, podman's default rlimits are refused here: the script passes a containers.conf without them
# (CONTAINERS_CONF, unless already set; ../shared/stack-notes.md of the development machines).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

image=${BENCH_IMAGE:?BENCH_IMAGE must name the image deploy/image/build.sh made}
registry_launch_defaults
jar_opts=${BENCH_JAVA_OPTS-$readme_java_opts}
[[ -f $root/registry-api/target/registry/registry.aot ]] \
    || die "no registry-api/target/registry/registry.aot: build with ./mvnw -q -DskipTests package on a JDK 25"
runs=${BENCH_RUNS:-5} port=${BENCH_OURS_PORT:-15410}
image_port=${BENCH_IMAGE_PORT:-15411} management_port=$((${BENCH_IMAGE_PORT:-15411} + 1))
read -r -a podman <<<"${BENCH_PODMAN:-podman --storage-driver vfs --runtime runc}"
work=$(mktemp -d "${TMPDIR:-/tmp}/registry-image-startup.XXXXXX")
if [[ -z ${CONTAINERS_CONF:-} ]]; then
    printf '[containers]\ndefault_ulimits = []\n' >"$work/containers.conf"
    export CONTAINERS_CONF=$work/containers.conf
fi
container=registry-image-startup-$$ volume=registry-image-startup-$$
pid=''
cleanup() {
    stop_pid "$pid"
    "${podman[@]}" rm -f "$container" >/dev/null 2>&1 || true
    "${podman[@]}" volume rm -f "$volume" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
"${podman[@]}" image exists "$image" || die "no image $image in ${podman[*]}'s storage"
"${podman[@]}" volume create "$volume" >/dev/null

# Both write their result to $work/result and run in this shell (not in a command substitution), so that die stops
# the script and the trap finds the process or container to stop.
jar_once() { # MS
    local start
    start=$(now_ms)
    launch_layout "$root/registry-api/target/registry" "$jar_opts" '' "$work/jar.log"
    await_status "$port" /actuator/health/readiness 200 "$pid" "$work/jar.log" "the jar"
    echo $(($(now_ms) - start)) >"$work/result"
    stop_pid "$pid"
    pid=''
}
image_once() { # MS_FROM_PROCESS_START MS_FROM_PODMAN_RUN
    local start ready started
    start=$(now_ms)
    "${podman[@]}" run --detach --name "$container" --network host --memory 1g --volume "$volume:/data:U" \
        --env SERVER_PORT="$image_port" --env MANAGEMENT_SERVER_PORT="$management_port" \
        --env REGISTRY_ADMIN_PASSWORD=Image-Startup-1 "$image" >/dev/null
    local polls=0
    until probe_status "$management_port" /actuator/health/readiness; [[ $http_status == 200 ]]; do
        # podman itself is a heavy process to start: asked whether the container still runs once a second only
        if ((++polls % 50 == 0)) && [[ $("${podman[@]}" inspect --format '{{.State.Running}}' "$container") != true ]]; then
            die "the container exited during start-up: $("${podman[@]}" logs "$container" 2>&1 | tail -n 5)"
        fi
        nap 0.02
    done
    ready=$(now_ms)
    started=$(date -d "$("${podman[@]}" inspect --format '{{.State.StartedAt}}' "$container" | sed 's/ [A-Z]*$//')" +%s%3N)
    "${podman[@]}" logs "$container" >"$work/image.log" 2>&1
    grep -q 'Starting AOT-processed' "$work/image.log" || die "the image did not start from its AOT-generated definitions"
    ! grep -q '\[warning\]\[aot' "$work/image.log" || die "the image's JVM did not use its cache: $(grep -m1 '\[warning\]\[aot' "$work/image.log")"
    echo "$((ready - started)) $((ready - start))" >"$work/result"
    "${podman[@]}" stop --time 10 "$container" >/dev/null
    "${podman[@]}" rm "$container" >/dev/null
}

log "jar: $root/registry-api/target/registry ($jar_opts)"
log "image: $image (${podman[*]})"
jar_once
log "first start of the jar (migrations), untimed: ready after $(cat "$work/result") ms"
image_once
log "first start of the image (migrations), untimed: ready $(cut -d' ' -f1 "$work/result") ms after its process started"
jar_times='' image_times='' podman_times=''
for ((r = 1; r <= runs; r++)); do
    for side in $( ((r % 2)) && echo jar image || echo image jar); do
        if [[ $side == jar ]]; then
            jar_once
            read -r ms <"$work/result"
            jar_times+="$ms "
            log "run $r jar: ready after $ms ms"
        else
            image_once
            read -r ms from_run <"$work/result"
            image_times+="$ms " podman_times+="$from_run "
            log "run $r image: ready $ms ms after its process started, $from_run ms after podman run"
        fi
    done
done
image_median=$(median "$image_times")
echo "jar (README's command): median $(median "$jar_times") ms ($jar_times)"
echo "image, from its process start: median $image_median ms ($image_times)"
echo "image, from podman run: median $(median "$podman_times") ms ($podman_times)"
echo "- $(nproc) cores, $("$java" -version 2>&1 | head -n 1), image $image, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n ${BENCH_TARGETS_OUT:-} ]]; then
    printf '| 1 | start-up to readiness, container image, from its process start (bench/image-startup.sh, median of %s) | %s s | < 3 s | %s |\n' \
        "$runs" "$(awk -v m="$image_median" 'BEGIN {printf "%.2f", m / 1000}')" \
        "$(awk -v m="$image_median" 'BEGIN {print (m < 3000) ? "met" : "NOT met"}')" >>"$BENCH_TARGETS_OUT"
fi
