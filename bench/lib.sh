# Shell functions shared by the benchmark scripts (compare.sh, s3.sh, replicas.sh, memory.sh).
# Source it; it only defines functions (and clk_tck). They read a few globals the calling script
# sets: results (folder for logs), work (scratch folder), samples (samples.tsv), servers (array of
# server names for order), port_of/pid_of (functions: name -> port / pid), runs, warm_runs, and
# here (the bench folder).

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
# This run's BENCH_ settings as the prefix of its command line, for result files; a secret's value is masked
bench_env() { env | grep -E '^BENCH_' | sort | sed -E 's/^(BENCH_S3_SECRET_KEY)=.*/\1=…/' | tr '\n' ' '; }
die() { log "error: $*"; exit 1; }

# The registry under test as README's "Running in production" runs it: the start-up layout
# registry-api/target/registry/ with its ahead-of-time cache when the build made one (a JDK 25 build),
# else the fat jar; the JDK; README's recommended JVM settings (one copy for every script; BENCH_JAR,
# BENCH_JAVA, BENCH_JAVA_OPTS override; BENCH_AOT=0 runs the fat jar without the cache). Needs root.
readme_java_opts='-Xms64m -Xmx192m -XX:+UseSerialGC -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=10 -XX:TrimNativeHeapInterval=2000 -XX:MaxInlineLevel=6 -XX:InlineSmallCode=500 -XX:FreqInlineSize=150'
registry_launch_defaults() {
    local layout=$root/registry-api/target/registry
    java=${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
    aot_opts=''
    if [[ -z ${BENCH_JAR:-} && ${BENCH_AOT:-1} == 1 && -f $layout/registry.aot ]]; then
        jar=$layout/registry.jar aot_opts="-XX:AOTCache=$layout/registry.aot"
    else
        jar=${BENCH_JAR:-$root/registry-api/target/registry.jar}
    fi
    java_opts="${aot_opts:+$aot_opts }${BENCH_JAVA_OPTS-$readme_java_opts}"
}

# The A/B scripts (startup-ab.sh, memory-ab.sh): the two sides' start-up layouts, BENCH_A_LAYOUT / BENCH_B_LAYOUT
# (default: both the build's registry-api/target/registry), each with its cache.
ab_layouts() {
    local layout
    a_layout=${BENCH_A_LAYOUT:-$root/registry-api/target/registry} b_layout=${BENCH_B_LAYOUT:-$root/registry-api/target/registry}
    for layout in "$a_layout" "$b_layout"; do
        [[ -f $layout/registry.aot ]] || die "no $layout/registry.aot: build with ./mvnw -q -DskipTests package on a JDK 25"
    done
}
# Starts the layout at LAYOUT with JVM options OPTS and extra environment ENV (NAME=VALUE ..., may be empty) in the
# background, as README's production command does, on 127.0.0.1:$port with its data in $work/data and its output in
# LOG; sets $pid. Reads the globals port, work and java.
launch_layout() { # LAYOUT OPTS ENV LOG
    # shellcheck disable=SC2086
    env MALLOC_ARENA_MAX=2 $3 "$java" -XX:AOTCache="$1/registry.aot" $2 -jar "$1/registry.jar" \
        --server.address=127.0.0.1 --server.port="$port" --spring.datasource.url="$(h2_url "$work/data/db/registry")" \
        --registry.storage.filesystem.root="$work/data/blobs" "${registry_auth_args[@]}" >"$4" 2>&1 &
    pid=$!
}

# The default H2 URL of application.properties with its file at PATH (keep the options equal to it).
h2_url() { # PATH
    printf 'jdbc:h2:file:%s;%s' "$1" "MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;QUERY_CACHE_SIZE=128;DB_CLOSE_ON_EXIT=FALSE"
}

load_report() { # CPU use over 3 s (top's second sample) and the five busiest processes then
    top -b -n 2 -d 3 -o %CPU -w 200 | awk -v cores="$(nproc)" '
        /^top -/ { n++ }
        n == 2 && /^top -/ { sub(/.*load average: /, ""); load = $0 }
        n == 2 && /^%Cpu/ { for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^id/) idle = $i }
        n == 2 && /^ *PID/ { head = 1; next }
        n == 2 && head && shown < 5 { procs = procs sprintf("\n    %5.1f%% %s (pid %s)", $9, $12, $1); shown++ }
        END { printf "loadavg %s; CPU %.0f%% busy of %d cores over 3 s; busiest then:%s\n", load, 100 - idle, cores, procs }'
}

