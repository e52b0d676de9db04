#!/usr/bin/env bash
# Server time of the console's heaviest lists (issue 13, "Measured"): the repositories page of a
# project with 1,000 repositories and the artifacts page of a repository with 10,000 tags, each
# with 8 concurrent signed-in users (wrk, 8 keep-alive connections, 8 sessions each signed in through the form), after
# a warm-up. Starts the registry (fat jar, README's JVM settings, fresh H2 file database and blob
# folder), fills it over /v2 (a Python client over one keep-alive connection), signs in through the
# console's form (CSRF token and session cookie), then loads the first page of each list.
#
#   ./mvnw -q -DskipTests package
#   bench/console.sh                                    # 1,000 repositories, 10,000 tags, 20 s each
#   BENCH_REPOS=100 BENCH_TAGS=1000 BENCH_DURATION=5s bench/console.sh   # quick check of the script
#   BENCH_WORK=/tmp/console-work bench/console.sh       # keep the filled database there and reuse it
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

repos=${BENCH_REPOS:-1000}
tags=${BENCH_TAGS:-10000}
duration=${BENCH_DURATION:-20s}
warmup=${BENCH_WARMUP:-10s}
conns=${BENCH_CONNECTIONS:-8}
port=${BENCH_PORT:-15380}
registry_launch_defaults
[[ -f $jar ]] || die "no $jar: run ./mvnw -q -DskipTests package first"
pid=''
if [[ -n ${BENCH_WORK:-} ]]; then # a kept folder: filled once, reused by the next runs
    work=$BENCH_WORK; mkdir -p "$work"
    trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null' EXIT
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/registry-console.XXXXXX")
    trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
fi
filled=false; [[ -f $work/filled ]] && filled=true

# shellcheck disable=SC2086
MALLOC_ARENA_MAX=2 "$java" $java_opts -jar "$jar" --server.address=127.0.0.1 --server.port="$port" \
    --registry.storage.filesystem.root="$work/blobs" "${registry_auth_args[@]}" \
    --server.tomcat.accesslog.enabled=true --server.tomcat.accesslog.directory="$work/access" \
    --server.tomcat.accesslog.rotate=false --server.tomcat.accesslog.buffered=false \
    --server.tomcat.accesslog.pattern='%{begin:msec}t %D %s %U' \
    --spring.datasource.url="$(h2_url "$work/db/registry")" \
    >"$work/server.log" 2>&1 &
pid=$!
wait_ready registry "$pid" "http://127.0.0.1:$port/actuator/health/readiness"
base="http://127.0.0.1:$port"
if $filled; then
    log "reusing the repositories filled before in $work"
else
curl -sf -u "admin:$admin_password" -H 'Content-Type: application/json' -d '{"name":"bench"}' "$base/api/v1/projects" >/dev/null

log "pushing $repos repositories into project bench and $tags tagged manifests into bench/tags"
t0=$(date +%s.%N)
python3 - "$port" "$admin_password" "$repos" "$tags" <<'PY'
import base64, hashlib, http.client, json, sys
port, password, repos, tags = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
auth = {"Authorization": "Basic " + base64.b64encode(f"admin:{password}".encode()).decode()}
c = http.client.HTTPConnection("127.0.0.1", port)
def request(method, path, body=b"", headers=None, ok=(200, 201, 202)):
    c.request(method, path, body=body, headers={**auth, **(headers or {})})
    r = c.getresponse(); data = r.read()
    if r.status not in ok:
        raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
    return r
config, layer = b'{"architecture":"amd64","os":"linux"}', b"layer of the console benchmark"
cd, ld = ("sha256:" + hashlib.sha256(b).hexdigest() for b in (config, layer))
def manifest(n):
    return json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ld, "size": len(layer)}],
        "annotations": {"n": str(n)}}).encode()
put = {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}
request("POST", f"/v2/bench/tags/blobs/uploads/?digest={cd}", config, {"Content-Type": "application/octet-stream"})
request("POST", f"/v2/bench/tags/blobs/uploads/?digest={ld}", layer, {"Content-Type": "application/octet-stream"})
for i in range(tags):
    request("PUT", f"/v2/bench/tags/manifests/v{i}", manifest(i), put)
