#!/usr/bin/env bash
# ios-harness-app/scripts/build-ipa.sh: a signed .ipa of the harness app for a device lab.
#   VOICEAEC_TEAM_ID=ABCDE12345 VOICEAEC_EXPORT_METHOD=development bash ios-harness-app/scripts/build-ipa.sh
# Needs macOS with Xcode and XcodeGen. Signing comes from the environment:
#   VOICEAEC_TEAM_ID          Apple developer team id (required)
#   VOICEAEC_EXPORT_METHOD    development | ad-hoc | enterprise | app-store (required)
#   VOICEAEC_BUNDLE_ID        bundle id (default dev.voiceaec.harness; must be one your team can sign)
#   VOICEAEC_OUT              output folder (default ios-harness-app/build)
# Automatic signing (-allowProvisioningUpdates): Xcode must be signed in to an account of the team.
# Exit codes: 0 built; 2 a missing variable or tool; the failing command's code otherwise.
set -euo pipefail

app="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
need_var() { [ -n "${!1:-}" ] || { echo "E_BUILD_ENV: $1 is not set — $2" >&2; exit 2; }; }
need_tool() { command -v "$1" >/dev/null 2>&1 || { echo "E_BUILD_TOOL: $1 not found — $2" >&2; exit 2; }; }

need_var VOICEAEC_TEAM_ID "export your Apple developer team id (Xcode ▸ Settings ▸ Accounts)"
need_var VOICEAEC_EXPORT_METHOD "export development, ad-hoc, enterprise or app-store"
case "$VOICEAEC_EXPORT_METHOD" in development|ad-hoc|enterprise|app-store) ;; *)
  echo "E_BUILD_ENV: VOICEAEC_EXPORT_METHOD=$VOICEAEC_EXPORT_METHOD is not development, ad-hoc, enterprise or app-store" >&2; exit 2 ;;
esac
need_tool xcodegen "brew install xcodegen"
need_tool xcodebuild "install Xcode (macOS only)"

bundle="${VOICEAEC_BUNDLE_ID:-dev.voiceaec.harness}"
out="${VOICEAEC_OUT:-$app/build}"
mkdir -p "$out"

cd "$app"
xcodegen generate --spec project.yml
xcodebuild -project VoiceaecHarness.xcodeproj -scheme VoiceaecHarness -configuration Release \
  -destination 'generic/platform=iOS' -archivePath "$out/VoiceaecHarness.xcarchive" \
  -allowProvisioningUpdates DEVELOPMENT_TEAM="$VOICEAEC_TEAM_ID" PRODUCT_BUNDLE_IDENTIFIER="$bundle" \
  CODE_SIGN_STYLE=Automatic archive

cat >"$out/ExportOptions.plist" <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>method</key><string>$VOICEAEC_EXPORT_METHOD</string>
  <key>teamID</key><string>$VOICEAEC_TEAM_ID</string>
  <key>signingStyle</key><string>automatic</string>
</dict>
</plist>
PLIST
xcodebuild -exportArchive -archivePath "$out/VoiceaecHarness.xcarchive" -exportPath "$out" \
  -exportOptionsPlist "$out/ExportOptions.plist" -allowProvisioningUpdates
echo "build-ipa: $(ls "$out"/*.ipa)"
