# Sourced by bench/run, bench/run-scale and bench/run-rss: one redis-server
# on a unix socket and one nginx (2 workers, access_log off,
# keepalive_requests 1000000) under a directory of their own, and wrk runs
# with the CPU each request cost in the workers and in Redis, from /proc.
#
# The caller sets `dir` (emptied here) and may set before bench_start_nginx:
#   http_extra    directives added to the http block
#   scim_extra    directives added to the scim location
#   server_extra  locations added to the server
# BENCH_MODULE (another build of the module) and BENCH_PERF are read here.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
module="${BENCH_MODULE:-$top/build/ngx_http_scim_module.so}"
port="${port:-${BENCH_PORT:-18480}}"
duration="${BENCH_DURATION:-8s}"
token="bench-token"
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
base="http://127.0.0.1:$port/scim/v2"
auth="Authorization: Bearer $token"
tick_us=$((1000000 / $(getconf CLK_TCK)))
http_extra="${http_extra:-}"
scim_extra="${scim_extra:-}"
server_extra="${server_extra:-}"

bench_stop() {  # the nginx and redis-server under $dir
    [ -f "$dir/nginx.pid" ] && kill -QUIT "$(cat "$dir/nginx.pid")" 2>/dev/null || true
    [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
}

bench_start_redis() {
    rm -rf "$dir" && mkdir -p "$dir"/{conf,logs,tmp}
    redis-server --port 0 --unixsocket "$dir/redis.sock" --unixsocketperm 777 --save "" \
        --appendonly no --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    for _ in $(seq 50); do redis-cli -s "$dir/redis.sock" ping >/dev/null 2>&1 && break; sleep 0.1; done
    redis_pid=$(cat "$dir/redis.pid")
}

# Writes the configuration and starts nginx, or reloads it when it runs;
# sets `workers` (the worker pids) once the new workers answer.
bench_start_nginx() {
    local user_line=""; [ "$(id -u)" = 0 ] && user_line="user root root;"
    cat > "$dir/conf/nginx.conf" <<CONF
load_module $module;
$user_line
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $dir/tmp;
    scim_redis unix:$dir/redis.sock;
    $http_extra
    server {
        listen 127.0.0.1:$port backlog=4096;
        location /scim/v2/ { scim; scim_token $hash bench; $scim_extra }
        location = /ready { return 204; }
        $server_extra
    }
}
CONF
    if [ -f "$dir/nginx.pid" ] && kill -0 "$(cat "$dir/nginx.pid")" 2>/dev/null; then
        nginx -p "$dir" -c "$dir/conf/nginx.conf" -s reload 2>/dev/null; sleep 1
    else
        nginx -p "$dir" -c "$dir/conf/nginx.conf"
    fi
    for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/ready" && break; sleep 0.1; done
    workers=$(pgrep -P "$(cat "$dir/nginx.pid")" | tr '\n' ' ')
}

# CPU ticks (user + system) of the given processes.
cpu_ticks() {
    local t=0 f
    for p in "$@"; do
        read -r -a f < "/proc/$p/stat"
        t=$((t + f[13] + f[14]))
    done
    echo "$t"
}

# wrk -t2 -c64 over $duration → "req/s non2xx worker-µs/req redis-µs/req";
# Redis's INFO commandstats of the run go to $dir/commandstats-<row>.txt.
run_wrk() {
    local out w0 r0 w1 r1 requests recorder=""
    if [ -n "${BENCH_PERF:-}" ]; then
        perf record -q -g -F 499 -p "$(echo $workers "$redis_pid" | tr ' ' ',')" \
            -o "$dir/perf-${row:-ceiling}.data" -- sleep "${duration%s}" >/dev/null 2>&1 &
        recorder=$!
    fi
    redis-cli -s "$dir/redis.sock" config resetstat >/dev/null
    # shellcheck disable=SC2086
    w0=$(cpu_ticks $workers) r0=$(cpu_ticks "$redis_pid")
    out=$(wrk -t2 -c64 -d"$duration" "$@" 2>&1)
    [ -z "$recorder" ] || wait "$recorder" || true
    # shellcheck disable=SC2086
    w1=$(cpu_ticks $workers) r1=$(cpu_ticks "$redis_pid")
    echo "$out" >> "$dir/wrk.log"
    redis-cli -s "$dir/redis.sock" info commandstats | tr -d '\r' | grep '^cmdstat' \
        > "$dir/commandstats-${row:-ceiling}.txt"
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    echo "$out" | awk -v req="$requests" -v w=$((w1 - w0)) -v r=$((r1 - r0)) -v us="$tick_us" '
        /Requests\/sec/ { rps = $2 }
        /Non-2xx/ { bad = $5 }
        END { printf "%s %d %.1f %.1f\n", rps, bad, w * us / req, r * us / req }'
}

load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# Points the functions above at another instance started by this script
# (its directory and port); sets base, redis_pid and workers.
bench_select() {
    dir=$1 port=$2
    base="http://127.0.0.1:$port/scim/v2"
    redis_pid=$(cat "$dir/redis.pid")
    workers=$(pgrep -P "$(cat "$dir/nginx.pid")" | tr '\n' ' ')
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
