#!/usr/bin/env bash
# Online garbage collection over a registry with 100,000 blobs and 50,000 manifests of which 10 %
# became unreferenced (docs/gc-design.md, "Benchmark"): how long a real run takes (target under
# 60 s), a second run right after with nothing new to collect (under 1 s), and pull and push latency
# while the first run goes on beside the same load when nothing runs (pull p99 within 1.5x).
#
# The registry: the fat jar with README's JVM settings, on PostgreSQL (a fresh database, dropped at
# the end), filesystem blobs in a temporary folder, the admin signed in with Basic credentials.
#
# Seeding (BENCH_SEED): 50,000 image manifests in 50 repositories of project "bench", each
# referencing a config and a layer of its own (100,000 blobs), each under its own tag.
#   sql (default): the first BENCH_HTTP_IMAGES images are pushed through the real /v2 API (which
#     also creates the repositories); the rest are written in bulk with exactly the rows those pushes
#     write (blob, repository_blob, gc_blob_review 'linked' at link time + 24 h grace, manifest,
#     manifest_reference, tag, the push audit entry, project_usage), copied from the statements a
#     push runs, plus the blob files under FilesystemLayout's paths (blobs/sha256/ab/abcd...). The
#     script then checks that every bulk-written image has the same rows as the pushed ones (one
#     "shape" for all), that the project's usage equals a recount, and, after the run, pulls them.
#     Why not all over HTTP: pushes in one project serialise on its usage row (project_usage FOR
#     UPDATE), so the API seeds 50-80 images/s on 2 cores: 10-17 minutes for 50,000.
#   http: everything through the API (BENCH_CLIENT_THREADS keep-alive connections).
# Then 10 % of the images (the same share of every repository) are deleted by digest through
# DELETE /v2/<name>/manifests/<digest>, as users do: that unlinks their blobs and queues them for
# review now. Then VACUUM ANALYZE of the tables (what autovacuum would have done by then).
#
# Load: wrk (BENCH_CONNECTIONS connections) alternating manifest GETs by tag and layer GETs of 500
# kept images, each connection waiting BENCH_PULL_DELAY_MS between requests (0: as fast as it can,
# i.e. the server saturated), plus one client pushing small images (config + layer + manifest) one
# after another with BENCH_PUSH_INTERVAL_MS between pushes. Phases: warm-up (JIT), quiet, during the
# first real GC (wrk is stopped with SIGINT the moment the run is no longer RUNNING), the second GC
# run (no load), quiet again after.
#
#   ./mvnw -q -o -DskipTests package       # builds registry-api/target/registry.jar
#   bench/gc.sh                            # full size (about 5 minutes)
#   BENCH_QUICK=1 bench/gc.sh              # 10x fewer images, short phases: checks the script works
#
# Knobs (defaults; quick-mode defaults after "/"):
#   BENCH_MANIFESTS [50000 / 5000]  images (each 1 manifest + 2 blobs)
#   BENCH_REPOS [50]                repositories (bench/r000 ...), images spread round-robin
#   BENCH_UNREFERENCED_PCT [10]     share of the images deleted before the GC
#   BENCH_SEED [sql]                sql or http (see above)
#   BENCH_HTTP_IMAGES [500 / 200]   images pushed over HTTP first in sql mode (at least BENCH_REPOS)
#   BENCH_LAYER_BYTES [2048]        size of each layer blob (configs are ~190 bytes)
#   BENCH_CLIENT_THREADS [8]        connections of the seeding, deleting and verifying clients
#   BENCH_CONNECTIONS [8]           wrk connections (2 threads)
#   BENCH_PULL_DELAY_MS [10]        wrk's pause per connection between requests (0: closed loop, saturating)
#   BENCH_PUSH_INTERVAL_MS [100]    pause between the pusher's pushes
#   BENCH_DURATION [15 / 5]         seconds of each quiet phase
#   BENCH_WARMUP [30 / 5]           seconds of load before the quiet phase (the JIT needs it)
#   BENCH_PORT [15390]
#   BENCH_PG_URL [jdbc:postgresql://127.0.0.1:5432]  BENCH_PG_USER [postgres]  BENCH_DB [gcbench]
#                                   the database is dropped (if it exists) and created; dropped at the end
#   BENCH_PG_LOG_MS [50]            statements of the database slower than this go to PostgreSQL's log
#                                   (ALTER DATABASE ... SET log_min_duration_statement); the lines of
#                                   this run are copied to pg-slow.log when BENCH_PG_LOG is readable
#   BENCH_PG_LOG [/var/log/postgresql/postgresql-<major>-main.log]
#   BENCH_PG_SAMPLE [0.1]           seconds between samples of pg_stat_activity in the measured phases
#                                   (pg-activity-*.tsv: what the registry's connections are doing)
#   BENCH_QUIET_WAIT [0]            seconds to wait at most for a quiet machine first (see lib.sh)
#   BENCH_GC_WARMUP [0]             N > 0: before the 10 % are deleted, N more images are pushed, deleted and
#                                   collected by a GC run of their own (no load), so that the measured run
#                                   is not the first the JVM runs (the JIT has compiled the GC's code)
#   BENCH_PROFILE [0]               1: JFR recording of the registry during the first GC run
#   BENCH_JAR, BENCH_JAVA, BENCH_JAVA_OPTS [README's: readme_java_opts in lib.sh] as in compare.sh
#   BENCH_RESULTS [docs/benchmark-runs/gc-<timestamp> / bench/results/gc-<timestamp> in quick mode]
#   BENCH_KEEP [0]                  1: keep the temporary folder and the database
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

quick=${BENCH_QUICK:-0}
q() { if [[ $quick == 1 ]]; then echo "$2"; else echo "$1"; fi; }
images=${BENCH_MANIFESTS:-$(q 50000 5000)}
repos=${BENCH_REPOS:-50}
pct=${BENCH_UNREFERENCED_PCT:-10}
seed_mode=${BENCH_SEED:-sql}
http_images=${BENCH_HTTP_IMAGES:-$(q 500 200)}
layer_bytes=${BENCH_LAYER_BYTES:-2048}
threads=${BENCH_CLIENT_THREADS:-8}
conns=${BENCH_CONNECTIONS:-8}
pull_delay=${BENCH_PULL_DELAY_MS:-10}
push_interval=${BENCH_PUSH_INTERVAL_MS:-100}
duration=${BENCH_DURATION:-$(q 15 5)}
warmup=${BENCH_WARMUP:-$(q 30 5)}
port=${BENCH_PORT:-15390}
pg_url=${BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432}
pg_user=${BENCH_PG_USER:-postgres}
db=${BENCH_DB:-gcbench}
pg_log_ms=${BENCH_PG_LOG_MS:-50}
pg_sample=${BENCH_PG_SAMPLE:-0.1}
profile=${BENCH_PROFILE:-0}
gc_warmup=${BENCH_GC_WARMUP:-0}
registry_launch_defaults
keep=${BENCH_KEEP:-0}
stamp=$(date -u +%Y%m%d-%H%M%S)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
revision=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git -C "$root" status --porcelain -- registry-api registry-core registry-storage 2>/dev/null) ]] \
    && revision="$revision (with uncommitted changes)"
results=${BENCH_RESULTS:-$root/$(q docs/benchmark-runs bench/results)/gc-$stamp}
project=bench
command_line="$(bench_env)bench/gc.sh"

