#!/usr/bin/env bash
# Regenerates the shipped fixtures (fixtures/speech, fixtures/signals, fixtures/manifest.json)
# from Debian's TTS engines and voices; docs/fixtures.md explains the choices.
#   bash scripts/generate-fixtures.sh            # rewrite fixtures/
#   bash scripts/generate-fixtures.sh --check    # regenerate elsewhere, compare with fixtures/ (exit 1 on a difference)
#   bash scripts/generate-fixtures.sh --out DIR  # write a set elsewhere
# Installs the engines with apt-get when they are missing (needs root).
set -euo pipefail
cd "$(dirname "$0")/.."
engines=(flite festival festvox-us-slt-hts festvox-kallpc16k)
need=()
for pkg in "${engines[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "E_ENV_DEBIAN: missing TTS packages: ${need[*]} — install them with apt-get (as root) and rerun" >&2
    exit 3
  fi
  echo "installing TTS packages: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
exec npx --no-install tsx scripts/generate-fixtures.ts "$@"
