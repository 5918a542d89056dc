#!/usr/bin/env bash
# Measures what the default membership timings (Cluster:Membership in appsettings.json) do with real processes:
# two nodes in Postgres mode on loopback, then node B is paused for 2 s, frozen (SIGSTOP), or killed (kill -9),
# and node A's /health is polled until it sees one active silo.
#
#   tests/scripts/measure-failover.sh pause|freeze|kill "Host=127.0.0.1;Port=5432;Username=postgres;Database=orleans_delivery"
#
# Needs a built host (dotnet build -c Release src/OrleansDelivery.Host), curl and python3. Uses HTTP ports 5090-5091,
# silo ports 12111-12112 and gateway ports 31000-31001, and a fresh cluster id per run.
set -euo pipefail

scenario="${1:?pause, freeze or kill}"
connection_string="${2:?a PostgreSQL connection string}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
host_dll="$repo_root/src/OrleansDelivery.Host/bin/Release/net10.0/OrleansDelivery.Host.dll"
log_dir="$(mktemp -d)"
cluster_id="failover-$scenario-$RANDOM"
[ -f "$host_dll" ] || { echo "build first: dotnet build -c Release src/OrleansDelivery.Host" >&2; exit 1; }

start_node() { # name http-port silo-port gateway-port
    dotnet "$host_dll" --contentRoot "$repo_root/src/OrleansDelivery.Host" --urls="http://127.0.0.1:$2" \
        --Cluster:Mode=Postgres "--ConnectionStrings:Postgres=$connection_string" --Cluster:ClusterId="$cluster_id" \
        --Cluster:SiloPort="$3" --Cluster:GatewayPort="$4" >"$log_dir/$1.log" 2>&1 &
    echo $!
}

active_silos() { # http-port
    curl -s -m 1 "http://127.0.0.1:$1/health" |
        python3 -c 'import sys, json; print(json.load(sys.stdin)["activeSilos"])' 2>/dev/null || echo none
}

seconds_until() { # http-port expected-active-silos
    local started; started=$(date +%s.%N)
    for _ in $(seq 1 600); do
        [ "$(active_silos "$1")" = "$2" ] && break
        sleep 0.1
    done
    python3 -c "import time; print(f'{time.time() - $started:.1f}')"
}

node_a=$(start_node a 5090 12111 31000)
sleep 1
node_b=$(start_node b 5091 12112 31001)
trap 'kill "$node_a" "$node_b" 2>/dev/null || true; kill -CONT "$node_b" 2>/dev/null || true' EXIT
echo "two-node cluster up after $(seconds_until 5090 2) s (logs in $log_dir)"
sleep 3

case "$scenario" in
    pause)
        kill -STOP "$node_b"; sleep 2; kill -CONT "$node_b"; sleep 15
        echo "15 s after a 2 s pause of B: A sees $(active_silos 5090) active silos, B sees $(active_silos 5091)";;
    freeze)
        kill -STOP "$node_b"
        echo "frozen B declared dead by A after $(seconds_until 5090 1) s"
        kill -CONT "$node_b"; sleep 5
        if kill -0 "$node_b" 2>/dev/null; then echo "B still runs 5 s after SIGCONT (zombie)"; else echo "B stopped itself within 5 s of SIGCONT"; fi;;
    kill)
        kill -9 "$node_b"
        echo "killed B declared dead by A after $(seconds_until 5090 1) s";;
    *) echo "unknown scenario $scenario" >&2; exit 2;;
esac
