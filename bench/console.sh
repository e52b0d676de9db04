#!/usr/bin/env bash
# Server time of the console's heaviest lists (issue 13, "Measured"): the repositories page of a
# project with 1,000 repositories and the artifacts page of a repository with 10,000 tags, each
# with 8 concurrent signed-in users (wrk, 8 connections sharing one session cookie, keep-alive), after
# a warm-up. Starts the registry (fat jar, README's JVM settings, fresh H2 file database and blob
# folder), fills it over /v2 (a Python client over one keep-alive connection), signs in through the
# console's form (CSRF token and session cookie), then loads the first page of each list.
#
#   ./mvnw -q -DskipTests package
#   bench/console.sh                                    # 1,000 repositories, 10,000 tags, 20 s each
#   BENCH_REPOS=100 BENCH_TAGS=1000 BENCH_DURATION=5s bench/console.sh   # quick check of the script
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
work=$(mktemp -d "${TMPDIR:-/tmp}/registry-console.XXXXXX")
pid=''
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

# shellcheck disable=SC2086
MALLOC_ARENA_MAX=2 "$java" $java_opts -jar "$jar" --server.address=127.0.0.1 --server.port="$port" \
    --registry.storage.filesystem.root="$work/blobs" "${registry_auth_args[@]}" \
    --spring.datasource.url="jdbc:h2:file:$work/db/registry;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0" \
    >"$work/server.log" 2>&1 &
pid=$!
wait_ready registry "$pid" "http://127.0.0.1:$port/actuator/health/readiness"
base="http://127.0.0.1:$port"
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

# sign in as a browser does: the form's CSRF token, then the POST; keep the session cookie
jar_file="$work/cookies"
token=$(curl -sf -c "$jar_file" -b "$jar_file" "$base/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n1)
[[ -n $token ]] || die "no CSRF token on the sign-in page"
curl -sf -o /dev/null -c "$jar_file" -b "$jar_file" --data-urlencode "username=admin" --data-urlencode "password=$admin_password" \
    --data-urlencode "_csrf=$token" "$base/login"
session=$(awk '$6 == "REGISTRY_SESSION" {print $7}' "$jar_file")
[[ -n $session ]] || die "sign-in gave no session cookie"
cookie="Cookie: REGISTRY_SESSION=$session"
for path in /projects/bench /projects/bench/repositories/tags; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "$cookie" "$base$path")
    [[ $code == 200 ]] || die "$path answered $code, not 200 (signed in?)"
done

measure() { # NAME PATH
    wrk -t2 -c"$conns" -d"$warmup" -H "$cookie" "$base$2" >/dev/null
    local out; out=$(wrk -t2 -c"$conns" -d"$duration" --latency -H "$cookie" "$base$2")
    local p50 p99 rps errors
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out"); p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$(to_ms "$p50")" "$(to_ms "$p99")" "$rps" "${errors:-0}" "under 100"
}
log "load: $conns connections, warm-up $warmup, measured $duration per page"
printf '| page | p50, ms | p99, ms | pages/s | non-2xx | target p99, ms |\n|---|---|---|---|---|---|\n'
measure "repositories of a project with $repos repositories (first page of 25)" /projects/bench
measure "artifacts of a repository with $tags tags (first page of 25)" /projects/bench/repositories/tags