# On a shared machine: waits (at most BENCH_QUIET_WAIT seconds, default 0) until the CPU is less
# than 25% busy over 3 s, so a run does not start in the middle of someone else's build.
wait_for_quiet() {
    local limit=${BENCH_QUIET_WAIT:-0} start=$SECONDS busy
    ((limit > 0)) || return 0
    while :; do
        busy=$(top -b -n 2 -d 3 | awk '/^%Cpu/ {n++; for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^id/) idle = $i} END {printf "%d", 100 - idle}')
        ((busy < 25)) && return 0
        ((SECONDS - start < limit)) || { log "machine still ${busy}% busy after ${limit} s; starting anyway"; return 0; }
        log "machine ${busy}% busy; waiting for it to calm down"
        sleep 20
    done
}

# Every 20 s until killed: load average and the five busiest processes (servers, clients and
# anything else on the machine), for the record. Sets watcher_pid.
start_load_watcher() { # OUT
    (
        while :; do
            top -b -n 2 -d 1 -o %CPU -w 200 | awk '/^top -/ {n++} n == 2' | sed -n '1p;8,12p'
            sleep 19
        done
    ) >"$1" 2>&1 &
    watcher_pid=$!
}
# The highest 1-minute load average in a load watcher's file.
begin_run() { # RESULTS_DIR: waits for a quiet machine, sets $machine and $load_before, logs them, watches the load
  machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), \
$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
  wait_for_quiet
  load_before=$(load_report)
  log "machine: $machine"
  log "$load_before"
  start_load_watcher "$1/load-during-run.txt"
}
max_load() { awk '/^top -/ {sub(/.*load average: /, ""); sub(/,.*/, ""); if ($1 > m) m = $1} END {print m + 0}' "$1"; }

# ---------------------------------------------------------------- test images
make_image() { # DIR LAYERS MIB (or KiB, written as 100k)
    if [[ ! -f $1/index.json ]]; then
        log "writing test image $1 ($2 layer(s) of $3$([[ $3 == *k ]] && echo iB || echo ' MiB'))"
        rm -rf "$1.tmp"
        "$here/make-image.sh" "$1.tmp" v1 "$2" "$3" >/dev/null
        mv "$1.tmp" "$1"
    fi
}
manifest_of() { jq -r '.manifests[0].digest' "$1/index.json"; }
layers_of() { jq -r '.layers[].digest' "$1/blobs/sha256/$(manifest_of "$1" | cut -d: -f2)"; }

# ---------------------------------------------------------------- processes
wait_ready() { # NAME PID URL
    local deadline=$((SECONDS + ${BENCH_READY_TIMEOUT:-180}))
    until [[ $(curl -s -o /dev/null -w '%{http_code}' "$3" || true) == 200 ]]; do
        kill -0 "$2" 2>/dev/null || die "$1 exited during start-up; see its log in $results"
        ((SECONDS < deadline)) || die "$1 not ready after ${BENCH_READY_TIMEOUT:-180} s (set BENCH_READY_TIMEOUT on a busy machine)"
        sleep 0.2
    done
}

wait_signed_in() { # NAME PID URL USER:PASSWORD: until URL answers 200 to these Basic credentials (at most 60 s)
    local deadline=$((SECONDS + 60))
    until [[ $(curl -s -o /dev/null -w '%{http_code}' -u "$4" "$3" || true) == 200 ]]; do
        kill -0 "$2" 2>/dev/null || die "$1 exited during start-up"
        ((SECONDS < deadline)) || die "$1 not ready after 60 s"
        sleep 0.2
    done
}

