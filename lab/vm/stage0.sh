#!/bin/sh
# Stage 0 of the lab VM's boot. Runs as PID 1 of new PID, UTS and mount namespaces (private propagation) inside the
# VM's network namespace: mounts the VM's disk (an overlay of the lab layer and the cached Debian rootfs, with the
# instance's disk as the writable layer), the virtual filesystems and the lab's runtime (read-only), sets the hostname,
# then becomes tini (PID 1: reaps zombies, forwards signals) running the lab's init inside the chroot.
# Every mount lives in this mount namespace only: when PID 1 dies the kernel drops them all.
set -eu
: "${LAB_ROOTFS:?}" "${LAB_LAYER:?}" "${LAB_DISK:?}" "${LAB_WORK:?}" "${LAB_ROOT:?}" "${LAB_NODE:?}" "${LAB_GUEST:?}" "${LAB_BOOT:?}" "${LAB_HOSTNAME:?}"

R="$LAB_ROOT"
mount -t overlay overlay -o "lowerdir=$LAB_LAYER:$LAB_ROOTFS,upperdir=$LAB_DISK,workdir=$LAB_WORK" "$R"

mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"

mount -t tmpfs -o mode=0755,nosuid,size=65536k tmpfs "$R/dev"
for spec in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  name=${spec%%:*}; rest=${spec#*:}
  mknod -m 0666 "$R/dev/$name" c "${rest%%:*}" "${rest#*:}"
done
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/dev/shm"

mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$R/run"
mkdir -p "$R/run/lock"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/tmp"

# The VM's "hardware": a Node.js runtime and the lab's programs, read-only, never on the VM's disk.
mkdir -p "$R/opt/lab"
mount -t tmpfs -o mode=0755 tmpfs "$R/opt/lab"
mkdir -p "$R/opt/lab/bin" "$R/opt/lab/guest" "$R/opt/lab/boot"
touch "$R/opt/lab/bin/node"
mount --bind "$LAB_NODE" "$R/opt/lab/bin/node"
mount -o remount,bind,ro "$R/opt/lab/bin/node"
mount --bind "$LAB_GUEST" "$R/opt/lab/guest"
mount -o remount,bind,ro "$R/opt/lab/guest"
mount --bind "$LAB_BOOT" "$R/opt/lab/boot"
mount -o remount,bind,ro "$R/opt/lab/boot"
mount -o remount,ro "$R/opt/lab"

hostname "$LAB_HOSTNAME"
cd "$R"
exec chroot "$R" /usr/bin/tini -- /opt/lab/bin/node /opt/lab/guest/init.mjs
