#!/usr/bin/env bash
# Start-up (issue 15, target 1): seconds from launching the process to /actuator/health/readiness answering 200
# (the database and the blob store answer, Flyway has migrated), for the registry as README runs it in production
# (registry-api/target/registry/ with the JDK's ahead-of-time cache registry.aot) and, for comparison, the fat jar
# without a cache; each on the embedded defaults (H2 file database, filesystem blobs) and on PostgreSQL; beside CNCF
# Distribution 2.8 with htpasswd (until /v2/ answers 401). Every run but the first of a kind starts on the data the
# first one made (a restarted or added replica); the first start of each registry kind (an empty database: every
# migration runs) is reported apart. README's JVM settings. Target: under 3 s.
#
#   ./mvnw -q -DskipTests package      # on a JDK 25: also builds registry-api/target/registry/ and its cache
#   bench/startup.sh                   # BENCH_RUNS [5] starts per kind
#   BENCH_PG_URL [jdbc:postgresql://127.0.0.1:5432]  BENCH_PG_USER [postgres]  (psql must reach it as that user)
#   BENCH_TARGETS_OUT [none]           a file to append the target rows to (bench/compare.sh's targets table)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

runs=${BENCH_RUNS:-5}
port=${BENCH_OURS_PORT:-15280} dist_port=${BENCH_DIST_PORT:-15281}
pg_url=${BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432} pg_user=${BENCH_PG_USER:-postgres}
pg_hostport=${pg_url#jdbc:postgresql://} pg_host=${pg_hostport%%:*} pg_port=${pg_hostport##*:}
BENCH_AOT=1 registry_launch_defaults
layout_jar=$jar layout_opts=$java_opts
BENCH_AOT=0 registry_launch_defaults
fat_jar=$jar fat_opts=$java_opts
[[ -f $root/registry-api/target/registry/registry.aot ]] \
    || die "no registry-api/target/registry/registry.aot: build with ./mvnw -q -DskipTests package on a JDK 25 or newer"
for tool in psql docker-registry htpasswd; do command -v "$tool" >/dev/null || die "$tool is missing"; done
psql_() { psql -X -q -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 "$@"; }
psql_ -c 'SELECT 1' >/dev/null || die "cannot reach PostgreSQL at $pg_host:$pg_port as $pg_user (set BENCH_PG_URL / BENCH_PG_USER)"
work=$(mktemp -d "${TMPDIR:-/tmp}/registry-startup.XXXXXX")
results=$work
db=registry_startup_$$
pid=''
trap 'stop_pid "$pid"; psql_ -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
psql_ -c "CREATE DATABASE $db"

# launches "$@" in the background, waits until GET PATH on 127.0.0.1:PORT answers STATUS (asking every 20 ms, without
# starting a process each time: probe_status, nap), prints the milliseconds that took, stops it
time_to() { # PORT PATH STATUS LOG COMMAND...
    local port_=$1 path=$2 status=$3 out=$4 start; shift 4
    start=$(now_ms)
    "$@" >"$out" 2>&1 &
    pid=$!
    await_status "$port_" "$path" "$status" "$pid" "$out" "the server"
    echo $(($(now_ms) - start))
    stop_pid "$pid"
    pid=''
}
ours() { # KIND(layout|fat) DB(h2|pg) RUN
    local jar_=$layout_jar opts=$layout_opts
    [[ $1 == fat ]] && jar_=$fat_jar opts=$fat_opts
    local data=$work/$1-$2 db_args
    if [[ $2 == h2 ]]; then db_args=(--spring.datasource.url="$(h2_url "$data/db/registry")")
    else db_args=(--spring.profiles.active=postgres --spring.datasource.url="$pg_url/$db" --spring.datasource.username="$pg_user")
    fi
    # shellcheck disable=SC2086
    time_to "$port" /actuator/health/readiness 200 "$work/$1-$2-$3.log" \
        env MALLOC_ARENA_MAX=2 "$java" $opts -jar "$jar_" --server.address=127.0.0.1 --server.port="$port" \
        --registry.storage.filesystem.root="$data/blobs" "${registry_auth_args[@]}" "${db_args[@]}"
}

htpasswd -Bbn bench "$admin_password" >"$work/htpasswd" 2>/dev/null
cat >"$work/dist.yml" <<CONF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/dist
http:
  addr: 127.0.0.1:$dist_port
auth:
  htpasswd:
    realm: bench
    path: $work/htpasswd
CONF

declare -A first=() times=()
log "start-up: $runs starts per kind, after one first start on an empty database"
# the PostgreSQL database is shared by both kinds, so its empty-database start is the layout's first one
for kind in layout fat; do
    for store in h2 pg; do
        first[$kind-$store]=$(ours "$kind" "$store" 0)
        [[ $kind-$store == fat-pg ]] && first[$kind-$store]='(database made by the first kind)'
    done
done
for ((r = 1; r <= runs; r++)); do
    for kind in layout fat; do
        for store in h2 pg; do times[$kind-$store]+="$(ours "$kind" "$store" "$r") "; done
    done
    times[dist]+="$(time_to "$dist_port" /v2/ 401 "$work/dist-$r.log" docker-registry serve "$work/dist.yml") "
done

range() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%s-%s", lo, hi}'; }
secs() { awk -v ms="$1" 'BEGIN {printf "%.2f", ms / 1000}'; }
dist_ms=$(median "${times[dist]}")
printf '\n| registry | database | ready after, s (median of %s; range, ms) | first start on an empty database, s | ÷ Distribution | target < 3 s |\n' "$runs"
printf '|---|---|---|---|---|---|\n'
for kind in layout fat; do
    for store in h2 pg; do
        m=$(median "${times[$kind-$store]}")
        name=$([[ $kind == layout ]] && echo 'ours, README production command (AOT cache)' || echo 'ours, fat jar, no cache')
        f=${first[$kind-$store]}
        [[ $f =~ ^[0-9]+$ ]] && f=$(secs "$f")
        met=$( ((m < 3000)) && echo met || echo 'NOT met')
        db_name=$([[ $store == h2 ]] && echo 'H2 (embedded)' || echo PostgreSQL)
        printf '| %s | %s | %s (%s) | %s | %s | %s |\n' "$name" "$db_name" \
            "$(secs "$m")" "$(range "${times[$kind-$store]}")" "$f" "$(ratio "$m" "$dist_ms")" "$met"
        # bench/compare.sh's targets table (BENCH_OTHERS=1)
        [[ $kind == layout && -n ${BENCH_TARGETS_OUT:-} ]] && printf '| 1 | start-up to readiness, %s, %s (bench/startup.sh, median of %s) | %s s | < 3 s | %s |\n' \
            "$name" "$db_name" "$runs" "$(secs "$m")" "$met" >>"$BENCH_TARGETS_OUT"
    done
done
printf '| Distribution 2.8, htpasswd | filesystem | %s (%s) | | 1 | |\n' "$(secs "$dist_ms")" "$(range "${times[dist]}")"
echo
echo "- $(nproc) cores, $("$java" -version 2>&1 | head -1), options: \`$layout_opts\` (layout), \`$fat_opts\` (fat jar); PostgreSQL $(psql_ -Atc 'SHOW server_version'); commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
