#!/bin/sh
# Active health checks for open-source nginx, which only checks passively: asks every OrleansDelivery node for
# /health/ready and keeps the file nginx includes as its upstream servers in step, marking `down` the nodes that are
# not ready and reloading nginx when that changes. nginx's passive checks (max_fails, proxy_next_upstream) stay for
# what happens between two rounds.
#
#   health-gate.sh once     one round: write the file (nginx must have it before it starts); no reload
#   health-gate.sh watch    a round every OD_HEALTH_INTERVAL seconds, for ever, reloading nginx on a change
#   health-gate.sh          both, the second in the background: how the nginx image runs it from /docker-entrypoint.d
#
# Environment:
#   OD_NODE_<NAME>=host:port   the nodes (every variable named so; cluster.sh and docker-compose.yml set them)
#   OD_NGINX_NODES_FILE        the file to write (default /etc/nginx/od-nodes.conf)
#   OD_NGINX_RELOAD            how to reload nginx (default: nginx -s reload)
#   OD_HEALTH_INTERVAL         seconds between rounds (default 1)
#
# A node is ready when PostgreSQL answers, its silo (or a gateway) is Active and a grain answers. When no node is
# ready, for example while PostgreSQL is down for all of them, none is marked down: nginx then spreads requests as
# before and each node answers 503 with Retry-After itself, rather than nginx failing every request at once.
set -u

nodes_file="${OD_NGINX_NODES_FILE:-/etc/nginx/od-nodes.conf}"
reload="${OD_NGINX_RELOAD:-nginx -s reload}"
interval="${OD_HEALTH_INTERVAL:-1}"

addresses() { env | grep '^OD_NODE_[A-Z0-9_]*=' | sort | cut -d= -f2-; }

ready() {
    if command -v curl >/dev/null 2>&1; then
        curl -fsS -o /dev/null -m 2 "http://$1/health/ready" 2>/dev/null
    else
        wget -q -O /dev/null -T 2 "http://$1/health/ready" 2>/dev/null
    fi
}

# Writes the server lines for the current readiness to stdout.
render() {
    ready_nodes=""
    for address in $(addresses); do
        if ready "$address"; then ready_nodes="$ready_nodes $address "; fi
    done
    echo "# Written by deploy/nginx/health-gate.sh: a node marked down did not answer /health/ready."
    for address in $(addresses); do
        case "$ready_nodes" in
            "" | *" $address "*) echo "server $address max_fails=1 fail_timeout=5s;" ;;
            *) echo "server $address down;" ;;
        esac
    done
}

# One round; true when the file changed.
round() {
    next="$nodes_file.next"
    render >"$next"
    if [ -f "$nodes_file" ] && cmp -s "$next" "$nodes_file"; then
        rm -f "$next"
        return 1
    fi
    mv "$next" "$nodes_file"
    return 0
}

watch() {
    while :; do
        sleep "$interval"
        if round; then
            echo "$(date -u +%H:%M:%S) nodes not ready: $(grep -c ' down;' "$nodes_file"); reloading nginx"
            sh -c "$reload" || echo "$(date -u +%H:%M:%S) nginx reload failed"
        fi
    done
}

[ -n "$(addresses)" ] || { echo "health-gate.sh: no OD_NODE_* variables" >&2; exit 1; }
case "${1:-}" in
    once) round || true ;;
    watch) watch ;;
    "") round || true; watch & ;;
    *) echo "usage: health-gate.sh [once|watch]" >&2; exit 2 ;;
esac