for i in range(repos):
    repo = f"bench/team/app{i:04d}"
    for d in (cd, ld):
        request("POST", f"/v2/{repo}/blobs/uploads/?mount={d}&from=bench/tags", ok=(201,))
    request("PUT", f"/v2/{repo}/manifests/1.0", manifest(-1 - i), put)
PY
t1=$(date +%s.%N)
log "filled in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", b - a}') s"
echo "$repos repositories, $tags tags" >"$work/filled"
fi

# sign in as a browser does, once per simulated user (each its own session, as 8 people in 8 browsers): the form's
# CSRF token, then the POST; keep the session cookie
sessions="$work/sessions"
: >"$sessions"
for ((i = 0; i < conns; i++)); do
    jar_file="$work/cookies-$i"
    rm -f "$jar_file"
    token=$(curl -sf -c "$jar_file" -b "$jar_file" "$base/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n1)
    [[ -n $token ]] || die "no CSRF token on the sign-in page"
    curl -sf -o /dev/null -c "$jar_file" -b "$jar_file" --data-urlencode "username=admin" --data-urlencode "password=$admin_password" \
        --data-urlencode "_csrf=$token" "$base/login"
    session=$(awk '$6 == "REGISTRY_SESSION" {print $7}' "$jar_file")
    [[ -n $session ]] || die "sign-in gave no session cookie"
    echo "$session" >>"$sessions"
done
for path in /projects/bench /projects/bench/repositories/tags; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: REGISTRY_SESSION=$session" "$base$path")
    [[ $code == 200 ]] || die "$path answered $code, not 200 (signed in?)"
done
# each wrk thread takes its share of the sessions and sends its requests with them in turn
cat >"$work/sessions.lua" <<'LUA'
local threads = 0
function setup(thread)
    thread:set("id", threads)
    threads = threads + 1
end
function init(args)
    mine, turn = {}, 0
    local n, i = tonumber(os.getenv("WRK_THREADS")), 0
    for line in io.lines(os.getenv("WRK_SESSIONS")) do
        if i % n == id then mine[#mine + 1] = line end
        i = i + 1
    end
end
function request()
    turn = turn % #mine + 1
    return wrk.format(nil, nil, {Cookie = "REGISTRY_SESSION=" .. mine[turn]})
end
LUA
export WRK_SESSIONS=$sessions WRK_THREADS=2

# Server time is Tomcat's own (%D in the access log: from reading the request to the end of the answer, in µs), for
# the requests of the measured window; wrk's latency adds what the request waited before that (2 cores shared
# with wrk itself: the kernel's queue, the virtual-thread scheduler's) and is shown beside it.
measure() { # NAME PATH
    wrk -t2 -c"$conns" -d"$warmup" -s "$work/sessions.lua" "$base$2" >/dev/null
    local from to out
    from=$(date +%s%3N)
    out=$(wrk -t2 -c"$conns" -d"$duration" --latency -s "$work/sessions.lua" "$base$2")
    to=$(date +%s%3N)
    local server p50 p99 rps errors
    server=$(cat "$work"/access/*.log | awk -v from="$from" -v to="$to" -v path="$2" '$1 >= from && $1 <= to && $4 == path {print $2}' \
        | sort -n | awk '{a[NR] = $1} END {printf "%.1f %.1f %d", a[int(NR * 0.5)] / 1000, a[int(NR * 0.99)] / 1000, NR}')
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out"); p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    read -r server_p50 server_p99 served <<<"$server"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$server_p50" "$server_p99" "$(to_ms "$p50")" "$(to_ms "$p99")" \
        "$rps" "${errors:-0}" "under 100"
    log "$served requests of $2 in the access log's window"
}
log "load: $conns connections, warm-up $warmup, measured $duration per page"
printf '| page | server p50, ms | server p99, ms | wrk p50, ms | wrk p99, ms | pages/s | non-2xx | target: server p99, ms |\n'
printf '|---|---|---|---|---|---|---|---|\n'
measure "repositories of a project with $repos repositories (first page of 25)" /projects/bench
measure "artifacts of a repository with $tags tags (first page of 25)" /projects/bench/repositories/tags
