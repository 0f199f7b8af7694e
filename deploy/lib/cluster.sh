# shellcheck shell=bash
# A three-node RabbitMQ cluster on loopback, for failover tests: sourced by deploy/kefu.
#
# The caller defines `secret NAME` and `SERVICES`, as deploy/kefu does, and names the state folder
# with KEFU_STATE_DIR; the cluster lives in $KEFU_STATE_DIR/cluster, one folder per node.
#
#   cluster_up                  start the three nodes, form the cluster, provision it
#   cluster_down                stop the three nodes, keeping their state
#   cluster_status              which nodes run, and what the cluster says
#   cluster_kill_node N         SIGKILL node N's Erlang VM
#   cluster_start_node N        start node N again; it rejoins from its own state
#   cluster_amqp_url USER PASS  the services' URL naming all three nodes
#   cluster_leader QUEUE        the node leading a quorum queue of the kefu vhost
#   cluster_members QUEUE       that queue's members, one a line
#
# Node N is kefu-cN@localhost, AMQP on BASE+N (KEFU_CLUSTER_AMQP_PORT_BASE, 5700 unless set),
# management on BASE+10000+N, Erlang distribution on BASE+20000+N.
#
# Quorum queues take their members when they are declared: x-quorum-initial-group-size, or else
# min(3, nodes the cluster knows, running or not). No policy can change that in 3.10, and a queue
# never grows on its own, so every node joins before anything is declared.

CLUSTER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLUSTER_RABBIT_BIN=/usr/lib/rabbitmq/bin
CLUSTER_NODES=(1 2 3)
CLUSTER_VHOST=kefu

cluster_say() { printf '\033[1mkefu cluster:\033[0m %s\n' "$*"; }
cluster_fail() { printf 'kefu cluster: error: %s\n' "$*" >&2; return 1; }

cluster_dir() { echo "${KEFU_STATE_DIR:?set KEFU_STATE_DIR to the state folder}/cluster"; }
cluster_base() { echo "${KEFU_CLUSTER_AMQP_PORT_BASE:-5700}"; }
cluster_node() { echo "kefu-c$1@localhost"; }
cluster_amqp_port() { echo $(($(cluster_base) + $1)); }
cluster_management_port() { echo $(($(cluster_base) + 10000 + $1)); }

