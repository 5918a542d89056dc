#!/usr/bin/env bash
# The docker-compose.yml topology without Docker, on loopback: PostgreSQL, the sql/ migrations applied once with
# psql, three silo nodes and one front-end node (the Release build of the host), and nginx in front of all four.
#
#   tests/scripts/cluster.sh start                 start everything, wait until every node is ready, print URLs and PIDs
#   tests/scripts/cluster.sh stop                  SIGTERM every node (grains hand over, state written), then nginx, PostgreSQL
#   tests/scripts/cluster.sh status                one line per process: name, pid, state, url
#   tests/scripts/cluster.sh start-node NAME       start one node again (after it stopped or was killed); waits until ready
#   tests/scripts/cluster.sh stop-node NAME        SIGTERM one node and wait until it has exited
#   tests/scripts/cluster.sh env NAME              the environment a node runs with (what docker-compose.yml sets too)
#   tests/scripts/cluster.sh nodes                 the node names, one a line
#
# Options (or the environment variable in brackets):
#   --state-dir DIR   [OD_CLUSTER_STATE]  pids, logs, nginx config and the throwaway database (default /tmp/orleansdelivery-cluster)
#   OD_POSTGRES       an existing PostgreSQL (Npgsql connection string) instead of a throwaway server
#   OD_PORT_OFFSET    added to every port below, to run beside another cluster (default 0)
#   OD_ENVIRONMENT    ASPNETCORE_ENVIRONMENT of the nodes (default: unset, i.e. Production; tests use Testing)
#   OD_ADMIN_PASSWORD the first admin's password (default: made up and kept in the state dir)
#   OD_HOST_DLL       the host to run (default src/OrleansDelivery.Host/bin/Release/net10.0/OrleansDelivery.Host.dll,
#                     built with `dotnet build -c Release src/OrleansDelivery.Host` if missing)
#
# Ports (plus OD_PORT_OFFSET): nginx 8080; silo1-3 HTTP 5081-5083, silo 11111-11113, gateway 30001-30003;
# frontend1 HTTP 5084; the throwaway PostgreSQL 55432.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# --- the topology (docker-compose.yml describes the same; tests/OrleansDelivery.Cluster.Tests checks they agree) ---
readonly NODES="silo1 silo2 silo3 frontend1"
readonly CLUSTER_ID="orleans-delivery"
readonly SERVICE_ID="orleans-delivery"
readonly DATABASE="orleans_delivery"
readonly ADMIN_LOGIN="admin"
readonly ADMIN_EMAIL="admin@orleans-delivery.example"
readonly NGINX_PORT=8080
readonly POSTGRES_PORT=55432
# The readiness probe of nodes, nginx and compose health checks.
readonly HEALTH_PATH="/health/ready"

node_role() { case "$1" in silo*) echo Silo ;; frontend*) echo Frontend ;; *) echo "unknown node '$1' (nodes: $NODES)" >&2; return 1 ;; esac; }
node_http_port() { case "$1" in silo1) echo 5081 ;; silo2) echo 5082 ;; silo3) echo 5083 ;; frontend1) echo 5084 ;; *) node_role "$1" >/dev/null ;; esac; }
node_silo_port() { case "$1" in silo1) echo 11111 ;; silo2) echo 11112 ;; silo3) echo 11113 ;; *) echo "" ;; esac; }
node_gateway_port() { case "$1" in silo1) echo 30001 ;; silo2) echo 30002 ;; silo3) echo 30003 ;; *) echo "" ;; esac; }
# Only one node seeds the demo catalogue: two seeding at once could both find a product missing and stock it twice.
node_seeds_demo() { [ "$1" = silo1 ] && echo true || echo false; }

# --- options -----------------------------------------------------------------------------------------------------
command="${1:-}"
[ $# -gt 0 ] && shift
node_arg=""
state_dir="${OD_CLUSTER_STATE:-${TMPDIR:-/tmp}/orleansdelivery-cluster}"
while [ $# -gt 0 ]; do
    case "$1" in
        --state-dir) state_dir="${2:?--state-dir needs a directory}"; shift 2 ;;
        --state-dir=*) state_dir="${1#*=}"; shift ;;
        *) node_arg="$1"; shift ;;
    esac
done
offset="${OD_PORT_OFFSET:-0}"
host_dll="${OD_HOST_DLL:-$repo_root/src/OrleansDelivery.Host/bin/Release/net10.0/OrleansDelivery.Host.dll}"
port() { echo $(($1 + offset)); }

