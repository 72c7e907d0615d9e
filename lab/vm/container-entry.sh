#!/bin/sh
# Entry of a container started by the lab's dockerd stand-in, run as PID 1 of the container's PID, UTS and mount
# namespaces: waits until dockerd has wired the container's network (one line on stdin), sets the container's hostname,
# then becomes the image's command.
set -eu
read -r _ready
exec </dev/null
hostname "$1"
shift
exec "$@"
