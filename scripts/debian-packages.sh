#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (headless Chromium for the report test,
# TTS engines and an independent loudness meter for the fixture tests) when they are missing.
# The list is scripts/debian-packages.txt. Runs from `npm test` (pretest); a no-op when everything is present.
set -euo pipefail
need=()
# With arguments: those packages instead of the list (scripts/generate-fixtures.sh uses this).
if [ $# -gt 0 ]; then wanted=("$@"); else mapfile -t wanted < <(grep -Ev '^[[:space:]]*(#|$)' "$(dirname "$0")/debian-packages.txt"); fi
for pkg in "${wanted[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "E_ENV_DEBIAN: missing Debian packages: ${need[*]} — install them with apt-get (as root) and rerun" >&2
  exit 3
fi
echo "installing Debian packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
