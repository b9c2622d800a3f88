#!/usr/bin/env bash
# Run a command in private namespaces for the system-test stack:
#   tools/stack/in-namespace.sh [--isolated] COMMAND...
#
# Always a private mount namespace: the stack mounts a tmpfs over the system
# directories its services write, invisible to the rest of the machine. The
# namespace is named in STACK_MOUNT_NAMESPACE so the stack can check it is
# inside it.
#
# --isolated (the tests, the benchmark) adds a network namespace with only a
# loopback, so a PostgreSQL, RabbitMQ or Keystone on the machine, or a second
# run, cannot collide with the stack's ports; and a PID namespace whose end
# ends every process in it. Ctrl-C and SIGTERM reach the command, and the
# stack stops its services by PID; should anything survive that, or the run
# be killed outright, the kernel kills it with the namespace. Without it
# (`make demo`), the stack uses the machine's loopback and must find its
# ports free.
set -euo pipefail

# Run "$@" in the background, pass SIGINT and SIGTERM on to the process the
# function named first prints, and exit with the command's status once it
# has really ended.
run_forwarding_term() {
    local target=$1; shift
    # Job control gives the command a process group of its own, where a
    # non-interactive shell would start it with SIGINT ignored: so the
    # terminal's Ctrl-C reaches only the wrappers, and each passes it on once.
    set -m
    trap 'kill -INT $($target) 2>/dev/null || true' INT
    trap 'kill -TERM $($target) 2>/dev/null || true' TERM
    "$@" &
    command_pid=$!
    local status
    while :; do
        status=0
        wait "$command_pid" || status=$?
        # wait also returns when a trapped signal arrives: go on waiting.
        kill -0 "$command_pid" 2>/dev/null || break
    done
    exit "$status"
}
the_command() { echo "$command_pid"; }
# unshare ignores SIGINT and SIGTERM: pass them to the namespace's first process.
namespace_init() { cat "/proc/$command_pid/task/$command_pid/children"; }

case "${1:-}" in
--inside)
    shift
    STACK_MOUNT_NAMESPACE=$(readlink /proc/self/ns/mnt)
    export STACK_MOUNT_NAMESPACE
    exec "$@"
    ;;
--isolated-inside)
    # PID 1 of the namespace: it also reaps the orphans of the services.
    shift
    ip link set lo up
    STACK_MOUNT_NAMESPACE=$(readlink /proc/self/ns/mnt)
    export STACK_MOUNT_NAMESPACE
    run_forwarding_term the_command "$@"
    ;;
--isolated)
    shift
    # --kill-child: if unshare itself is killed, the namespace goes with it.
    run_forwarding_term namespace_init \
        unshare --mount --propagation private --net --pid --fork --kill-child \
        --mount-proc -- "$0" --isolated-inside "$@"
    ;;
*)
    exec unshare --mount --propagation private -- "$0" --inside "$@"
    ;;
esac
