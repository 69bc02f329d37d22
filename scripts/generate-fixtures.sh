#!/usr/bin/env bash
# Regenerates the shipped fixtures (fixtures/speech, fixtures/signals, fixtures/manifest.json)
# from Debian's TTS engines and voices; docs/fixtures.md explains the choices.
#   bash scripts/generate-fixtures.sh            # rewrite fixtures/
#   bash scripts/generate-fixtures.sh --check    # regenerate elsewhere, compare with fixtures/ (exit 1 on a difference)
#   bash scripts/generate-fixtures.sh --out DIR  # write a set elsewhere
# Installs the engines with apt-get when they are missing (needs root).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/debian-packages.sh flite festival festvox-us-slt-hts festvox-kallpc16k
exec npx --no-install tsx scripts/generate-fixtures.ts "$@"