log() { echo "cluster: $*" >&2; }
die() { log "error: $*"; exit 1; }

# --- PostgreSQL ----------------------------------------------------------------------------------------------------
pg_bin_dir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
    done
    command -v pg_ctl >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return; }
    die "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on PATH; install postgresql or set OD_POSTGRES"
}

# PostgreSQL refuses to run as root; the throwaway server then runs as the postgres user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# The Npgsql connection string as libpq keywords, for psql.
libpq_of() {
    python3 - "$1" <<'PY'
import sys
names = {"host": "host", "server": "host", "port": "port", "database": "dbname", "db": "dbname",
         "username": "user", "user id": "user", "userid": "user", "user": "user", "password": "password"}
parts = []
for pair in sys.argv[1].split(";"):
    if "=" in pair:
        key, value = pair.split("=", 1)
        name = names.get(key.strip().lower())
        if name:
            parts.append(f"{name}='" + value.strip().replace("\\", "\\\\").replace("'", "\\'") + "'")
print(" ".join(parts))
PY
}

connection_string() {
    if [ -n "${OD_POSTGRES:-}" ]; then
        echo "$OD_POSTGRES"
    else
        echo "Host=127.0.0.1;Port=$(port $POSTGRES_PORT);Username=postgres;Database=$DATABASE"
    fi
}

start_postgres() {
    if [ -n "${OD_POSTGRES:-}" ]; then
        log "using the PostgreSQL of OD_POSTGRES"
        return
    fi
    local bin pg_dir="$state_dir/postgres"
    bin="$(pg_bin_dir)"
    mkdir -p "$pg_dir"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$pg_dir"
    as_pg "$bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-sync >"$pg_dir/initdb.log" 2>&1 ||
        die "initdb failed; see $pg_dir/initdb.log"
    # A throwaway server: losing the last commits in an operating-system crash does not matter, a killed node does
    # not lose them anyway (PostgreSQL has them).
    cat >>"$pg_dir/data/postgresql.conf" <<EOF

# tests/scripts/cluster.sh
listen_addresses = '127.0.0.1'
port = $(port $POSTGRES_PORT)
unix_socket_directories = '$pg_dir'
max_connections = 300
fsync = off
full_page_writes = off
shared_buffers = 128MB
log_min_messages = warning
EOF
    as_pg "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w -t 60 start >/dev/null || die "PostgreSQL did not start; see $pg_dir/postgres.log"
    psql "host=127.0.0.1 port=$(port $POSTGRES_PORT) user=postgres dbname=postgres" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DATABASE" >/dev/null
    head -1 "$pg_dir/data/postmaster.pid" >"$state_dir/pids/postgres.pid"
}

stop_postgres() {
    [ -d "$state_dir/postgres/data" ] || return 0
    as_pg "$(pg_bin_dir)/pg_ctl" -D "$state_dir/postgres/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    rm -f "$state_dir/pids/postgres.pid"
}

# Applied once, here, in order; the nodes run with Cluster:MigrateOnStartup=false. The scripts are idempotent.
migrate() {
    local libpq script
    libpq="$(libpq_of "$(connection_string)")"
    for script in "$repo_root"/sql/[0-9]*.sql; do
        psql "$libpq" -q -v ON_ERROR_STOP=1 -1 -f "$script" >/dev/null || die "migration $(basename "$script") failed"
    done
    log "schema migrated ($(ls "$repo_root"/sql/[0-9]*.sql | wc -l) scripts)"
}

# --- nodes ---------------------------------------------------------------------------------------------------------
admin_password() {
    if [ -n "${OD_ADMIN_PASSWORD:-}" ]; then
        echo "$OD_ADMIN_PASSWORD"
    elif [ -f "$state_dir/admin-password" ]; then
        cat "$state_dir/admin-password"
    else
        echo "admin-not-started"
    fi
}