[[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || die "BENCH_DB must be a plain lower-case name"
[[ $seed_mode == sql || $seed_mode == http ]] || die "BENCH_SEED must be sql or http, not $seed_mode"
((http_images >= repos)) || die "BENCH_HTTP_IMAGES ($http_images) must be at least BENCH_REPOS ($repos): the pushes create the repositories"
((http_images <= images)) || http_images=$images
for tool in wrk curl jq psql python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed (Debian: apt-get install wrk curl jq postgresql-client python3)"
done
[[ -x $java ]] || die "no java at $java (set BENCH_JAVA)"
[[ -f $jar ]] || die "no $jar: build it with ./mvnw -q -DskipTests package"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port on 127.0.0.1 is taken (set BENCH_PORT)"; fi
pg_hostport=${pg_url#jdbc:postgresql://}
pg_host=${pg_hostport%%:*} pg_port=${pg_hostport##*:}
psql_() { psql -X -q -h "$pg_host" -p "$pg_port" -U "$pg_user" -v ON_ERROR_STOP=1 "$@"; }
psql_ -d postgres -c 'SELECT 1' >/dev/null || die "cannot reach PostgreSQL at $pg_host:$pg_port as $pg_user (set BENCH_PG_URL / BENCH_PG_USER)"
pg_version=$(psql_ -d postgres -Atc 'SHOW server_version')
pg_log=${BENCH_PG_LOG:-/var/log/postgresql/postgresql-${pg_version%%.*}-main.log}

work=$(mktemp -d "${TMPDIR:-/tmp}/registry-gc.XXXXXX")
mkdir -p "$results"
pid='' watcher_pid='' wrk_pid='' pusher_pid='' probe_pid='' activity_pid='' db_created=''
cleanup() {
    local rc=$?
    for p in $wrk_pid $pusher_pid $probe_pid $activity_pid; do kill "$p" 2>/dev/null || true; done
    stop_pid "${watcher_pid:-}"
    if [[ -n $pid ]] && kill "$pid" 2>/dev/null; then
        # a graceful stop writes the buffered last-pulled times first (one UPDATE each: the
        # verification pulled every kept image), which takes long; 20 s, then KILL
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    [[ -f $work/server.log ]] && cp "$work/server.log" "$results/server.log"
    if [[ -n $db_created && $keep != 1 ]]; then psql_ -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; fi
    if [[ $keep == 1 ]]; then log "kept $work (and database $db)"; else rm -rf "$work"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- helpers in Python and Lua
cat >"$work/gcbench.py" <<'PY'
"""Clients of bench/gc.sh: seeding (over HTTP or as files + COPY rows), deleting, pushing, verifying."""
import base64, hashlib, http.client, json, math, os, random, sys, threading, time

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"

def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()

def image(i, project, repos, layer_bytes, tag=None, salt=""):
    """Image i: its repository, tag, config, layer and manifest (all bytes deterministic)."""
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Labels": {"bench.image": f"{salt}{i}"}},
                         "rootfs": {"type": "layers", "diff_ids": []}}, separators=(",", ":")).encode()
    layer = random.Random(f"gc-bench layer {salt}{i}").randbytes(layer_bytes)
    cd, ld = sha(config), sha(layer)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": MANIFEST,
                           "config": {"mediaType": CONFIG, "digest": cd, "size": len(config)},
                           "layers": [{"mediaType": LAYER, "digest": ld, "size": len(layer)}]},
                          separators=(",", ":")).encode()
    return f"{project}/r{i % repos:03d}", tag or f"i{i}", config, cd, layer, ld, manifest

class Client:
    def __init__(self, port, password):
        self.port = port
        self.auth = "Basic " + base64.b64encode(f"admin:{password}".encode()).decode()
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def req(self, method, path, body=None, headers=None):
        for attempt in range(3):
            try:
                self.c.request(method, path, body=body, headers={"Authorization": self.auth, **(headers or {})})
                r = self.c.getresponse()
                return r.status, r.read(), r
            except (http.client.HTTPException, ConnectionError, TimeoutError):
                self.c.close()
                if attempt == 2:
                    raise

    def expect(self, want, method, path, body=None, headers=None):
        status, data, _ = self.req(method, path, body, headers)
        if status != want:
            raise RuntimeError(f"{method} {path}: HTTP {status} (wanted {want}) {data[:300]!r}")
        return data

    def push(self, name, tag, config, cd, layer, ld, manifest):
        for data, d in ((config, cd), (layer, ld)):
            self.expect(201, "POST", f"/v2/{name}/blobs/uploads/?digest={d}", data, {"Content-Type": "application/octet-stream"})
        self.expect(201, "PUT", f"/v2/{name}/manifests/{tag}", manifest, {"Content-Type": MANIFEST})

def parallel(items, threads, fn, port, password, label):
    """Runs fn(client, item) for every item on `threads` keep-alive connections; returns seconds."""
    errors, lock, it = [], threading.Lock(), iter(items)
    done = [0]
    def worker():
        client = Client(port, password)
        while not errors:
            with lock:
                item = next(it, None)
            if item is None:
                return
            try:
                fn(client, item)
            except Exception as e:  # noqa: BLE001 - reported and fatal
                errors.append(f"{e}")
                return
            with lock:
                done[0] += 1
    t0 = time.time()
    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    last = t0
    while any(t.is_alive() for t in ts):
        time.sleep(0.5)
        if time.time() - last >= 30:
            last = time.time()
            print(f"  {label}: {done[0]} done, {done[0] / (last - t0):.0f}/s", file=sys.stderr, flush=True)
    if errors:
        sys.exit(f"{label} failed: {errors[0]}")
    return time.time() - t0

def line(i, name, tag, manifest, cd, ld):
    return f"{i}\t{name}\t{tag}\t{sha(manifest)}\t{cd}\t{ld}\n"

def seed_http(port, password, project, repos, start, count, threads, layer_bytes, list_out):
    out, lock = open(list_out, "a"), threading.Lock()
    def one(client, i):
        name, tag, config, cd, layer, ld, manifest = image(i, project, repos, layer_bytes)
        client.push(name, tag, config, cd, layer, ld, manifest)
        with lock:
            out.write(line(i, name, tag, manifest, cd, ld))
    secs = parallel(range(start, start + count), threads, one, port, password, "seeding over HTTP")
    out.close()
    print(f"{count}\t{secs:.1f}\t{count / secs:.1f}")

def seed_files(blob_root, project, repos, start, count, layer_bytes, list_out, staging_out):
    """Blob files where FilesystemLayout puts them, and the rows for COPY (manifest bytes in hex)."""
    t0 = time.time()
    with open(list_out, "a") as out, open(staging_out, "w") as staging:
        for i in range(start, start + count):
            name, tag, config, cd, layer, ld, manifest = image(i, project, repos, layer_bytes)
            for data, d in ((config, cd), (layer, ld)):
                hexd = d.split(":", 1)[1]
                folder = os.path.join(blob_root, "blobs", "sha256", hexd[:2])
                os.makedirs(folder, exist_ok=True)
                path = os.path.join(folder, hexd)
                with open(path + ".seed", "wb") as f:
                    f.write(data)
                os.replace(path + ".seed", path)
            out.write(line(i, name, tag, manifest, cd, ld))
            staging.write(f"{i}\t{name}\t{tag}\t{sha(manifest)}\t{manifest.hex()}\t{len(manifest)}\t{cd}\t{len(config)}\t{ld}\t{len(layer)}\n")
    print(f"{count}\t{time.time() - t0:.1f}")

def read_list(path):
    with open(path) as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip()]