# Polling without starting processes, for timing a start-up: on 2 cores, a curl and a sleep every 20 ms (100 processes
# a second) take CPU from the JVM being timed. probe_status sets $http_status to the status of GET PATH on
# 127.0.0.1:PORT (empty while nothing answers), over bash's /dev/tcp; nap sleeps as read's timeout on a FIFO that
# nobody writes to.
probe_status() { # PORT PATH
    local fd
    http_status=''
    { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 0
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&"$fd" 2>/dev/null \
        && read -r -t 5 -u "$fd" _ http_status _ || http_status=''
    exec {fd}>&-
}
nap() { # SECONDS
    if [[ -z ${nap_fd:-} ]]; then
        local fifo
        fifo=$(mktemp -u "${TMPDIR:-/tmp}/bench-nap.XXXXXX")
        mkfifo "$fifo"
        exec {nap_fd}<>"$fifo"
        rm -f "$fifo"
    fi
    read -r -t "$1" -u "$nap_fd" _ || true
}

# Waits until GET PATH on 127.0.0.1:PORT answers STATUS, asking every 20 ms (probe_status, nap); dies with the last
# lines of LOG if the process PID exits meanwhile (NAME says which in that message), or after BENCH_READY_TIMEOUT
# seconds (180) as wait_ready does.
await_status() { # PORT PATH STATUS PID LOG NAME
    local deadline=$((SECONDS + ${BENCH_READY_TIMEOUT:-180}))
    until probe_status "$1" "$2"; [[ $http_status == "$3" ]]; do
        kill -0 "$4" 2>/dev/null || die "$6 exited during start-up: $(tail -n 5 "$5")"
        ((SECONDS < deadline)) || die "$6 not answering $3 on $2 after ${BENCH_READY_TIMEOUT:-180} s: $(tail -n 5 "$5")"
        nap 0.02
    done
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# the median of a space-separated list of numbers
median() { # "N N N ..."
    tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}

kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
clk_tck=$(getconf CLK_TCK)
# user + system CPU time of a process so far, in ms (fields 14 and 15 of /proc/PID/stat)
cpu_ms() { awk -v hz="$clk_tck" '{sub(/^.*\) /, ""); printf "%d", ($12 + $13) * 1000 / hz}' "/proc/$1/stat"; }
# a JVM's CPU so far by thread, in ms: "TOTAL MAIN COMPILERS VM_THREAD" (main: the busiest thread the JVM left named
# "java", which is the one that ran main; compilers: C1 and C2 threads; VM thread: safepoint operations and, with the
# serial collector, the collections)
jvm_thread_cpu_ms() {
    awk -v hz="$clk_tck" 'FNR == 1 {
            name = $0; sub(/^[^(]*\(/, "", name); sub(/\) .*$/, "", name); rest = $0; sub(/^.*\) /, "", rest)
            split(rest, f, " "); ms = (f[12] + f[13]) * 1000 / hz; total += ms
            if (name == "java" && ms > main) main = ms
            else if (name ~ /^C[12] /) compilers += ms
            else if (name == "VM Thread") vm = ms
        }
        END {printf "%d %d %d %d", total, main, compilers, vm}' /proc/"$1"/task/*/stat
}

# CPU so far (ms) of every process that is not part of this benchmark: "PID MS" lines for all
# processes outside the calling script's process group, except kernel threads and PostgreSQL's
# processes (which scripts account for themselves). Another session's build on the same machine
# shows up here; other_cpu_since turns two snapshots into the ms used in between.
other_cpu() {
    local group pg
    group=$(ps -o pgid= -p $$ | tr -d ' ')
    pg=" $(pgrep -u postgres 2>/dev/null | tr '\n' ' ') "
    awk -v me="$group" -v pg="$pg" -v hz="$clk_tck" 'FNR == 1 {
        pid = FILENAME; sub(/^\/proc\//, "", pid); sub(/\/stat$/, "", pid)
        line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
        if (f[3] != me && f[2] != 2 && pid != 2 && index(pg, " " pid " ") == 0)
            printf "%s %d\n", pid, (f[12] + f[13]) * 1000 / hz
    }' /proc/[0-9]*/stat 2>/dev/null || true
}
other_cpu_since() { # SNAPSHOT_FILE: ms of CPU the processes outside this benchmark used since it was taken
    other_cpu | awk 'NR == FNR {a[$1] = $2; next} {d += $2 - (($1 in a) ? a[$1] : 0)} END {printf "%d", d}' "$1" -
}

# ---------------------------------------------------------------- samples
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$samples"; }
# median (min-max) of a metric's samples for a server
stat_of() { # METRIC SERVER FIELD(median|min|max)
    awk -F'\t' -v m="$1" -v s="$2" -v f="$3" '$1 == m && $2 == s {print $4}' "$samples" | sort -g | awk -v f="$3" '
        {v[NR] = $1} END {
            if (NR == 0) { print "nan"; exit }
            if (f == "min") print v[1]; else if (f == "max") print v[NR];
            else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ---------------------------------------------------------------- skopeo copies
# skopeo with its own blob-info cache: a shared cache lets skopeo mount blobs from a repository
# it pushed before instead of uploading them. _CONTAINERS_ROOTLESS_UID must be non-zero: with 0
# (or unset, as root) containers/image ignores XDG_DATA_HOME and uses /var/lib/containers/cache.
skopeo_fresh() { # RUN_DIR ARGS...
    local dir=$1; shift
    mkdir -p "$dir/xdg"
    echo '{}' >"$dir/auth.json"
    XDG_DATA_HOME="$dir/xdg" _CONTAINERS_ROOTLESS_UID=1000 REGISTRY_AUTH_FILE="$dir/auth.json" \
        skopeo "$@"
}
timed() { # prints seconds the command took; fails if it fails
    local a b
    a=$(date +%s.%N)
    "$@" >/dev/null || return 1
    b=$(date +%s.%N)
    awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", b - a}'
}
# Which server goes first changes every round, so a load change on the machine hits all alike:
# round R starts at servers[R mod n] (with servers=(ours dist): odd rounds dist first).
order() { # ROUND
    local n=${#servers[@]} k i
    k=$(((($1 % n) + n) % n))
    for ((i = 0; i < n; i++)); do printf '%s ' "${servers[(k + i) % n]}"; done
    echo
}

# Times one kind of skopeo copy on every server, taking turns: warm-up runs (the first one is
# recorded as first_METRIC), then timed runs. ARGS_FN S I DIR prints the copy's arguments for
# server S, run I and the run's scratch folder DIR (its blob-info cache and, for pulls, the target).
# With side_pid set (and side_name), that process's CPU per copy is recorded too (side_cpu_METRIC);
# with track_others=1, the CPU of processes outside the benchmark during each copy (other_cpu_METRIC).
copy_runs() { # METRIC ARGS_FN
    local i s t c sc oc dir
    for ((i = 1 - warm_runs; i <= runs; i++)); do
        for s in $(order $i); do
            dir="$work/skopeo/$s-$1-$i"
            if [[ ${track_others:-0} == 1 ]]; then other_cpu >"$work/other-cpu.snapshot"; fi
            c=$(cpu_ms "$(pid_of $s)")
            if [[ -n ${side_pid:-} ]]; then sc=$(cpu_ms "$side_pid"); fi
            t=$(timed skopeo_fresh "$dir" copy -q $("$2" "$s" "$i" "$dir"))
            c=$(($(cpu_ms "$(pid_of $s)") - c))
            if [[ -n ${side_pid:-} ]]; then sc=$(($(cpu_ms "$side_pid") - sc)); fi
            if [[ ${track_others:-0} == 1 ]]; then oc=$(other_cpu_since "$work/other-cpu.snapshot"); fi
            rm -rf "$dir"
            if ((i <= 0)); then
                log "$1 $s warm-up: ${t} s (server CPU $c ms)"
                ((i == 1 - warm_runs)) && record "first_$1" "$s" "$i" "$t"
            else
                log "$1 $s run $i: ${t} s (server CPU $c ms${side_pid:+, $side_name CPU $sc ms}${oc:+, other processes $oc ms})"
                record "$1" "$s" "$i" "$t"; record "cpu_$1" "$s" "$i" "$c"
                if [[ -n ${side_pid:-} ]]; then record "side_cpu_$1" "$s" "$i" "$sc"; fi
                if [[ ${track_others:-0} == 1 ]]; then record "other_cpu_$1" "$s" "$i" "$oc"; fi
            fi
        done
    done
}
# Our registry signs its admin in with this password (registry_auth_args on every start); the
# benchmark repositories have one-component names, which in our registry belong to the public
# "library" project: pulls are anonymous on every server, pushes to ours sign in as admin (skopeo
# then fetches a Bearer token), pushes to Distribution ("dist") need nothing, and pushes to
# Distribution with htpasswd ("distauth") sign in with Basic credentials.
admin_password=Bench-Admin-1
registry_auth_args=(--registry.admin.password="$admin_password" --registry.auth.token.lifetime=1h)
push_creds() {
    case $1 in
        dist | dists3) ;;
        distauth) echo "--dest-creds bench:$admin_password" ;;
        *) echo "--dest-creds admin:$admin_password" ;;
    esac
}
push_args() { echo "--dest-tls-verify=false $(push_creds "$1") oci:$copy_image:v1 docker://127.0.0.1:$(port_of $1)/bench-$copy_repo-$2:v1"; }
# pulls with credentials: "oursauth" with compare.sh's pull robot ($pull_credentials), "distauth" with htpasswd
pull_creds() {
    case $1 in
        oursauth) echo "--src-creds $pull_credentials" ;;
        distauth) echo "--src-creds bench:$admin_password" ;;
    esac
}
pull_args() { echo "--src-tls-verify=false $(pull_creds "$1") docker://127.0.0.1:$(port_of $1)/bench-$copy_repo:v1 oci:$3/image:v1"; }
push() { # METRIC IMAGE_DIR REPO: every run pushes into a new repository, so every blob is uploaded
    copy_image=$2 copy_repo=$3
    copy_runs "$1" push_args
}
pull() { # METRIC REPO
    copy_repo=$2
    copy_runs "$1" pull_args
}

