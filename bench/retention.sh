#!/usr/bin/env bash
# Retention dry run over one repository with many tags (issue 5: 10,000 tags, target under 10 s).
# Starts the registry (fat jar, README's JVM settings, fresh H2 file database and blob folder),
# pushes one config and one layer, then N manifests that differ only in an annotation, each under
# its own tag (a Python client over one keep-alive connection), sets a policy that keeps the 100
# most recently pushed, and times the dry run (the POST that decides and records every artifact).
#
#   ./mvnw -q -DskipTests package
#   bench/retention.sh                 # 10,000 tags
#   BENCH_TAGS=1000 bench/retention.sh # quick check of the script
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

tags=${BENCH_TAGS:-10000}
port=${BENCH_PORT:-15280}
registry_launch_defaults
[[ -f $jar ]] || die "no $jar: run ./mvnw -q -DskipTests package first"
work=$(mktemp -d "${TMPDIR:-/tmp}/registry-retention.XXXXXX")
pid=''
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

# shellcheck disable=SC2086
MALLOC_ARENA_MAX=2 "$java" $java_opts -jar "$jar" --server.address=127.0.0.1 --server.port="$port" \
    --registry.storage.filesystem.root="$work/blobs" "${registry_auth_args[@]}" \
    --spring.datasource.url="$(h2_url "$work/db/registry")" \
    >"$work/server.log" 2>&1 &
pid=$!
wait_ready registry "$pid" "http://127.0.0.1:$port/actuator/health/readiness"
base="http://127.0.0.1:$port"
curl -sf -u "admin:$admin_password" -H 'Content-Type: application/json' -d '{"name":"bench"}' "$base/api/v1/projects" >/dev/null

log "pushing $tags tagged manifests into bench/app"
t0=$(date +%s.%N)
python3 - "$port" "$admin_password" "$tags" <<'PY'
import base64, hashlib, http.client, json, sys
port, password, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
auth = {"Authorization": "Basic " + base64.b64encode(f"admin:{password}".encode()).decode()}
c = http.client.HTTPConnection("127.0.0.1", port)
def request(method, path, body=b"", headers=None):
    c.request(method, path, body=body, headers={**auth, **(headers or {})})
    r = c.getresponse(); data = r.read()
    if r.status >= 300:
        raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
    return r
def blob(data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    request("POST", f"/v2/bench/app/blobs/uploads/?digest={digest}", data, {"Content-Type": "application/octet-stream"})
    return digest
config, layer = b'{"architecture":"amd64","os":"linux"}', b"layer of the retention benchmark"
cd, ld = blob(config), blob(layer)
for i in range(count):
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ld, "size": len(layer)}],
        "annotations": {"n": str(i)}}).encode()
    request("PUT", f"/v2/bench/app/manifests/v{i}", manifest, {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
PY
t1=$(date +%s.%N)
push_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
log "pushed in $push_s s"

curl -sf -u "admin:$admin_password" -X PUT -H 'Content-Type: application/json' \
    -d '{"rules":[{"template":"latestPushed","count":100,"selection":{"repositoryPattern":"**","tagPattern":"**","untagged":true}}]}' \
    "$base/api/v1/projects/bench/retention" >/dev/null
runs=()
for i in 1 2 3; do
    t0=$(date +%s.%N)
    out=$(curl -sf -u "admin:$admin_password" -X POST "$base/api/v1/projects/bench/retention/executions?dryRun=true")
    t1=$(date +%s.%N)
    s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
    runs+=("$s")
    log "dry run $i: $s s, counts $(jq -c .counts <<<"$out")"
done
t0=$(date +%s.%N)
out=$(curl -sf -u "admin:$admin_password" -X POST "$base/api/v1/projects/bench/retention/executions?dryRun=false")
t1=$(date +%s.%N)
real_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
log "real run: $real_s s, counts $(jq -c .counts <<<"$out")"
left=$(curl -sf -u "admin:$admin_password" "$base/v2/bench/app/tags/list?n=100000" | jq '.tags | length')
[[ $left == 100 ]] || die "after the real run $left tags are left, not 100"
printf '| tags (artifacts) | push time, s | dry run 1, s | dry run 2, s | dry run 3, s | target (dry run) | real run (deletes all but 100), s |\n'
printf '|---|---|---|---|---|---|---|\n'
printf '| %s | %s | %s | %s | %s | under 10 s | %s |\n' "$tags" "$push_s" "${runs[0]}" "${runs[1]}" "${runs[2]}" "$real_s"
