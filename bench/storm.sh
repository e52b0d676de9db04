#!/usr/bin/env bash
# Node storm (issue 15, target 3): BENCH_CLIENTS (64) concurrent clients each pulling one image the way containerd
# does for a kubelet (manifest 401, token with the client's credentials, manifest, config, 5 layers of 2 MiB), again
# and again for BENCH_DURATION seconds (60), after a warm-up of BENCH_WARMUP (10) seconds; against this registry
# (a robot of the project that may pull, as an imagePullSecret holds) and CNCF Distribution 2.8 with htpasswd (Basic
# on every request, bcrypt checked each time), side by side, alternating which goes first. Two scenarios: all
# clients with one credential, and every client with its own (64 robots; 64 htpasswd users). The load generator is
# bench/NodeStorm.java (127.0.0.1 only). Target: pulls/s at least 2x Distribution's, p99 at most 0.5x.
#
#   ./mvnw -q -DskipTests package
#   bench/storm.sh
#   BENCH_CLIENTS=8 BENCH_DURATION=5 BENCH_WARMUP=2 bench/storm.sh    # quick check of the script
#   BENCH_OURS_ARGS='--spring.threads.virtual.enabled=false' bench/storm.sh   # extra arguments for our registry
#   BENCH_SCENARIOS='one' bench/storm.sh                                       # one of the scenarios (one, each)
#   BENCH_PROFILE=DIR bench/storm.sh      # a JFR recording (profile settings) of our registry per measured run, in DIR
#   BENCH_TARGETS_OUT=FILE                # appends the target rows to FILE (bench/compare.sh's targets table)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

clients=${BENCH_CLIENTS:-64} duration=${BENCH_DURATION:-60} warmup=${BENCH_WARMUP:-10}
ours_port=${BENCH_OURS_PORT:-15180} dist_port=${BENCH_DIST_PORT:-15181}
registry_launch_defaults
[[ -f $jar ]] || die "no $jar: run ./mvnw -q -DskipTests package first"
for tool in skopeo curl jq docker-registry htpasswd; do command -v "$tool" >/dev/null || die "$tool is missing"; done
work=$(mktemp -d "${TMPDIR:-/tmp}/registry-storm.XXXXXX")
ours_pid='' dist_pid=''
trap 'stop_pid "$ours_pid"; stop_pid "$dist_pid"; rm -rf "$work"' EXIT
mkdir -p "$work/ours" "$work/dist"

# shellcheck disable=SC2086
MALLOC_ARENA_MAX=2 "$java" $java_opts -jar "$jar" --server.address=127.0.0.1 --server.port="$ours_port" \
    --registry.storage.filesystem.root="$work/ours/blobs" "${registry_auth_args[@]}" \
    --spring.datasource.url="$(h2_url "$work/ours/db/registry")" --registry.access-log.enabled=false \
    ${BENCH_OURS_ARGS:-} >"$work/ours/server.log" 2>&1 &
ours_pid=$!

storm_password=Storm-Pass-1
: >"$work/dist/htpasswd"
htpasswd -Bbn bench "$admin_password" >>"$work/dist/htpasswd" 2>/dev/null
for ((i = 0; i < clients; i++)); do
    htpasswd -Bbn "storm$i" "$storm_password" >>"$work/dist/htpasswd" 2>/dev/null
done
distribution_config "$work/dist/config.yml" "$dist_port" "  filesystem:
    rootdirectory: $work/dist/data" "auth:
  htpasswd:
    realm: bench
    path: $work/dist/htpasswd"
docker-registry serve "$work/dist/config.yml" >"$work/dist/server.log" 2>&1 &
dist_pid=$!
wait_ready ours "$ours_pid" "http://127.0.0.1:$ours_port/actuator/health/readiness"
wait_signed_in Distribution "$dist_pid" "http://127.0.0.1:$dist_port/v2/" "bench:$admin_password"

make_image "$work/image" 5 2
curl -sf -o /dev/null -u "admin:$admin_password" -H 'Content-Type: application/json' -d '{"name":"storm","public":false}' \
    "http://127.0.0.1:$ours_port/api/v1/projects" || die "cannot create project storm"
skopeo copy -q --dest-tls-verify=false --dest-creds "admin:$admin_password" "oci:$work/image:v1" \
    "docker://127.0.0.1:$ours_port/storm/app:v1"
skopeo copy -q --dest-tls-verify=false --dest-creds "bench:$admin_password" "oci:$work/image:v1" \
    "docker://127.0.0.1:$dist_port/storm/app:v1"