# ---------------------------------------------------------------- load phases
# RSS sampler: highest VmRSS of PID every 0.2 s until killed, written on exit
start_sampler() { # PID OUT
    (
        max=0
        trap 'echo $max >"$2"; exit 0' TERM
        while :; do
            v=$(awk '$1 == "VmRSS:" {print $2}' "/proc/$1/status" 2>/dev/null || echo 0)
            ((v > max)) && max=$v
            echo "$max" >"$2"
            sleep 0.2
        done
    ) &
    sampler_pid=$!
}
stop_sampler() {
    kill "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true
    sampler_pid=''
}
to_ms() { # 1.23ms / 456.00us / 1.20s -> ms
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) printf "%.3f", v / 1000; else if (v ~ /ms$/) printf "%.3f", v + 0;
        else if (v ~ /m$/) printf "%.3f", v * 60000; else printf "%.3f", v * 1000 }'
}

# ---------------------------------------------------------------- formatting
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
fmt() { awk -v v="$1" 'BEGIN {if (v == int(v) || v >= 1000) printf "%.0f", v; else if (v >= 100) printf "%.1f", v; else printf "%.3g", v}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == 0) print "nan"; else printf "%.2f", a / b}'; }

# ---------------------------------------------------------------- CNCF Distribution (docker-registry)
# Writes a configuration for Distribution to FILE: errors only in its log, no access log, deletes on, listening on
# 127.0.0.1:PORT, with STORAGE (the YAML lines under storage:, indented by two) and EXTRA (top-level YAML, or nothing).
distribution_config() { # FILE PORT STORAGE [EXTRA]
    cat >"$1" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
$3
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$2
${4:-}
EOF
}