# The environment of a node: the same keys docker-compose.yml sets (there the URLs listen on every interface, the
# database is the postgres service and each silo advertises its container address).
node_env() {
    local node="$1" role
    role="$(node_role "$node")"
    echo "Urls=http://127.0.0.1:$(port "$(node_http_port "$node")")"
    [ -n "${OD_ENVIRONMENT:-}" ] && echo "ASPNETCORE_ENVIRONMENT=$OD_ENVIRONMENT"
    echo "Cluster__Mode=Postgres"
    echo "Cluster__Role=$role"
    echo "Cluster__ClusterId=$CLUSTER_ID"
    echo "Cluster__ServiceId=$SERVICE_ID"
    if [ "$role" = Silo ]; then
        echo "Cluster__SiloPort=$(port "$(node_silo_port "$node")")"
        echo "Cluster__GatewayPort=$(port "$(node_gateway_port "$node")")"
    fi
    echo "Cluster__MigrateOnStartup=false"
    echo "ConnectionStrings__Postgres=$(connection_string)"
    echo "Catalog__SeedDemo=$(node_seeds_demo "$node")"
    echo "Auth__Admin__Login=$ADMIN_LOGIN"
    echo "Auth__Admin__Email=$ADMIN_EMAIL"
    echo "Auth__Admin__Password=$(admin_password)"
}

nodes_of() { local node; for node in $NODES; do if [ "$(node_role "$node")" = "$1" ]; then echo "$node"; fi; done; }
node_url() { echo "http://127.0.0.1:$(port "$(node_http_port "$1")")"; }
pid_of() { cat "$state_dir/pids/$1.pid" 2>/dev/null || true; }
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# 200 from the readiness probe (or from /health on a host that predates /health/ready).
node_ready() {
    local url code
    url="$(node_url "$1")"
    code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url$HEALTH_PATH" || true)"
    if [ "$code" = 404 ]; then
        code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url/health" || true)"
    fi
    [ "$code" = 200 ]
}

launch_node() {
    local node="$1" vars
    alive "$(pid_of "$node")" && die "$node already runs (pid $(pid_of "$node"))"
    mapfile -t vars < <(node_env "$node")
    # Its own session, so signals meant for whoever started the script (a test's Ctrl-C) do not reach the node.
    env "${vars[@]}" setsid dotnet "$host_dll" --contentRoot "$repo_root/src/OrleansDelivery.Host" \
        >>"$state_dir/logs/$node.log" 2>&1 </dev/null &
    echo $! >"$state_dir/pids/$node.pid"
}

wait_ready() {
    local node="$1" pid deadline
    pid="$(pid_of "$node")"
    deadline=$((SECONDS + ${OD_START_TIMEOUT:-180}))
    until node_ready "$node"; do
        if ! alive "$pid"; then
            tail -n 30 "$state_dir/logs/$node.log" >&2
            die "$node (pid $pid) exited while starting; see $state_dir/logs/$node.log"
        fi
        [ $SECONDS -ge $deadline ] && die "$node not ready after ${OD_START_TIMEOUT:-180} s; see $state_dir/logs/$node.log"
        sleep 0.3
    done
    log "$node ready: $(node_url "$node") (pid $pid)"
}

stop_node() {
    local node="$1" pid deadline
    pid="$(pid_of "$node")"
    if ! alive "$pid"; then
        rm -f "$state_dir/pids/$node.pid"
        return 0
    fi
    # A stopped (SIGSTOP) process would never act on SIGTERM.
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    # The host's ShutdownTimeout is 60 s; past that it is hung.
    deadline=$((SECONDS + 75))
    while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if alive "$pid"; then
        log "$node (pid $pid) ignored SIGTERM for 75 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$state_dir/pids/$node.pid"
}

# --- nginx ---------------------------------------------------------------------------------------------------------
start_nginx() {
    command -v nginx >/dev/null 2>&1 || die "nginx not found; install it (apt-get install nginx)"
    local dir="$state_dir/nginx" node name
    mkdir -p "$dir/tmp"
    # Workers of a root master run as nobody and write request bodies there.
    chmod 777 "$dir/tmp"
    export OD_NGINX_PORT
    OD_NGINX_PORT="127.0.0.1:$(port $NGINX_PORT)"
    for node in $NODES; do
        name="OD_NODE_$(echo "$node" | tr '[:lower:]' '[:upper:]')"
        export "$name=127.0.0.1:$(port "$(node_http_port "$node")")"
    done
    export OD_NGINX_NODES_FILE="$dir/od-nodes.conf" OD_NGINX_RELOAD="nginx -e $dir/error.log -p $dir -c $dir/nginx.conf -s reload"
    envsubst '${OD_NGINX_PORT} ${OD_NGINX_NODES_FILE}' \
        <"$repo_root/deploy/nginx/orleans-delivery.conf.template" >"$dir/orleans-delivery.conf"
    # The servers nginx starts with; the gate below keeps them in step with the nodes' readiness.
    sh "$repo_root/deploy/nginx/health-gate.sh" once
    cat >"$dir/nginx.conf" <<EOF
# Written by tests/scripts/cluster.sh; the server itself is deploy/nginx/orleans-delivery.conf.template.
daemon on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    include $dir/orleans-delivery.conf;
}
EOF
    nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" || die "nginx did not start; see $dir/error.log"
    cp "$dir/nginx.pid" "$state_dir/pids/nginx.pid"
    setsid sh "$repo_root/deploy/nginx/health-gate.sh" watch >>"$state_dir/logs/health-gate.log" 2>&1 </dev/null &
    echo $! >"$state_dir/pids/health-gate.pid"
}