# credentials: one robot (one htpasswd user) for all clients, and one each
for ((i = 0; i < clients; i++)); do
    robot=$(curl -sf -u "admin:$admin_password" -H 'Content-Type: application/json' \
        -d "{\"name\":\"storm$i\",\"permissions\":[\"pull\"],\"expiresInDays\":1}" \
        "http://127.0.0.1:$ours_port/api/v1/projects/storm/robots") || die "cannot create robot storm$i"
    echo "$(jq -r .robot.name <<<"$robot"):$(jq -r .secret <<<"$robot")" >>"$work/ours/robots"
    echo "storm$i:$storm_password" >>"$work/dist/users"
done
head -n1 "$work/ours/robots" >"$work/ours/robot"
head -n1 "$work/dist/users" >"$work/dist/user"

storm() { # PORT CREDENTIALS_FILE SECONDS
    "$java" "$here/NodeStorm.java" "http://127.0.0.1:$1" storm/app v1 "$2" "$clients" "$3"
}
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }

log "node storm: $clients clients, warm-up ${warmup} s, measured ${duration} s per server and scenario"
printf '| scenario | ours pulls/s | Distribution pulls/s | ratio (target >= 2) | ours p50 / p99, ms | Distribution p50 / p99, ms | p99 ratio (target <= 0.5) | failed (ours / Distribution) |\n'
printf '|---|---|---|---|---|---|---|---|\n'
round=0
for scenario in ${BENCH_SCENARIOS:-one each}; do
    if [[ $scenario == one ]]; then ours_creds=$work/ours/robot dist_creds=$work/dist/user; name="$clients clients, one robot"
    else ours_creds=$work/ours/robots dist_creds=$work/dist/users; name="$clients clients, $clients robots"; fi
    declare -A result=()
    order=(ours dist); ((round++ % 2 == 1)) && order=(dist ours)
    for s in "${order[@]}"; do
        if [[ $s == ours ]]; then port=$ours_port creds=$ours_creds; else port=$dist_port creds=$dist_creds; fi
        storm "$port" "$creds" "$warmup" >/dev/null
        if [[ $s == ours && -n ${BENCH_PROFILE:-} ]]; then
            mkdir -p "$BENCH_PROFILE"
            "$(dirname "$java")/jcmd" "$ours_pid" JFR.start name=storm settings=profile \
                filename="$BENCH_PROFILE/storm-$scenario.jfr" >/dev/null
        fi
        result[$s]=$(storm "$port" "$creds" "$duration")
        [[ $s == ours && -n ${BENCH_PROFILE:-} ]] && "$(dirname "$java")/jcmd" "$ours_pid" JFR.stop name=storm >/dev/null
        log "$scenario $s: ${result[$s]}"
    done
    o=${result[ours]} d=${result[dist]}
    printf '| %s | %s | %s | %s | %s / %s | %s / %s | %s | %s / %s |\n' "$name" "$(field pulls_per_s "$o")" "$(field pulls_per_s "$d")" \
        "$(ratio "$(field pulls_per_s "$o")" "$(field pulls_per_s "$d")")" "$(field p50_ms "$o")" "$(field p99_ms "$o")" \
        "$(field p50_ms "$d")" "$(field p99_ms "$d")" "$(ratio "$(field p99_ms "$o")" "$(field p99_ms "$d")")" \
        "$(field failed "$o")" "$(field failed "$d")"
    if [[ -n ${BENCH_TARGETS_OUT:-} ]]; then # bench/compare.sh's targets table (BENCH_OTHERS=1)
        r=$(ratio "$(field pulls_per_s "$o")" "$(field pulls_per_s "$d")")
        printf '| 3 | node storm, %s: pulls/s (bench/storm.sh, %s s) | %s | ≥ 2.00 | %s |\n' "$name" "$duration" "$r" \
            "$(awk -v r="$r" 'BEGIN {print (r >= 2 ? "met" : "NOT met")}')" >>"$BENCH_TARGETS_OUT"
        r=$(ratio "$(field p99_ms "$o")" "$(field p99_ms "$d")")
        printf '| 3 | node storm, %s: p99 of a whole pull | %s | ≤ 0.50 | %s |\n' "$name" "$r" \
            "$(awk -v r="$r" 'BEGIN {print (r <= 0.5 ? "met" : "NOT met")}')" >>"$BENCH_TARGETS_OUT"
    fi
done