# ---------------------------------------------------------------- S3 server (S3Proxy child process)
# S3Proxy's jar-with-dependencies (Maven Central) in the local Maven repository; fetched with the
# project's Maven wrapper when missing. Needs root (the checkout) and java (a java binary).
s3proxy_jar() {
    local version=${BENCH_S3PROXY_VERSION:-4.1.0} repo=${BENCH_M2_REPO:-$HOME/.m2/repository} jar
    jar="$repo/org/gaul/s3proxy/$version/s3proxy-$version-jar-with-dependencies.jar"
    if [[ ! -f $jar ]]; then
        log "fetching S3Proxy $version (jar-with-dependencies) into $repo"
        JAVA_HOME=$(dirname "$(dirname "$java")") "$root/mvnw" -q -Dmaven.repo.local="$repo" dependency:get \
            -Dartifact="org.gaul:s3proxy:$version:jar:jar-with-dependencies" -Dtransitive=false >&2 \
            || die "cannot fetch S3Proxy $version"
    fi
    echo "$jar"
}

s3_access=bench s3_secret=bench-secret-key s3_region=us-east-1 s3_endpoint=''
# s3_tls=1 (bench/s3.sh sets it from BENCH_S3_TLS; a script must pass s3_java_opts to its registries to use it):
# S3Proxy answers https only (a self-signed certificate for 127.0.0.1), as AWS S3 does; the registries trust it through
# s3_java_opts (a trust store holding that certificate). Over plain http the SDK signs every payload (it cannot count on
# the channel to protect it) and S3Proxy checks each signature; over https neither happens.
s3_tls=0 s3_scheme=http s3_java_opts='' s3_curl_opts=()
# Starts S3Proxy on 127.0.0.1:PORT over the filesystem (DIR/data; a bucket is a folder there),
# with signature checking on, and creates BUCKET. Sets s3_pid and s3_port (and, with s3_tls=1, s3_scheme,
# s3_java_opts for the registries and s3_curl_opts for curl).
start_s3proxy() { # DIR PORT BUCKET
    local dir=$1 deadline endpoint keytool pass=bench-keystore
    mkdir -p "$dir/data/$3"
    endpoint="s3proxy.endpoint=http://127.0.0.1:$2"
    if [[ $s3_tls == 1 ]]; then
        keytool=$(dirname "$java")/keytool
        rm -f "$dir/keystore.p12" "$dir/truststore.p12"
        "$keytool" -genkeypair -alias s3proxy -keyalg EC -groupname secp256r1 -dname CN=127.0.0.1 \
            -ext san=ip:127.0.0.1 -validity 7 -keystore "$dir/keystore.p12" -storetype PKCS12 -storepass "$pass" \
            >/dev/null 2>&1 || die "keytool could not make S3Proxy's certificate"
        "$keytool" -exportcert -rfc -alias s3proxy -keystore "$dir/keystore.p12" -storepass "$pass" \
            -file "$dir/s3proxy.pem" >/dev/null 2>&1 || die "keytool could not export S3Proxy's certificate"
        "$keytool" -importcert -noprompt -alias s3proxy -file "$dir/s3proxy.pem" -keystore "$dir/truststore.p12" \
            -storetype PKCS12 -storepass "$pass" >/dev/null 2>&1 || die "keytool could not make the trust store"
        endpoint="s3proxy.secure-endpoint=https://127.0.0.1:$2
s3proxy.keystore-path=$dir/keystore.p12
s3proxy.keystore-password=$pass"
        s3_scheme=https s3_curl_opts=(--cacert "$dir/s3proxy.pem")
        s3_java_opts="-Djavax.net.ssl.trustStore=$dir/truststore.p12 -Djavax.net.ssl.trustStorePassword=$pass"
    fi
    cat >"$dir/s3proxy.conf" <<CONF
$endpoint
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$s3_access
s3proxy.credential=$s3_secret
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$dir/data
CONF
    # shellcheck disable=SC2086
    "$java" ${BENCH_S3PROXY_JAVA_OPTS--Xms64m -Xmx512m} -jar "$(s3proxy_jar)" --properties "$dir/s3proxy.conf" \
        >"$dir/s3proxy.log" 2>&1 &
    s3_pid=$! s3_port=$2 s3_endpoint="$s3_scheme://127.0.0.1:$2"
    deadline=$((SECONDS + 60))
    until [[ $(curl -s "${s3_curl_opts[@]}" -o /dev/null -w '%{http_code}' "$s3_endpoint/" || true) != 000 ]]; do
        kill -0 "$s3_pid" 2>/dev/null || die "S3Proxy exited during start-up: $(tail -5 "$dir/s3proxy.log")"
        ((SECONDS < deadline)) || die "S3Proxy not answering on port $2 after 60 s"
        sleep 0.2
    done
}