# Every node and every CLI call shares one HOME, so they all read the same Erlang cookie.
# RABBITMQ_ERLANG_COOKIE would do too, but 3.10 warns that it is deprecated on every call.
# The CLI's own distribution ports get a range of their own, away from the single-node stack's
# default 35672-35682, and on loopback like the nodes.
cluster_env() {
    local n=$1 dir
    dir=$(cluster_dir)
    export HOME=$dir
    export RABBITMQ_NODENAME
    RABBITMQ_NODENAME=$(cluster_node "$n")
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT
    RABBITMQ_NODE_PORT=$(cluster_amqp_port "$n")
    export RABBITMQ_DIST_PORT=$((RABBITMQ_NODE_PORT + 20000))
    export RABBITMQ_MNESIA_BASE=$dir/c$n/mnesia
    export RABBITMQ_LOG_BASE=$dir/c$n/logs
    export RABBITMQ_CONFIG_FILE=$dir/c$n/rabbitmq
    export RABBITMQ_ENABLED_PLUGINS_FILE=$dir/c$n/enabled_plugins
    export RABBITMQ_PID_FILE=$dir/c$n/rabbitmq.pid
    export ERL_EPMD_ADDRESS=127.0.0.1
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export RABBITMQ_CTL_DIST_PORT_MIN=$(($(cluster_base) + 30100))
    export RABBITMQ_CTL_DIST_PORT_MAX=$((RABBITMQ_CTL_DIST_PORT_MIN + 19))
    export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

cluster_ctl() { local n=$1; shift; (cluster_env "$n" && "$CLUSTER_RABBIT_BIN/rabbitmqctl" -q "$@"); }

# Output only when the call fails: on 3.10 join_cluster and start_app print harmless errors about
# tracked-connection tables of a node "not running", which would drown the messages that matter.
cluster_ctl_quiet() {
    local out
    out=$(cluster_ctl "$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }
}

cluster_write_cookie() {
    local cookie
    cookie=$(cluster_dir)/.erlang.cookie
    [ -f "$cookie" ] && return 0
    (umask 277 && head -c 15 /dev/urandom | base64 | tr -dc 'A-Za-z' >"$cookie")
}

cluster_write_config() {
    local n=$1 dir
    dir=$(cluster_dir)/c$n
    mkdir -p "$dir/mnesia" "$dir/logs"
    cat >"$dir/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$(cluster_amqp_port "$n")
management.tcp.ip = 127.0.0.1
management.tcp.port = $(cluster_management_port "$n")
loopback_users = none
cluster_name = kefu-cluster
EOF
    # What `rabbitmq-plugins enable --offline` would write, without starting a VM for it.
    echo '[rabbitmq_management].' >"$dir/enabled_plugins"
}

cluster_pid() { cat "$(cluster_dir)/c$1/rabbitmq.pid" 2>/dev/null; }

# A VM that died as a child of this shell lingers as a zombie until the shell reaps it.
cluster_pid_alive() {
    kill -0 "$1" 2>/dev/null && ! awk '{ exit ($3 == "Z") ? 0 : 1 }' "/proc/$1/stat" 2>/dev/null
}

# The pid file outlives a killed VM.
cluster_node_alive() { local pid; pid=$(cluster_pid "$1") && [ -n "$pid" ] && cluster_pid_alive "$pid"; }

# Both listeners open, probed without starting an Erlang VM: on two cores a CLI call per poll
# slows the very boot it waits for. The AMQP listener opens last, once the node has booted.
cluster_node_ready() {
    (exec 3<>"/dev/tcp/127.0.0.1/$(cluster_amqp_port "$1")") 2>/dev/null &&
        curl -s -o /dev/null "http://127.0.0.1:$(cluster_management_port "$1")/api/overview"
}

cluster_launch() {
    local n=$1
    cluster_node_alive "$n" && return 0
    rm -f "$(cluster_dir)/c$n/rabbitmq.pid"
    cluster_write_config "$n"
    (cluster_env "$n" && exec setsid "$CLUSTER_RABBIT_BIN/rabbitmq-server") \
        >>"$(cluster_dir)/c$n/server.log" 2>&1 </dev/null &
}

# A node of a formed cluster waits for the peers it last saw running before it finishes booting,
# which is why cluster_up launches all three before waiting for any.
cluster_wait_ready() {
    local n=$1 waited=0
    until cluster_node_ready "$n"; do
        if [ -f "$(cluster_dir)/c$n/rabbitmq.pid" ] && ! cluster_node_alive "$n"; then
            cluster_fail "$(cluster_node "$n") exited while booting; see $(cluster_dir)/c$n/server.log"; return 1
        fi
        sleep 0.5
        waited=$((waited + 1))
        [ $waited -lt 240 ] || { cluster_fail "$(cluster_node "$n") not ready after 120 s; see $(cluster_dir)/c$n/server.log"; return 1; }
    done
}

cluster_running_nodes() { cluster_ctl "$1" cluster_status --formatter json | jq -r '.running_nodes[]'; }

# Joining resets a node, so only the nodes node 1 does not know yet join, one at a time.
cluster_join_missing() {
    local members n first
    first=$(cluster_node 1)
    members=$(cluster_ctl 1 cluster_status --formatter json | jq -r '.disk_nodes[]') || return 1
    for n in 2 3; do
        grep -qx "$(cluster_node "$n")" <<<"$members" && continue
        cluster_say "joining $(cluster_node "$n") to $first"
        cluster_ctl_quiet "$n" stop_app && cluster_ctl_quiet "$n" join_cluster "$first" &&
            cluster_ctl_quiet "$n" start_app || return 1
    done
}

# Users, permissions, exchanges and queues from deploy/rabbitmq/definitions.json, as deploy/kefu
# imports them, plus one policy: without it every quorum queue's leader would sit on the node the
# declaring client is connected to, so killing that node would move every leader at once. The
# policy travels in the same import because definitions apply policies before queues.
cluster_provision() {
    local definitions
    definitions=$(cluster_dir)/definitions.json
    jq --arg vhost "$CLUSTER_VHOST" '.policies = (.policies // []) + [{
            vhost: $vhost, name: "kefu-cluster-leaders", pattern: ".*", "apply-to": "queues",
            priority: 0, definition: {"queue-leader-locator": "balanced"}}]' \
        "$CLUSTER_ROOT/deploy/rabbitmq/definitions.json" >"$definitions"
    cluster_ctl_quiet 1 import_definitions "$definitions" || return 1
    # One CLI call costs a second or more of Erlang start-up, so the nine run side by side.
    local name job jobs=() failed=0
    cluster_ctl 1 delete_user guest >/dev/null 2>&1 &
    local guest=$!
    for name in admin integrator monitor "${SERVICES[@]}"; do
        cluster_ctl_quiet 1 change_password "kefu-$name" "$(secret "$name")" &
        jobs+=($!)
    done
    for job in "${jobs[@]}"; do wait "$job" || failed=1; done
    wait "$guest" || true
    [ $failed = 0 ] || cluster_fail "could not set the users' passwords"
}

cluster_api() { curl -fs -u "kefu-admin:$(secret admin)" "http://127.0.0.1:$(cluster_management_port "$1")/api/$2"; }

