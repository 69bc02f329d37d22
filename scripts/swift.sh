#!/usr/bin/env bash
# scripts/swift.sh <swift args…>      runs `swift <args…>` in ios-harness-app/HarnessKit
# scripts/swift.sh --exec <cmd…>      runs <cmd…> there (e.g. a built .build/debug binary)
# scripts/swift.sh --provision        only makes sure a toolchain exists
#
# Exit codes: the command's own; 4 when Swift cannot be had on this machine (no native
# swift and not Linux-as-root, or no debootstrap/unshare to be had), so callers can tell
# "unavailable here" from a failure; 3 for other provisioning errors.
# A native `swift` on PATH (macOS with Xcode, Linux with a toolchain) is used as is.
# Otherwise, on Linux as root, a Debian trixie chroot with swiftlang is provisioned once in
# VOICEAEC_SWIFT_ROOT (default /var/cache/voiceaec/swift-trixie, outside the repo so clones
# and CI runs on this machine share it): bookworm has no Swift and its glibc is too old for
# trixie's (see ../shared/notes/swift-on-linux.md). Each command then runs inside
# `unshare --mount --propagation private`: /proc and the bind-mount of the repo exist only in
# that private mount namespace, so they vanish on every exit path (normal, error, signal)
# and concurrent invocations never see or unmount each other's mounts.
# The repo is bind-mounted at its own absolute path, so paths (#filePath, .build) are the
# same inside and outside the chroot.
# One invocation per package at a time: a lock file in the package's .build (held by the
# command itself, so it is released however the command ends) makes a second invocation
# (vitest runs test files in parallel) wait instead of building into the same .build or
# replacing a binary another invocation is running. Progress: one line per step on stderr.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pkg="${HARNESSKIT_DIR:-$repo/ios-harness-app/HarnessKit}"
root="${VOICEAEC_SWIFT_ROOT:-/var/cache/voiceaec/swift-trixie}"
mirror="${VOICEAEC_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

die() { echo "$1" >&2; exit "${2:-3}"; }
step() { echo "swift.sh: $*" >&2; }

mode=run
case "${1:-}" in
  --exec) mode=exec; shift ;;
  --provision) mode=provision; shift ;;
esac

# Waits for other invocations on this package; the lock stays held by fd 8, which the
# command inherits through exec.
lock_package() {
  [ -d "$pkg" ] || die "E_SWIFT_PACKAGE: $pkg does not exist — run from a voiceaec checkout"
  mkdir -p "$pkg/.build"
  exec 8>"$pkg/.build/swift-sh.lock"
  if ! flock -n 8; then
    step "waiting for another scripts/swift.sh on this package"
    flock 8
  fi
}

# 1. Native toolchain.
if [ -z "${VOICEAEC_SWIFT_FORCE_CHROOT:-}" ] && command -v swift >/dev/null 2>&1; then
  [ "$mode" = provision ] && { step "toolchain: native $(command -v swift)"; exit 0; }
  lock_package
  cd "$pkg"
  if [ "$mode" = exec ]; then exec "$@"; else step "swift $* (native toolchain)"; exec swift "$@"; fi
fi

# 2. Chroot toolchain: only possible on Linux, as root.
[ "$(uname -s)" = Linux ] || die "E_SWIFT_NONE: no swift on PATH — install Xcode or a Swift toolchain" 4
[ "$(id -u)" = 0 ] || die "E_SWIFT_ROOT: no swift on PATH and provisioning the trixie chroot needs root — run as root or install a Swift toolchain" 4
command -v unshare >/dev/null || die "E_SWIFT_UNSHARE: unshare (util-linux) is missing — install util-linux" 4

# /usr/bin/swift in the chroot is an absolute symlink (Debian alternatives): resolve it there.
have_swift() { [ -d "$root/usr/bin" ] && chroot "$root" test -x /usr/bin/swift 2>/dev/null; }

provision() {
  [ -f "$root/.voiceaec-ready" ] && return 0
  mkdir -p "$(dirname "$root")"
  # One provisioner at a time; the others wait and then find it done.
  exec 9>"$root.lock"
  if ! flock -n 9; then
    step "waiting for another scripts/swift.sh provisioning $root"
    flock 9
  fi
  [ -f "$root/.voiceaec-ready" ] && { exec 9>&-; return 0; }
  if ! command -v debootstrap >/dev/null; then
    step "installing debootstrap (apt-get)"
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null 2>&1; }; } ||
      die "E_SWIFT_DEBOOTSTRAP: cannot install debootstrap — install it with apt-get and rerun" 4
  fi
  if [ ! -f "$root/.voiceaec-debootstrap-done" ]; then
    # An interrupted debootstrap leaves a half tree; start it again from nothing.
    rm -rf "$root"
    step "debootstrap trixie into $root (a few minutes)"
    debootstrap --variant=minbase --include=ca-certificates trixie "$root" "$mirror" >"$root.log" 2>&1 ||
      die "E_SWIFT_DEBOOTSTRAP: debootstrap trixie failed (log: $root.log) — check the Debian mirror ($mirror) and rerun"
    touch "$root/.voiceaec-debootstrap-done"
  fi
  step "apt-get install swiftlang libc6-dev libstdc++-14-dev in the chroot (a few minutes)"
  # libc6-dev and libstdc++-14-dev are not pulled in with --no-install-recommends; without
  # them every link fails (Scrt1.o, crti.o).
  chroot "$root" apt-get update -qq >>"$root.log" 2>&1 &&
    chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      swiftlang libc6-dev libstdc++-14-dev >>"$root.log" 2>&1 ||
    die "E_SWIFT_APT: installing swiftlang in the chroot failed (log: $root.log) — check the Debian mirror and rerun"
  have_swift || die "E_SWIFT_APT: swiftlang installed but $root/usr/bin/swift is missing — delete $root and rerun"
  touch "$root/.voiceaec-ready"
  exec 9>&-
  step "toolchain ready: $(unshare --mount --propagation private /bin/sh -c 'mount -t proc proc "$0/proc" && chroot "$0" swift --version 2>&1 | head -1' "$root" || true)"
}

provision
[ "$mode" = provision ] && { step "toolchain: trixie chroot at $root (ready)"; exit 0; }

# 3. Run inside a private mount namespace. The inner script mounts /proc (swift needs it to
# find libswiftCore.so) and the repo, then replaces itself with the chroot'ed command, so
# signals sent to this process reach the command directly.
lock_package
[ "$mode" = exec ] || step "swift $* (trixie chroot at $root)"
inner='
set -e
root=$1; repo=$2; pkg=$3; mode=$4; shift 4
mount -t proc proc "$root/proc"
mkdir -p "$root$repo"
mount --bind "$repo" "$root$repo"
cd /
if [ "$mode" = exec ]; then
  exec chroot "$root" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$pkg" "$@"
else
  exec chroot "$root" /bin/sh -c "cd \"\$0\" && exec swift \"\$@\"" "$pkg" "$@"
fi
'
exec unshare --mount --propagation private /bin/bash -c "$inner" swift.sh "$root" "$repo" "$pkg" "$mode" "$@"