def delete(port, password, list_path, repos, pct, threads, deleted_out):
    """Deletes pct % of every repository's images by digest (those whose index in the repository
    modulo 100 is below pct)."""
    rows = [r for r in read_list(list_path) if (int(r[0]) // repos) % 100 < pct]
    with open(deleted_out, "w") as f:
        f.writelines("\t".join(r) + "\n" for r in rows)
    def one(client, r):
        client.expect(202, "DELETE", f"/v2/{r[1]}/manifests/{r[3]}")
    secs = parallel(rows, threads, one, port, password, "deleting")
    print(f"{len(rows)}\t{secs:.1f}\t{len(rows) / secs:.1f}")

def push(port, password, project, repos, phase, interval_ms, stop_file, max_seconds, layer_bytes, lat_out, pushed_out):
    """Pushes small images one after another until stop_file exists (or max_seconds); one latency
    (ms, the two blob uploads and the manifest PUT) per line."""
    client = Client(port, password)
    salt = f"{phase}-{time.time_ns()}-"
    deadline = time.time() + max_seconds
    n = 0
    with open(lat_out, "w") as lat, open(pushed_out, "a") as pushed:
        while time.time() < deadline and not os.path.exists(stop_file):
            name, tag, config, cd, layer, ld, manifest = image(n, project, repos, layer_bytes, tag=f"p-{phase}-{n}", salt=salt)
            t0 = time.perf_counter()
            client.push(name, tag, config, cd, layer, ld, manifest)
            lat.write(f"{(time.perf_counter() - t0) * 1000:.3f}\n")
            lat.flush()
            pushed.write(line(n, name, tag, manifest, cd, ld))
            n += 1
            time.sleep(interval_ms / 1000)

def probe(port, password, paths_file, period_ms, stop_file, max_seconds, out):
    """One GET every period_ms over one connection until stop_file exists: wall time, latency (ms),
    status, path; a timeline to lay beside the run's batches and the JVM's pauses."""
    client = Client(port, password)
    with open(paths_file) as f:
        paths = [l.strip() for l in f if l.strip()]
    deadline, n = time.time() + max_seconds, 0
    accept = {"Accept": "application/vnd.oci.image.manifest.v1+json"}
    with open(out, "w") as o:
        while time.time() < deadline and not os.path.exists(stop_file):
            path = paths[n % len(paths)]
            t0 = time.perf_counter()
            status, _, _ = client.req("GET", path, headers=accept)
            o.write(f"{time.time():.3f}\t{(time.perf_counter() - t0) * 1000:.2f}\t{status}\t{path}\n")
            n += 1
            time.sleep(period_ms / 1000)

def jvm_pauses(log, start, end):
    """count, total and longest (ms) of the JVM's GC pauses logged between two epoch times"""
    import datetime, re
    n, total, longest = 0, 0.0, 0.0
    with open(log) as f:
        for l in f:
            m = re.match(r"\[([^\]]+)\].*\[gc *\] GC\(\d+\) Pause .* ([0-9.]+)ms$", l.strip())
            if not m:
                continue
            t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
            if float(start) <= t <= float(end):
                ms = float(m.group(2))
                n, total, longest = n + 1, total + ms, max(longest, ms)
    print(f"{n}\t{total:.0f}\t{longest:.0f}")

def gc_run(port, password, dry_run, poll_s, out):
    """Starts a GC run and polls it over one keep-alive connection until it is no longer RUNNING;
    writes the run's JSON, prints the wall seconds from the POST to seeing it end."""
    client = Client(port, password)
    t0 = time.time()
    run = json.loads(client.expect(202, "POST", f"/api/v1/gc/runs?dryRun={dry_run}&deleteUntagged=false"))
    while run["state"] == "RUNNING":
        time.sleep(float(poll_s))
        run = json.loads(client.expect(200, "GET", f"/api/v1/gc/runs/{run['id']}"))
    wall = time.time() - t0
    with open(out, "w") as f:
        json.dump(run, f, indent=1)
    print(f"{wall:.2f}")

def stats(path):
    """count p50 p99 max (ms) of one latency per line"""
    with open(path) as f:
        v = sorted(float(x) for x in f if x.strip())
    if not v:
        print("0\tnan\tnan\tnan")
        return
    pick = lambda p: v[min(len(v) - 1, max(0, math.ceil(p / 100 * len(v)) - 1))]  # nearest rank
    print(f"{len(v)}\t{pick(50):.1f}\t{pick(99):.1f}\t{v[-1]:.1f}")

def verify(port, password, list_path, deleted_path, pushed_path, blob_root, blob_sample, threads, out_json):
    """After GC: every kept image (seeded and pushed during the run) pulls by tag with the right
    digest; a sample of their blobs pull with the right content; every kept blob file is on disk;
    every deleted image's blob files are gone and its manifest and blobs answer 404."""
    deleted = read_list(deleted_path)
    gone = {r[3] for r in deleted}
    kept = [r for r in read_list(list_path) if r[3] not in gone] + read_list(pushed_path)
    path_of = lambda d: os.path.join(blob_root, "blobs", "sha256", d[7:9], d[7:])
    problems = []
    def note(msg):
        if len(problems) < 50:
            problems.append(msg)
    def manifest_ok(client, r):
        status, data, resp = client.req("GET", f"/v2/{r[1]}/manifests/{r[2]}", headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
        if status != 200 or sha(data) != r[3]:
            note(f"manifest {r[1]}:{r[2]}: HTTP {status}, digest {sha(data) if status == 200 else '-'} (want {r[3]})")
    secs = parallel(kept, threads, manifest_ok, port, password, "verifying kept manifests")
    rng = random.Random(7)
    sample = rng.sample(kept, min(blob_sample, len(kept)))
    def blobs_ok(client, r):
        for d in (r[4], r[5]):
            status, data, _ = client.req("GET", f"/v2/{r[1]}/blobs/{d}")
            if status != 200 or sha(data) != d:
                note(f"blob {r[1]}@{d}: HTTP {status}")
    parallel(sample, threads, blobs_ok, port, password, "verifying kept blobs")
    missing_files = sum(1 for r in kept for d in (r[4], r[5]) if not os.path.exists(path_of(d)))
    if missing_files:
        note(f"{missing_files} blob files of kept images are missing on disk")
    left_files = sum(1 for r in deleted for d in (r[4], r[5]) if os.path.exists(path_of(d)))
    if left_files:
        note(f"{left_files} blob files of deleted images are still on disk")
    dsample = rng.sample(deleted, min(200, len(deleted)))
    def gone_ok(client, r):
        status, _, _ = client.req("GET", f"/v2/{r[1]}/manifests/{r[3]}", headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
        if status != 404:
            note(f"deleted manifest {r[1]}@{r[3]}: HTTP {status}")
        for d in (r[4], r[5]):
            status, _, _ = client.req("HEAD", f"/v2/{r[1]}/blobs/{d}")
            if status != 404:
                note(f"deleted blob {r[1]}@{d}: HEAD answers {status}")
    parallel(dsample, threads, gone_ok, port, password, "verifying deleted images")
    result = {"kept_images": len(kept), "kept_manifests_pulled_s": round(secs, 1), "kept_blobs_pulled": 2 * len(sample),
              "kept_blob_files_missing": missing_files, "deleted_images": len(deleted),
              "deleted_blob_files_left": left_files, "deleted_images_checked_404": len(dsample), "problems": problems}
    with open(out_json, "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps({k: v for k, v in result.items() if k != "problems"}))
    for p in problems:
        print("PROBLEM: " + p, file=sys.stderr)

if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    num = lambda s: int(s) if s.lstrip("-").isdigit() else s
    {"seed-http": seed_http, "seed-files": seed_files, "delete": delete, "push": push, "probe": probe, "stats": stats, "jvm-pauses": jvm_pauses, "gc-run": gc_run,
     "verify": verify}[cmd](*[num(a) for a in args])
PY

# wrk: alternates manifest GETs by tag and layer GETs over the paths in GC_BENCH_PATHS, each
# connection starting at a random place; GC_BENCH_DELAY_MS > 0 pauses that long before each request
cat >"$work/pull.lua" <<'LUA'
local paths = {}
for line in io.lines(os.getenv("GC_BENCH_PATHS")) do paths[#paths + 1] = line end
local delay_ms = tonumber(os.getenv("GC_BENCH_DELAY_MS") or "0")
local headers = {["Authorization"] = os.getenv("GC_BENCH_AUTH"),
    ["Accept"] = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json"}
local idx = 0
function init(args) math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16)); idx = math.random(#paths) end
function request()
    idx = idx % #paths + 1
    return wrk.format("GET", paths[idx], headers)
end
if delay_ms > 0 then function delay() return delay_ms end end
LUA
py() { python3 "$work/gcbench.py" "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}'; }
# seconds between two ISO-8601 instants (the run's startedAt and finishedAt)
iso_secs() { python3 -c 'import sys, datetime as d; p = lambda s: d.datetime.fromisoformat(s.replace("Z", "+00:00")); print(f"{(p(sys.argv[2]) - p(sys.argv[1])).total_seconds():.3f}")' "$1" "$2"; }

# ---------------------------------------------------------------- machine, database, registry
begin_run "$results"
samples="$results/samples.tsv"
printf 'metric\tserver\trun\tvalue\n' >"$samples"

psql_ -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
db_created=1
psql_ -d postgres -c "ALTER DATABASE $db SET log_min_duration_statement = $pg_log_ms"
pg_log_start=0
if [[ -r $pg_log ]]; then pg_log_start=$(wc -l <"$pg_log"); fi
blob_root="$work/blobs"
# shellcheck disable=SC2086
MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} "$java" $java_opts "-Xlog:gc,safepoint:file=$results/jvm-gc.log:time,uptime,level,tags" -jar "$jar" --server.address=127.0.0.1 --server.port="$port" \
    --spring.profiles.active=postgres --spring.datasource.url="$pg_url/$db" --spring.datasource.username="$pg_user" \
    --spring.datasource.password= --registry.storage.filesystem.root="$blob_root" "${registry_auth_args[@]}" \
    >"$work/server.log" 2>&1 &
pid=$!
t0=$(now)
wait_ready registry "$pid" "http://127.0.0.1:$port/actuator/health/readiness"
log "registry ready after $(since "$t0") s (pid $pid, port $port, PostgreSQL $pg_version database $db)"
base="http://127.0.0.1:$port"
api() { curl -sf -u "admin:$admin_password" "$@"; }
api -H 'Content-Type: application/json' -d "{\"name\":\"$project\"}" "$base/api/v1/projects" >/dev/null \
    || die "cannot create project $project"
grace=$(api "$base/api/v1/gc" | jq -r .queues.grace)
[[ $grace == PT24H ]] || die "the registry's GC grace is $grace; the bulk seeding writes review rows for 24 h"

# ---------------------------------------------------------------- 1. seed
list="$work/images.tsv" deleted="$work/deleted.tsv" pushed="$work/pushed.tsv"
: >"$list"; : >"$pushed"
t0=$(now)
if [[ $seed_mode == http ]]; then
    log "seeding $images images ($((2 * images)) blobs) over HTTP, $threads connections"
    out=$(py seed-http "$port" "$admin_password" "$project" "$repos" 0 "$images" "$threads" "$layer_bytes" "$list")
    read -r _ http_s http_rate <<<"$out"
    seed_note="all $images images pushed through /v2 ($http_rate images/s)"
else
    log "seeding: $http_images images over HTTP ($threads connections), then $((images - http_images)) in bulk"
    out=$(py seed-http "$port" "$admin_password" "$project" "$repos" 0 "$http_images" "$threads" "$layer_bytes" "$list")
    read -r _ http_s http_rate <<<"$out"
    log "pushed $http_images images in $http_s s ($http_rate images/s over HTTP: $(awk -v n="$images" -v r="$http_rate" 'BEGIN {printf "%.1f", n / r / 60}') min for all $images)"
    bulk=$((images - http_images))
    if ((bulk > 0)); then
        out=$(py seed-files "$blob_root" "$project" "$repos" "$http_images" "$bulk" "$layer_bytes" "$list" "$work/staging.tsv")
        read -r _ files_s <<<"$out"
        log "wrote $((2 * bulk)) blob files in $files_s s"
        t1=$(now)
        # the rows a push writes (BlobService.linkStored, ArtifactService.store, the audit listener),
        # in one transaction: now() is the push time, the grace is the registry's 24 h
        psql_ -d "$db" -1 -v project="$project" <<SQL
CREATE TEMP TABLE seed (i INT, repo TEXT, tag TEXT, mdigest TEXT, mhex TEXT, msize BIGINT, cd TEXT, csize BIGINT, ld TEXT, lsize BIGINT);
\copy seed FROM '$work/staging.tsv'
CREATE TEMP TABLE seed_blob AS
    SELECT s.i, r.id AS repository_id, x.digest, x.size FROM seed s JOIN repository r ON r.name = s.repo
    CROSS JOIN LATERAL (VALUES (s.cd, s.csize), (s.ld, s.lsize)) x(digest, size);
INSERT INTO blob (digest, size, created_at) SELECT digest, size, now() FROM seed_blob ORDER BY i ON CONFLICT DO NOTHING;
INSERT INTO repository_blob (repository_id, digest, created_at) SELECT repository_id, digest, now() FROM seed_blob ORDER BY i
    ON CONFLICT DO NOTHING;
INSERT INTO gc_blob_review (digest, review_after, event) SELECT digest, now() + INTERVAL '24 hours', 'linked' FROM seed_blob
    ORDER BY i ON CONFLICT DO NOTHING;
INSERT INTO manifest (repository_id, digest, media_type, artifact_type, size, content, subject_digest, annotations, pushed_at)
    SELECT r.id, s.mdigest, 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.config.v1+json', s.msize,
           decode(s.mhex, 'hex'), NULL, NULL, now()
    FROM seed s JOIN repository r ON r.name = s.repo ORDER BY s.i;
CREATE TEMP TABLE seed_manifest AS
    SELECT s.*, m.id AS manifest_id, m.repository_id FROM seed s JOIN repository r ON r.name = s.repo
    JOIN manifest m ON m.repository_id = r.id AND m.digest = s.mdigest;
INSERT INTO manifest_reference (manifest_id, kind, digest)
    SELECT manifest_id, 'blob', x.digest FROM seed_manifest CROSS JOIN LATERAL (VALUES (ld), (cd)) x(digest) ORDER BY i;
INSERT INTO tag (repository_id, name, manifest_id, updated_at) SELECT repository_id, tag, manifest_id, now() FROM seed_manifest ORDER BY i;
INSERT INTO audit_event (occurred_at, actor_name, actor_kind, client_address, project, resource, operation, detail, count)
    SELECT now(), 'admin', 'user', '127.0.0.1', :'project', repo || ':' || tag, 'push',
           mdigest || ' application/vnd.oci.image.manifest.v1+json', 1 FROM seed ORDER BY i;
UPDATE project_usage SET used_bytes = used_bytes + (SELECT sum(csize + lsize + msize) FROM seed)
    WHERE project_id = (SELECT id FROM project WHERE name = :'project');
SQL
        log "wrote the rows of $bulk images in $(since "$t1") s"
    fi
    seed_note="$http_images images pushed through /v2 ($http_rate images/s), $((images - http_images)) written in bulk (rows as a push writes them + blob files)"
fi
seed_s=$(since "$t0")
log "seeded $images images in $seed_s s"
record seed_s gc 1 "$seed_s"

# every image has the same rows, pushed or written in bulk: one shape (besides "how"), for all of them
psql_ -d "$db" -c "CREATE TABLE bench_image (i INT, repo TEXT, tag TEXT, mdigest TEXT, cd TEXT, ld TEXT)" \
    -c "\\copy bench_image FROM '$list'"
shape_sql="
WITH audits AS (SELECT resource, count(*) AS n FROM audit_event WHERE operation = 'push' GROUP BY resource)
SELECT CASE WHEN s.i < $http_images OR '$seed_mode' = 'http' THEN 'pushed' ELSE 'bulk' END AS how,
       m.media_type, m.artifact_type, m.subject_digest IS NULL AS no_subject, m.annotations IS NULL AS no_annotations,
       m.size = length(m.content) AS size_ok, 'sha256:' || encode(sha256(m.content), 'hex') = s.mdigest AS digest_ok,
       (SELECT count(*) FROM manifest_reference x WHERE x.manifest_id = m.id AND x.kind = 'blob' AND x.digest IN (s.cd, s.ld)) AS refs,
       (SELECT count(*) FROM manifest_reference x WHERE x.manifest_id = m.id) AS all_refs,
       (SELECT count(*) FROM tag t WHERE t.manifest_id = m.id AND t.repository_id = m.repository_id AND t.name = s.tag) AS tags,
       (SELECT count(*) FROM repository_blob l JOIN blob b ON b.digest = l.digest
         WHERE l.repository_id = m.repository_id AND l.digest IN (s.cd, s.ld) AND l.created_at = b.created_at) AS links,
       (SELECT string_agg(DISTINCT g.event || ' +' || round(extract(epoch FROM g.review_after - b.created_at) / 3600) || 'h', ',')
          FROM gc_blob_review g JOIN blob b ON b.digest = g.digest WHERE g.digest IN (s.cd, s.ld)) AS review,
       (SELECT count(*) FROM gc_blob_review g WHERE g.digest IN (s.cd, s.ld)) AS reviews,
       COALESCE(a.n, 0) AS push_audits, count(*) AS images
FROM bench_image s JOIN repository r ON r.name = s.repo JOIN manifest m ON m.repository_id = r.id AND m.digest = s.mdigest
LEFT JOIN audits a ON a.resource = s.repo || ':' || s.tag
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 ORDER BY 1"
psql_ -d "$db" -c "$shape_sql" | tee "$results/seed-shapes.txt" >&2
shapes=$(psql_ -d "$db" -At -F $'\t' -c "$shape_sql" | cut -f2-14 | sort -u | wc -l)
shaped=$(psql_ -d "$db" -At -F $'\t' -c "$shape_sql" | awk -F'\t' '{n += $15} END {print n + 0}')
[[ $shapes == 1 && $shaped == "$images" ]] || die "seeded images differ in their rows ($shapes shapes for $shaped of $images images; see seed-shapes.txt)"
usage_sql="SELECT u.used_bytes = COALESCE((SELECT SUM(b.size) FROM blob b WHERE b.digest IN (SELECT l.digest FROM repository_blob l
    JOIN repository r ON r.id = l.repository_id WHERE r.project_id = p.id)), 0)
  + COALESCE((SELECT SUM(m.size) FROM manifest m JOIN repository r ON r.id = m.repository_id WHERE r.project_id = p.id), 0)
  FROM project p JOIN project_usage u ON u.project_id = p.id WHERE p.name = '$project'"
[[ $(psql_ -d "$db" -Atc "$usage_sql") == t ]] || die "the project's usage does not match a recount after seeding"
counts_sql="SELECT (SELECT count(*) FROM manifest) || ' manifests, ' || (SELECT count(*) FROM blob) || ' blobs, '
  || (SELECT count(*) FROM repository_blob) || ' links, ' || (SELECT count(*) FROM tag) || ' tags, '
  || (SELECT count(*) FROM gc_blob_review) || ' blob reviews queued'"
seeded_counts=$(psql_ -d "$db" -Atc "$counts_sql")
log "seeded: $seeded_counts; every image has the same rows; project usage matches a recount"

# ---------------------------------------------------------------- optional: a GC before the measured one
: >"$work/warm-deleted.tsv"
if ((gc_warmup > 0)); then
    log "GC warm-up: $gc_warmup more images pushed over HTTP, deleted by digest, collected by one GC run (no load), so the measured run is not the JVM's first"
    : >"$work/warm.tsv"
    out=$(py seed-http "$port" "$admin_password" "$project" "$repos" "$images" "$gc_warmup" "$threads" "$layer_bytes" "$work/warm.tsv")
    out=$(py delete "$port" "$admin_password" "$work/warm.tsv" "$repos" 100 "$threads" "$work/warm-deleted.tsv")
    gc0_wall=$(py gc-run "$port" "$admin_password" false 0.1 "$results/gc-run-warmup.json")
    gc0_deleted=$(jq .counts.deletedBlobs "$results/gc-run-warmup.json")
    log "GC warm-up run: $(jq -c '{state, counts}' "$results/gc-run-warmup.json"); $gc0_wall s wall"
    [[ $gc0_deleted == $((2 * gc_warmup)) ]] || die "the warm-up GC deleted $gc0_deleted blobs, not $((2 * gc_warmup))"
fi

# ---------------------------------------------------------------- 2. make 10 % unreferenced
log "deleting $pct % of every repository's images by digest (DELETE /v2/<name>/manifests/<digest>)"
out=$(py delete "$port" "$admin_password" "$list" "$repos" "$pct" "$threads" "$deleted")
read -r deleted_n delete_s delete_rate <<<"$out"
psql_ -d "$db" -c "CREATE TABLE bench_deleted (i INT, repo TEXT, tag TEXT, mdigest TEXT, cd TEXT, ld TEXT)" \
    -c "\\copy bench_deleted FROM '$deleted'"
log "deleted $deleted_n manifests in $delete_s s ($delete_rate/s)"
record delete_s gc 1 "$delete_s"
expected_blobs=$((2 * deleted_n))
queues=$(api "$base/api/v1/gc" | jq -c .queues)
log "queues now: $queues"
[[ $(jq .blobsDue <<<"$queues") == "$expected_blobs" ]] || die "$expected_blobs blobs should be due for review, the queue says $queues"
t0=$(now)
psql_ -d "$db" -c "VACUUM ANALYZE"
log "VACUUM ANALYZE in $(since "$t0") s"
du_before=$(du -sk "$blob_root/blobs" | cut -f1)

# ---------------------------------------------------------------- load phases
awk -F'\t' '{print $0}' "$list" | grep -v -F -f <(cut -f4 "$deleted") | shuf -n 500 --random-source=<(yes) \
    | awk -F'\t' '{print "/v2/" $2 "/manifests/" $3; print "/v2/" $2 "/blobs/" $6}' >"$work/paths.txt"
export GC_BENCH_PATHS="$work/paths.txt" GC_BENCH_DELAY_MS="$pull_delay"
GC_BENCH_AUTH="Basic $(printf 'admin:%s' "$admin_password" | base64 -w0)"
export GC_BENCH_AUTH
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $GC_BENCH_AUTH" "$base$(head -1 "$work/paths.txt")")
[[ $code == 200 ]] || die "pull of $(head -1 "$work/paths.txt"): HTTP $code"

pg_pids() { psql_ -d postgres -Atc "SELECT string_agg(pid::text, ' ') FROM pg_stat_activity WHERE datname = '$db'"; }
pids_cpu() { local t=0 p; for p in "$@"; do t=$((t + $(cpu_ms "$p" 2>/dev/null || echo 0))); done; echo "$t"; }
machine_busy_ms() { awk -v hz="$clk_tck" '$1 == "cpu" {printf "%d", ($2 + $3 + $4 + $7 + $8 + $9) * 1000 / hz}' /proc/stat; }
# CPU ms of the registry's threads so far, by thread name with numbers folded ("C2 CompilerThre#")
threads_cpu() {
    awk -v hz="$clk_tck" '{line = $0; name = line; sub(/^[^(]*\(/, "", name); sub(/\) [A-Z] .*$/, "", name); gsub(/-[0-9]+/, "-#", name); gsub(/[0-9]+$/, "#", name)
        sub(/^.*\) /, "", line); split(line, f, " "); ms[name] += (f[12] + f[13]) * 1000 / hz}
        END {for (n in ms) printf "%s\t%d\n", n, ms[n]}' /proc/"$pid"/task/*/stat 2>/dev/null || true
}
declare -A mark
cpu_mark() {
    threads_cpu >"$work/threads.snapshot"
    mark[pids]=$(pg_pids)
    mark[java]=$(cpu_ms "$pid")
    # shellcheck disable=SC2086
    mark[pg]=$(pids_cpu ${mark[pids]})
    pg_all_cpu >"$work/pg-all.snapshot"
    other_cpu >"$work/other-cpu.snapshot"
    mark[machine]=$(machine_busy_ms) mark[wall]=$(now)
}
# "PID MS" of every PostgreSQL process (all databases, background workers too)
pg_all_cpu() {
    local p
    for p in $(pgrep -u "$(stat -c %U /proc/"$(pgrep -o -x postgres)")" 2>/dev/null); do
        echo "$p $(cpu_ms "$p" 2>/dev/null || echo 0)"
    done
}
# cores the registry, its PostgreSQL backends and everything else on the machine used since cpu_mark
cpu_report() { # PHASE CLIENTS_MS
    local wall j g o pa machine
    machine=$(($(machine_busy_ms) - mark[machine])) wall=$(since "${mark[wall]}")
    j=$(($(cpu_ms "$pid") - mark[java]))
    # shellcheck disable=SC2086
    g=$(($(pids_cpu ${mark[pids]}) - mark[pg]))
    o=$(other_cpu_since "$work/other-cpu.snapshot")
    pa=$(pg_all_cpu | awk 'NR == FNR {a[$1] = $2; next} {d += $2 - (($1 in a) ? a[$1] : 0)} END {printf "%d", d}' "$work/pg-all.snapshot" -)
    record "cores_pg_all_$1" gc 1 "$(awk -v c="$pa" -v w="$wall" 'BEGIN {printf "%.2f", c / 1000 / w}')"
    record "cores_clients_$1" gc 1 "$(awk -v c="$2" -v w="$wall" 'BEGIN {printf "%.2f", c / 1000 / w}')"
    record "cores_machine_$1" gc 1 "$(awk -v c="$machine" -v w="$wall" 'BEGIN {printf "%.2f", c / 1000 / w}')"
    threads_cpu | awk -F'\t' -v w="$wall" 'NR == FNR {a[$1] = $2; next} {d = $2 - a[$1]; if (d > 0) printf "%.2f\t%s\n", d / 1000 / w, $1}' \
        "$work/threads.snapshot" - | sort -rn >"$results/registry-threads-$1.tsv"
    record "cores_registry_$1" gc 1 "$(awk -v c="$j" -v w="$wall" 'BEGIN {printf "%.2f", c / 1000 / w}')"
    record "cores_pg_$1" gc 1 "$(awk -v c="$g" -v w="$wall" 'BEGIN {printf "%.2f", c / 1000 / w}')"
    record "cores_other_$1" gc 1 "$(awk -v c="$o" -v w="$wall" 'BEGIN {printf "%.2f", c / 1000 / w}')"
    log "$1: $wall s; cores used: registry $(v "cores_registry_$1"), its PostgreSQL backends $(v "cores_pg_$1") (all PostgreSQL processes $(v "cores_pg_all_$1")), load clients $(v "cores_clients_$1"), other processes $(stat_of "cores_other_$1" gc median); whole machine $(stat_of "cores_machine_$1" gc median) of $(nproc); busiest registry threads: $(head -4 "$results/registry-threads-$1.tsv" | awk -F'\t' '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')"
}
start_load() { # PHASE SECONDS(0: until stop_load)
    local d=$2
    ((d > 0)) || d=3600
    rm -f "$work/stop"
    cpu_mark
    record "t_start_$1" gc 1 "$(now)"
    wrk -t2 -c"$conns" -d"${d}s" --latency -s "$work/pull.lua" "$base" >"$results/wrk-$1.txt" 2>&1 &
    wrk_pid=$!
    python3 "$work/gcbench.py" push "$port" "$admin_password" "$project" "$repos" "$1" "$push_interval" "$work/stop" "$d" \
        "$layer_bytes" "$results/push-$1.txt" "$pushed" &
    pusher_pid=$!
    python3 "$work/gcbench.py" probe "$port" "$admin_password" "$work/paths.txt" 20 "$work/stop" "$d" "$results/probe-$1.tsv" &
    probe_pid=$!
}
stop_load() { # PHASE: stops wrk (SIGINT: it prints its report) and the pusher, records both
    local out="$results/wrk-$1.txt" n p50 p99 mx rps clients
    clients=$(pids_cpu "$wrk_pid" "$pusher_pid" "$probe_pid")
    touch "$work/stop"
    record "t_end_$1" gc 1 "$(now)"
    kill -INT "$wrk_pid" 2>/dev/null || true
    wait "$wrk_pid" || die "wrk failed in phase $1: $(tail -3 "$out")"
    wait "$pusher_pid" || die "the pusher failed in phase $1"
    wait "$probe_pid" || die "the probe failed in phase $1"
    wrk_pid='' pusher_pid='' probe_pid=''
    cpu_report "$1" "$clients"
    grep -q 'Non-2xx' "$out" && die "wrk saw non-2xx answers in phase $1: $(grep Non-2xx "$out")"
    grep -q 'Socket errors' "$out" && log "wrk $1: $(grep 'Socket errors' "$out")"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
    mx=$(to_ms "$(awk '$1 == "Latency" {print $4}' "$out")")
    n=$(awk '/ requests in / {print $1}' "$out")
    record "pull_rps_$1" gc 1 "$rps"; record "pull_p50_$1" gc 1 "$p50"; record "pull_p99_$1" gc 1 "$p99"
    record "pull_max_$1" gc 1 "$mx"; record "pull_n_$1" gc 1 "$n"
    local st pn pp50 pp99 pmx jn jt jm
    st=$(py stats "$results/push-$1.txt")
    read -r pn pp50 pp99 pmx <<<"$st"
    record "push_n_$1" gc 1 "$pn"; record "push_p50_$1" gc 1 "$pp50"; record "push_p99_$1" gc 1 "$pp99"; record "push_max_$1" gc 1 "$pmx"
    st=$(py jvm-pauses "$results/jvm-gc.log" "$(v "t_start_$1")" "$(v "t_end_$1")")
    read -r jn jt jm <<<"$st"
    record "jvm_pauses_$1" gc 1 "$jn"; record "jvm_pause_ms_$1" gc 1 "$jt"; record "jvm_pause_max_$1" gc 1 "$jm"
    log "$1: pulls $n ($rps/s) p50 $p50 ms p99 $p99 ms max $mx ms; pushes $pn p50 $pp50 ms p99 $pp99 ms max $pmx ms; JVM GC pauses $jn (${jt} ms in all, longest $jm ms)"
}
v() { stat_of "$1" gc median; }
# what PostgreSQL is doing for the registry, every BENCH_PG_SAMPLE s (poor man's profiler of the run's SQL)
start_activity() { # PHASE
    printf "SELECT to_char(clock_timestamp(), 'HH24:MI:SS.MS'), pid, CASE WHEN state = 'active' THEN COALESCE(wait_event_type || ':' || wait_event, 'cpu') ELSE 'idle in transaction (the registry working)' END,
     regexp_replace(left(query, 300), '\\s+', ' ', 'g') FROM pg_stat_activity WHERE datname = '%s' AND state IN ('active', 'idle in transaction')
     AND pid <> pg_backend_pid()\n\\\\watch %s\n" "$db" "$pg_sample" \
        | psql -X -At -F $'\t' -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres >"$results/pg-activity-$1.tsv" 2>&1 &
    activity_pid=$!
}
stop_activity() { kill "$activity_pid" 2>/dev/null || true; wait "$activity_pid" 2>/dev/null || true; activity_pid=''; }

log "warm-up: ${warmup} s of pull and push load (wrk -t2 -c$conns, ${pull_delay} ms pause per connection; one pusher, ${push_interval} ms pause)"
start_load warmup "$warmup"; sleep "$warmup"; stop_load warmup
log "quiet: ${duration} s of the same load, no GC"
start_activity quiet; start_load quiet "$duration"; sleep "$duration"; stop_load quiet; stop_activity

# ---------------------------------------------------------------- 4. the real GC under load
log "GC run 1 (dryRun=false) under the same load"
if [[ $profile == 1 ]]; then "$(dirname "$java")/jcmd" "$pid" JFR.start name=gc settings=profile filename="$results/registry-gc.jfr" >/dev/null; fi
start_activity gc
start_load gc 0
gc1_wall=$(py gc-run "$port" "$admin_password" false 0.1 "$results/gc-run-1.json")
stop_load gc
stop_activity
if [[ $profile == 1 ]]; then "$(dirname "$java")/jcmd" "$pid" JFR.stop name=gc >/dev/null; fi
run1=$(cat "$results/gc-run-1.json")
gc1_s=$(iso_secs "$(jq -r .startedAt <<<"$run1")" "$(jq -r .finishedAt <<<"$run1")")
log "GC run 1: $(jq -c '{state, counts, summary}' <<<"$run1"); $gc1_s s (startedAt..finishedAt), $gc1_wall s wall"
record gc1_s gc 1 "$gc1_s"; record gc1_wall_s gc 1 "$gc1_wall"

# ---------------------------------------------------------------- 5. the second run, nothing new
log "GC run 2 (dryRun=false) right after, no load"
gc2_wall=$(py gc-run "$port" "$admin_password" false 0.02 "$results/gc-run-2.json")
run2=$(cat "$results/gc-run-2.json")
gc2_s=$(iso_secs "$(jq -r .startedAt <<<"$run2")" "$(jq -r .finishedAt <<<"$run2")")
log "GC run 2: $(jq -c '{state, counts}' <<<"$run2"); $gc2_s s (startedAt..finishedAt), $gc2_wall s wall"
record gc2_s gc 1 "$gc2_s"; record gc2_wall_s gc 1 "$gc2_wall"

log "quiet again: ${duration} s of the same load after the runs"
start_activity after; start_load after "$duration"; sleep "$duration"; stop_load after; stop_activity

# ---------------------------------------------------------------- 6. correctness
log "verifying: every kept image pulls by tag, a sample of their blobs pulls, deleted blobs are gone"
cat "$deleted" "$work/warm-deleted.tsv" >"$work/all-deleted.tsv"
verify_out=$(py verify "$port" "$admin_password" "$list" "$work/all-deleted.tsv" "$pushed" "$blob_root" "$(q 2000 500)" "$threads" "$results/verify.json")
log "verify: $verify_out"
problems=()
while IFS= read -r p; do problems+=("$p"); done < <(jq -r '.problems[]' "$results/verify.json")
c1() { jq -r ".counts.$1" <<<"$run1"; }
[[ $(jq -r .state <<<"$run1") == SUCCEEDED ]] || problems+=("run 1 ended $(jq -r .state <<<"$run1")")
[[ $(jq -r .state <<<"$run2") == SUCCEEDED ]] || problems+=("run 2 ended $(jq -r .state <<<"$run2")")
[[ $(c1 deletedBlobs) == "$expected_blobs" ]] || problems+=("run 1 deleted $(c1 deletedBlobs) blobs, not $expected_blobs")
[[ $(c1 removedLinks) == 0 ]] || problems+=("run 1 removed $(c1 removedLinks) links (none of the kept links is older than the grace)")
[[ $(jq -r .counts.deletedBlobs <<<"$run2") == 0 ]] || problems+=("run 2 deleted $(jq -r .counts.deletedBlobs <<<"$run2") blobs")
pushed_n=$(wc -l <"$pushed")
kept_blobs=$((2 * (images - deleted_n + pushed_n)))
db_blobs=$(psql_ -d "$db" -Atc "SELECT count(*) FROM blob")
disk_blobs=$(find "$blob_root/blobs" -type f | wc -l)
[[ $db_blobs == "$kept_blobs" ]] || problems+=("$db_blobs blob rows after GC, expected $kept_blobs")
[[ $disk_blobs == "$kept_blobs" ]] || problems+=("$disk_blobs blob files on disk after GC, expected $kept_blobs")
gone_rows=$(psql_ -d "$db" -Atc "SELECT (SELECT count(*) FROM blob b JOIN bench_deleted s ON b.digest IN (s.cd, s.ld))
    + (SELECT count(*) FROM manifest m JOIN bench_deleted s ON m.digest = s.mdigest)")
[[ $gone_rows == 0 ]] || problems+=("$gone_rows blob or manifest rows of deleted images are still there")
[[ $(psql_ -d "$db" -Atc "$usage_sql") == t ]] || problems+=("the project's usage does not match a recount after GC")
due=$(api "$base/api/v1/gc" | jq .queues.blobsDue)
[[ $due == 0 ]] || problems+=("$due blob reviews still due after the runs")
du_after=$(du -sk "$blob_root/blobs" | cut -f1)
final_counts=$(psql_ -d "$db" -Atc "$counts_sql")
log "after GC: $final_counts; blob files on disk: $disk_blobs ($(mib "$du_before") -> $(mib "$du_after") MiB)"
if ((${#problems[@]} == 0)); then correctness="no problem found"; else correctness="${#problems[@]} PROBLEM(S)"; fi
for p in "${problems[@]}"; do log "PROBLEM: $p"; done

# ---------------------------------------------------------------- PostgreSQL: what the run spent its time on
if [[ -r $pg_log ]]; then
    tail -n +"$((pg_log_start + 1))" "$pg_log" | grep -F "@$db " >"$results/pg-slow.log" || true
fi
# samples of active statements during run 1, grouped by statement (digests and numbers folded)
awk -F'\t' 'NF >= 4 {q = $4; gsub(/sha256:[0-9a-f]+/, "D", q); gsub(/[0-9]+/, "N", q); n[$3 "\t" q]++; total++}
    END {for (k in n) printf "%d\t%.0f%%\t%s\n", n[k], 100 * n[k] / total, k}' "$results/pg-activity-gc.tsv" \
    | sort -rn | head -15 >"$results/pg-activity-gc-top.tsv" || true

# ---------------------------------------------------------------- 7. table
met() { awk -v a="$1" -v b="$2" "BEGIN {print (a $3 b) ? \"met\" : \"NOT met\"}"; }
p99_ratio=$(ratio "$(v pull_p99_gc)" "$(v pull_p99_quiet)")
push_ratio=$(ratio "$(v push_p99_gc)" "$(v push_p99_quiet)")
gc_rows=(
    "| GC run 1: time to finish (run's startedAt→finishedAt; wall from POST to seeing it end) | $gc1_s s (wall $gc1_wall s) | under 60 s | $(met "$gc1_s" 60 '<') |"
    "| GC run 1: counts | $(jq -r '.counts | "reviewed \(.reviewedBlobs) blobs, deleted \(.deletedBlobs) blobs (\(.freedBytes) bytes), \(.removedLinks) links removed"' <<<"$run1") | deletes $expected_blobs blobs | $( [[ $(c1 deletedBlobs) == "$expected_blobs" ]] && echo met || echo 'NOT met') |"
    "| GC run 2 right after (nothing new to collect) | $gc2_s s (wall $gc2_wall s); reviewed $(jq -r .counts.reviewedBlobs <<<"$run2"), deleted $(jq -r .counts.deletedBlobs <<<"$run2") | under 1 s | $(met "$gc2_s" 1 '<') |"
    "| pull p99: quiet → during GC run 1 → quiet after | $(v pull_p99_quiet) → $(v pull_p99_gc) → $(v pull_p99_after) ms (×$p99_ratio) | during ≤ 1.5 × quiet | $(met "$p99_ratio" 1.5 '<=') |"
    "| pull p50: quiet → during GC → after | $(v pull_p50_quiet) → $(v pull_p50_gc) → $(v pull_p50_after) ms | | |"
    "| pull max: quiet → during GC → after | $(v pull_max_quiet) → $(v pull_max_gc) → $(v pull_max_after) ms | | |"
    "| pull throughput: quiet → during GC → after | $(v pull_rps_quiet) → $(v pull_rps_gc) → $(v pull_rps_after) req/s ($(v pull_n_quiet) / $(v pull_n_gc) / $(v pull_n_after) requests) | | |"
    "| push (2 blobs + manifest) p50: quiet → during GC → after | $(v push_p50_quiet) → $(v push_p50_gc) → $(v push_p50_after) ms | | |"
    "| push p99: quiet → during GC → after | $(v push_p99_quiet) → $(v push_p99_gc) → $(v push_p99_after) ms (×$push_ratio; $(v push_n_quiet) / $(v push_n_gc) / $(v push_n_after) pushes) | | |"
    "| JVM GC pauses (Serial) quiet → during GC → after: count, longest | $(v jvm_pauses_quiet), $(v jvm_pause_max_quiet) ms → $(v jvm_pauses_gc), $(v jvm_pause_max_gc) ms → $(v jvm_pauses_after), $(v jvm_pause_max_after) ms | | |"
    "| cores used quiet: registry / its PostgreSQL backends (all PostgreSQL processes) / load clients / processes outside the benchmark / whole machine | $(v cores_registry_quiet) / $(v cores_pg_quiet) ($(v cores_pg_all_quiet)) / $(v cores_clients_quiet) / $(v cores_other_quiet) / $(v cores_machine_quiet) of $(nproc) | | |"
    "| cores used during GC run 1: the same | $(v cores_registry_gc) / $(v cores_pg_gc) ($(v cores_pg_all_gc)) / $(v cores_clients_gc) / $(v cores_other_gc) / $(v cores_machine_gc) of $(nproc) (the rest: kernel threads, interrupts, this script) | | |"
    "| busiest registry threads during GC run 1 (cores) | $(head -5 "$results/registry-threads-gc.tsv" | awk -F'\t' '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}') | | |"
    "| seeding $images images ($((2 * images)) blobs) | $seed_s s: $seed_note | | |"
    "| deleting $deleted_n manifests by digest (DELETE /v2/…/manifests/<digest>, $threads connections) | $delete_s s ($delete_rate/s) | | |"
    "| correctness after both runs | $correctness | none | $( ((${#problems[@]} == 0)) && echo met || echo 'NOT met') |"
)
load_after=$(load_report)
{
    echo "## Online GC: $images manifests, $((2 * images)) blobs, $pct % unreferenced — started $started"
    echo
    echo "- command: \`$command_line\` at commit $revision"
    echo "- registry: \`$(basename "$jar")\` on $("$java" -version 2>&1 | head -1), JVM options \`${java_opts:-(none)}\`, MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}; PostgreSQL $pg_version (database $db, fresh); filesystem blobs; GC grace $grace"
    echo "- data: $images image manifests in $repos repositories of project \`$project\`, each with its own config (~190 B) and layer ($layer_bytes B) blob, each tagged; seeded: $seeded_counts"
    echo "- then $deleted_n manifests ($pct % of every repository) deleted by digest through the API: $expected_blobs blobs unlinked and due for review; VACUUM ANALYZE"
    if ((gc_warmup > 0)); then
        echo "- before that, a GC warm-up: $gc_warmup more images pushed, deleted and collected by a run of their own ($(jq -r '"\(.counts.deletedBlobs) blobs, \(.startedAt) → \(.finishedAt)"' "$results/gc-run-warmup.json")), so run 1 below is not the JVM's first GC run"
    else
        echo "- run 1 below is the first GC run of this JVM (the JIT compiles the collector's code paths while it runs)"
    fi
    echo "- load in every phase: wrk -t2 -c$conns alternating manifest GETs by tag and ${layer_bytes}-byte layer GETs of 500 kept images (Basic auth), $( ((pull_delay > 0)) && echo "${pull_delay} ms pause per connection between requests (paced, below saturation)" || echo "no pause (closed loop: the server saturated)"); one pusher pushing new 2-blob images one at a time with ${push_interval} ms between pushes; ${warmup} s warm-up first; quiet phases ${duration} s; the GC phase lasts exactly as long as run 1 (wrk stopped by SIGINT when the run ends)"
    echo "- after GC: $final_counts; blob files on disk $disk_blobs ($(mib "$du_before") → $(mib "$du_after") MiB)"
    echo "- machine: $machine; load before: $(echo "$load_before" | head -1 | sed 's/; busiest then:$//'); highest 1-minute load average during the run: $(max_load "$results/load-during-run.txt")"
    echo
    echo "| measurement | result | target | |"
    echo "|---|---|---|---|"
    printf '%s\n' "${gc_rows[@]}"
    if ((${#problems[@]} > 0)); then
        echo
        echo "Problems found:"
        echo
        for p in "${problems[@]}"; do echo "- $p"; done
    fi
    echo
    echo "PostgreSQL during run 1: the statements seen active (sampled every $pg_sample s from pg_stat_activity, active and idle-in-transaction connections; samples, share, wait, statement):"
    echo
    echo '```'
    cut -c1-260 "$results/pg-activity-gc-top.tsv"
    echo '```'
    echo
    echo "Files: gc-run-{1,2}.json (the runs as the API shows them), wrk-{warmup,quiet,gc,after}.txt, push-*.txt (one push latency per line, ms), probe-*.tsv (one manifest GET every 20 ms: time, ms, status, path), pg-activity-{quiet,gc,after}.tsv (pg_stat_activity samples), pg-slow.log (statements of $db over $pg_log_ms ms), jvm-gc.log, registry-threads-*.tsv (cores per registry thread), verify.json, seed-shapes.txt (the rows of pushed vs bulk-written images), samples.tsv, server.log, load-during-run.txt."
} >"$results/result.md"
echo
cat "$results/result.md"
echo
log "results in $results"
((${#problems[@]} == 0)) || exit 1