stop_nginx() {
    local pid
    pid="$(pid_of health-gate)"
    alive "$pid" && kill -TERM "$pid" 2>/dev/null || true
    rm -f "$state_dir/pids/health-gate.pid"
    pid="$(pid_of nginx)"
    if alive "$pid"; then
        kill -QUIT "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + 10))
        while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
        alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$state_dir/pids/nginx.pid"
}

# --- commands ------------------------------------------------------------------------------------------------------
print_status() {
    local name pid state
    for name in postgres $NODES nginx; do
        pid="$(pid_of "$name")"
        if ! alive "$pid"; then
            state=down
        elif [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = T ]; then
            state=stopped
        elif [ "$name" = postgres ] || [ "$name" = nginx ] || node_ready "$name"; then
            state=ready
        else
            state=starting
        fi
        case "$name" in
            postgres) echo "postgres pid=${pid:--} $state $(connection_string)" ;;
            nginx) echo "nginx pid=${pid:--} $state http://127.0.0.1:$(port $NGINX_PORT)" ;;
            *) echo "$name pid=${pid:--} $state $(node_url "$name") role=$(node_role "$name")" ;;
        esac
    done
}

case "$command" in
    start)
        for name in postgres $NODES nginx; do
            alive "$(pid_of "$name")" && die "the cluster in $state_dir is running ($name); stop it first"
        done
        if [ ! -f "$host_dll" ]; then
            log "building the host (Release)"
            dotnet build -c Release "$repo_root/src/OrleansDelivery.Host" >/dev/null || die "the Release build failed"
        fi
        rm -rf "$state_dir"
        mkdir -p "$state_dir/pids" "$state_dir/logs"
        if [ -z "${OD_ADMIN_PASSWORD:-}" ]; then
            echo "admin-$(od -An -tx8 -N8 /dev/urandom | tr -d ' ')" >"$state_dir/admin-password"
        fi
        trap 'log "start failed; stopping what started"; "$0" stop --state-dir "$state_dir" >/dev/null 2>&1 || true' ERR
        start_postgres
        migrate
        # The silos join one another; the front-end needs a silo in the membership table to find a gateway.
        for node in $(nodes_of Silo); do launch_node "$node"; done
        for node in $(nodes_of Silo); do wait_ready "$node"; done
        for node in $(nodes_of Frontend); do launch_node "$node"; wait_ready "$node"; done
        start_nginx
        trap - ERR
        echo "OrleansDelivery cluster '$CLUSTER_ID' is up (state in $state_dir):"
        print_status
        echo "admin login: $ADMIN_LOGIN, password in $state_dir/admin-password (or OD_ADMIN_PASSWORD)"
        ;;
    stop)
        stop_nginx
        # Front-ends first (nothing new reaches the silos), then the silos one after another, so each one's grains
        # move to silos that stay.
        for node in $(nodes_of Frontend) $(nodes_of Silo | tac); do stop_node "$node"; done
        stop_postgres
        log "stopped (logs kept in $state_dir/logs)"
        ;;
    status)
        print_status
        ;;
    start-node)
        [ -n "$node_arg" ] || die "start-node needs a node name ($NODES)"
        node_role "$node_arg" >/dev/null
        launch_node "$node_arg"
        wait_ready "$node_arg"
        ;;
    stop-node)
        [ -n "$node_arg" ] || die "stop-node needs a node name ($NODES)"
        node_role "$node_arg" >/dev/null
        stop_node "$node_arg"
        log "$node_arg stopped"
        ;;
    env)
        [ -n "$node_arg" ] || die "env needs a node name ($NODES)"
        node_env "$node_arg"
        ;;
    nodes)
        echo "$NODES" | tr ' ' '\n'
        ;;
    *)
        sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
        exit 2
        ;;
esac
