#!/usr/bin/env bash
# Run a command in a private mount namespace for the system-test stack:
#   tools/stack/in-namespace.sh COMMAND...
# The stack mounts a tmpfs over the system directories its services write;
# here those mounts stay invisible to the rest of the machine. The namespace
# is named in STACK_MOUNT_NAMESPACE so the stack can check it is inside it.
set -euo pipefail
if [ "${1:-}" != --inside ]; then
    exec unshare --mount --propagation private -- "$0" --inside "$@"
fi
shift
STACK_MOUNT_NAMESPACE=$(readlink /proc/self/ns/mnt)
export STACK_MOUNT_NAMESPACE
exec "$@"