# Asked over HTTP, since each CLI call costs an Erlang start. A quorum queue declared before all
# three nodes joined keeps its smaller membership for good, hence the warning.
cluster_check() {
    local running short
    running=$(cluster_api 1 nodes | jq '[.[] | select(.running)] | length')
    [ "$running" = 3 ] || { cluster_fail "the cluster has ${running:-no} running nodes, not 3"; return 1; }
    short=$(cluster_api 1 "queues/$CLUSTER_VHOST?columns=name,type,members" |
        jq -r '.[] | select(.type == "quorum" and (.members | length) < 3) | .name')
    [ -z "$short" ] || cluster_say "warning: quorum queues on fewer than three nodes: ${short//$'\n'/ };" \
        "rabbitmq-queues grow NODE all --vhost-pattern $CLUSTER_VHOST adds the missing members"
}

cluster_up() {
    mkdir -p "$(cluster_dir)"
    cluster_write_cookie
    local n
    cluster_say "starting $(cluster_node 1), $(cluster_node 2), $(cluster_node 3) on 127.0.0.1:$(cluster_amqp_port 1)-$(cluster_amqp_port 3)"
    for n in "${CLUSTER_NODES[@]}"; do cluster_launch "$n"; done
    for n in "${CLUSTER_NODES[@]}"; do cluster_wait_ready "$n" || return 1; done
    cluster_join_missing || return 1
    cluster_provision || return 1
    cluster_check || return 1
    cluster_say "ready: $(cluster_amqp_url USER PASSWORD)  (management http://127.0.0.1:$(cluster_management_port 1))"
}

# Shut down in parallel: one after another costs about 8 s a node. The pids are read first
# because a stopping node removes its pid file.
cluster_down() {
    local n pids=() shutdowns=()
    for n in "${CLUSTER_NODES[@]}"; do
        cluster_node_alive "$n" || continue
        pids[n]=$(cluster_pid "$n")
        cluster_ctl_quiet "$n" shutdown &
        shutdowns+=($!)
    done
    [ ${#shutdowns[@]} -eq 0 ] || wait "${shutdowns[@]}" || true
    for n in "${!pids[@]}"; do
        cluster_pid_alive "${pids[n]}" || continue
        kill -KILL "${pids[n]}"
        cluster_say "$(cluster_node "$n") did not shut down; killed it"
    done
    rm -f "$(cluster_dir)"/c*/rabbitmq.pid
    cluster_say "stopped; state kept in $(cluster_dir)"
}

cluster_status() {
    local n first=
    for n in "${CLUSTER_NODES[@]}"; do
        if cluster_node_alive "$n"; then
            echo "$(cluster_node "$n") running (pid $(cluster_pid "$n"), amqp $(cluster_amqp_port "$n"), management $(cluster_management_port "$n"))"
            [ -n "$first" ] || first=$n
        else
            echo "$(cluster_node "$n") stopped"
        fi
    done
    if [ -n "$first" ]; then cluster_ctl "$first" cluster_status; fi
}

cluster_kill_node() {
    local n=${1:?node number 1-3} pid
    cluster_node_alive "$n" || { cluster_fail "$(cluster_node "$n") is not running"; return 1; }
    pid=$(cluster_pid "$n")
    kill -KILL "$pid"
    while cluster_node_alive "$n"; do sleep 0.1; done
    cluster_say "killed $(cluster_node "$n") (pid $pid)"
}

# The node's mnesia remembers the cluster, so starting it is all that rejoining takes; it has
# rejoined when it sees every node that runs. Alone, it would wait minutes for its peers.
cluster_start_node() {
    local n=${1:?node number 1-3} m others=0
    for m in "${CLUSTER_NODES[@]}"; do [ "$m" != "$n" ] && cluster_node_alive "$m" && others=$((others + 1)); done
    [ $others -gt 0 ] || { cluster_fail "no other node runs; start the whole cluster with cluster_up (deploy/kefu cluster up)"; return 1; }
    cluster_launch "$n"
    cluster_wait_ready "$n" || return 1
    [ "$(cluster_running_nodes "$n" | wc -l)" = $((others + 1)) ] || { cluster_fail "$(cluster_node "$n") did not rejoin"; return 1; }
    cluster_say "$(cluster_node "$n") is back in the cluster"
}

cluster_amqp_url() {
    local hosts="" n
    for n in "${CLUSTER_NODES[@]}"; do hosts+=${hosts:+,}127.0.0.1:$(cluster_amqp_port "$n"); done
    echo "amqp://$1:$2@$hosts/$CLUSTER_VHOST"
}

# Any node's management API describes any queue, so the first node that answers is asked.
cluster_queue_json() {
    local queue=$1 n
    queue=$(jq -rn --arg q "$queue" '$q | @uri')
    for n in "${CLUSTER_NODES[@]}"; do cluster_api "$n" "queues/$CLUSTER_VHOST/$queue" && return 0; done
    cluster_fail "no node's management API describes queue $1"
}

cluster_leader() { local json; json=$(cluster_queue_json "${1:?queue name}") && jq -r '.leader // empty' <<<"$json"; }
cluster_members() { local json; json=$(cluster_queue_json "${1:?queue name}") && jq -r '.members[]?' <<<"$json"; }
