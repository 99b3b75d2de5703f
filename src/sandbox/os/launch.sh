#!/bin/sh
# The OS sandbox's second stage (util-linux path). os-sandbox.ts runs it as
#   unshare --net --mount --pid --ipc --uts --fork --kill-child -- /bin/sh launch.sh ARGS -- COMMAND...
# so it starts as root, as pid 1 of fresh namespaces, with the server's IPC channel still open on
# NODE_CHANNEL_FD. It joins the worker's cgroups, sets the rlimits, builds a minimal read-only root
# on a tmpfs and execs COMMAND inside it as an unprivileged user with no capabilities and
# no_new_privs. Any failure ends the worker before guest code could run without its sandbox.
#
# ARGS are NAME=VALUE words:
#   mountpoint=DIR   an empty host directory the tmpfs root is mounted on (only in this namespace)
#   cgroup=FILE      a cgroup.procs file to join (repeatable)
#   ro=PATH          a host file or directory to bind read-only at the same path (repeatable)
#   mask=PATH        a path under a bound directory to hide behind an empty tmpfs (repeatable)
#   uid=N gid=N      the user and group the command runs as (as root; else it keeps its uid)
#   caps=drop        empty the capability sets (as root, or root of a user namespace)
#   setpriv=PATH     setpriv, at the same path inside the view
#   seccomp=FILE     (with bwrap) the compiled seccomp filter bubblewrap installs
#   bwrap=PATH       build the namespaces and the view with bubblewrap instead (then this script
#                    runs on the host, outside any namespace, and is not pid 1)
#   rlimits=OPTS     prlimit options, comma-separated (--nofile=N,--core=0,...)
#   tmp=SIZE         size of the private /tmp (tmpfs size= option)
#   cache=SRC:DST    a host folder bound read-only at DST inside the private /tmp (transpile cache)
set -eu

mountpoint= uid= gid= rlimits= tmp=64m caps= setpriv=setpriv bwrap= seccomp= cache=
ro_list= mask_list= cgroups=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  case $1 in
    mountpoint=*) mountpoint=${1#*=} ;;
    cgroup=*) cgroups="$cgroups
${1#*=}" ;;
    ro=*) ro_list="$ro_list
${1#*=}" ;;
    mask=*) mask_list="$mask_list
${1#*=}" ;;
    uid=*) uid=${1#*=} ;;
    gid=*) gid=${1#*=} ;;
    rlimits=*) rlimits=${1#*=} ;;
    tmp=*) tmp=${1#*=} ;;
    caps=*) caps=${1#*=} ;;
    setpriv=*) setpriv=${1#*=} ;;
    bwrap=*) bwrap=${1#*=} ;;
    seccomp=*) seccomp=${1#*=} ;;
    cache=*) cache=${1#*=} ;;
    *) echo "spearlet os sandbox: unknown argument '$1'" >&2; exit 121 ;;
  esac
  shift
done
[ "${1:-}" = -- ] && shift
# The parent-death signal, set last by setpriv (a change of uid clears an earlier one): the worker
# dies with the process the server holds, whoever kills that.
priv='--no-new-privs --pdeathsig=SIGKILL'
[ "$caps" = drop ] && priv="--inh-caps=-all --bounding-set=-all $priv"
[ -n "$uid" ] && priv="--reuid=$uid --regid=$gid --clear-groups $priv"

IFS='
'
# Joined first, while the worker is still one process: everything it starts is counted.
for procs in $cgroups; do [ -z "$procs" ] || echo $$ > "$procs"; done

# Limits of this shell, inherited by the worker (root is exempt from nproc until setpriv drops it).
if [ -n "$rlimits" ]; then
  IFS=,
  # shellcheck disable=SC2086
  prlimit --pid $$ $rlimits
  IFS='
'
fi

if [ -n "$bwrap" ]; then
  # setpriv drops to the sandbox user first; bubblewrap then runs unprivileged, in a user namespace
  # of its own, and gives the command no capabilities. The options go after the command in "$@",
  # which is then rotated so the command comes last.
  count=$#
  # The private /tmp before the binds: the project itself may live under /tmp.
  set -- "$@" --unshare-all --die-with-parent --new-session --cap-drop ALL --tmpfs /tmp
  for path in $ro_list; do [ -z "$path" ] || set -- "$@" --ro-bind "$path" "$path"; done
  for path in $mask_list; do [ -z "$path" ] || set -- "$@" --tmpfs "$path" --remount-ro "$path"; done
  if [ -n "$seccomp" ]; then
    exec 9< "$seccomp"
    set -- "$@" --seccomp 9
  fi
  set -- "$@" --dev /dev --proc /proc
  [ -z "$cache" ] || set -- "$@" --ro-bind "${cache%%:*}" "${cache#*:}"
  set -- "$@" --remount-ro /dev --remount-ro / --chdir / --
  i=0
  while [ "$i" -lt "$count" ]; do
    word=$1
    shift
    set -- "$@" "$word"
    i=$((i + 1))
  done
  IFS=' '
  # shellcheck disable=SC2086
  exec "$setpriv" $priv -- "$bwrap" "$@"
fi

if [ -z "$mountpoint" ]; then
  # No mount namespace: the host's file system, guarded by the uid alone.
  IFS=' '
  # shellcheck disable=SC2086
  exec "$setpriv" $priv -- "$@"
fi

# Nothing mounted here propagates back to the host.
mount --make-rprivate /
root=$mountpoint
mount -t tmpfs -o mode=0755,size=16m,nosuid,nodev spearlet-root "$root"
# The private /tmp first: the project itself may live under /tmp, and its binds go on top.
mkdir -p "$root/tmp"
mount -t tmpfs -o "mode=1777,size=$tmp,nosuid,nodev" spearlet-tmp "$root/tmp"
for path in $ro_list; do
  [ -n "$path" ] || continue
  if [ -d "$path" ]; then mkdir -p "$root$path"; else mkdir -p "$root${path%/*}"; : > "$root$path"; fi
  mount --bind -o ro,nosuid,nodev "$path" "$root$path"
  mount -o remount,bind,ro,nosuid,nodev "$root$path"
done
for path in $mask_list; do
  [ -n "$path" ] && [ -d "$root$path" ] || continue
  mount -t tmpfs -o ro,size=4k,mode=0000 spearlet-masked "$root$path"
done
# A few device nodes Node opens, bound from the host (no mknod: the root tmpfs is nodev for them).
mkdir -p "$root/dev"
mount -t tmpfs -o mode=0755,size=4k,nosuid,noexec spearlet-dev "$root/dev"
for dev in null zero random urandom; do
  : > "$root/dev/$dev"
  mount --bind "/dev/$dev" "$root/dev/$dev"
done
# This pid namespace's own /proc: the worker sees its own processes only, never the host's.
mkdir -p "$root/proc"
mount -t proc -o nosuid,nodev,noexec,hidepid=2 proc "$root/proc"
if [ -n "$cache" ]; then
  mkdir -p "$root${cache#*:}"
  mount --bind -o ro,nosuid,nodev "${cache%%:*}" "$root${cache#*:}"
  mount -o remount,bind,ro,nosuid,nodev "$root${cache#*:}"
fi
mount -o remount,bind,ro "$root"

cd "$root"
IFS=' '
# shellcheck disable=SC2086
exec chroot "$root" "$setpriv" $priv -- "$@"