# Uses an S3 server that the calling script does not start (bench/s3.sh's BENCH_S3_ENDPOINT): sets s3_endpoint,
# s3_scheme, s3_region and the credentials from BENCH_S3_* instead of start_s3proxy. s3_pid stays empty (no CPU of
# the S3 server is measured).
use_external_s3() { # ENDPOINT
    s3_endpoint=${1%/} s3_scheme=${1%%://*} s3_pid=''
    [[ $s3_scheme == http || $s3_scheme == https ]] || die "BENCH_S3_ENDPOINT must start with http:// or https://: $1"
    s3_access=${BENCH_S3_ACCESS_KEY:-${AWS_ACCESS_KEY_ID:-}} s3_secret=${BENCH_S3_SECRET_KEY:-${AWS_SECRET_ACCESS_KEY:-}}
    s3_region=${BENCH_S3_REGION:-us-east-1}
    [[ -n $s3_access && -n $s3_secret ]] || die "BENCH_S3_ENDPOINT needs BENCH_S3_ACCESS_KEY and BENCH_S3_SECRET_KEY"
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$s3_endpoint/" || true)
    [[ $code != 000 ]] || die "no S3 server answering at $s3_endpoint"
}

# Registry arguments for the S3 store on the S3 server above (S3Proxy's JVM options, for https: s3_java_opts).
s3_registry_args() { # BUCKET PREFIX REDIRECT(true|false)
    printf '%s\n' --registry.storage.type=s3 --registry.storage.s3.bucket="$1" --registry.storage.s3.prefix="$2" \
        --registry.storage.s3.endpoint="$s3_endpoint" --registry.storage.s3.path-style=true \
        --registry.storage.s3.region="$s3_region" \
        --registry.storage.s3.access-key="$s3_access" --registry.storage.s3.secret-key="$s3_secret" \
        --registry.storage.s3.redirect="$3"
}

# Stops a process started by the calling script: TERM, then KILL after 10 s.
stop_pid() { # PID
    [[ -n $1 ]] || return 0
    kill "$1" 2>/dev/null || return 0
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
    kill -9 "$1" 2>/dev/null || true
}
