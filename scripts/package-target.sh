#!/usr/bin/env bash
# Package the extension for another platform than the one you build on:
#   bash scripts/package-target.sh <vsce target>     e.g. darwin-arm64, win32-x64, linux-arm64, alpine-x64
# → sgd-landscape-<version>-<target>.vsix, a platform-specific package (vsce --target) holding
#   esbuild's native binary for that platform (@esbuild/<os>-<cpu>).
#
# The bundle (dist/) is built here with this machine's esbuild; the runtime dependencies are then
# installed for the target (npm ci --omit=dev --os --cpu [--libc]) in a staging folder, so this
# repo's node_modules is left alone.
set -euo pipefail
TARGET="${1:?usage: bash scripts/package-target.sh <target: win32-x64|win32-arm64|linux-x64|linux-arm64|linux-armhf|alpine-x64|alpine-arm64|darwin-x64|darwin-arm64>}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"

os="${TARGET%%-*}"
cpu="${TARGET#*-}"
libc=()
case "$os" in
  alpine) os=linux; libc=(--libc=musl) ;;
  linux | darwin | win32) ;;
  *) echo "unknown target $TARGET" >&2; exit 2 ;;
esac
[ "$cpu" = armhf ] && cpu=arm

VERSION="$(node -p 'require("./package.json").version')"
OUT="$REPO/sgd-landscape-$VERSION-$TARGET.vsix"

node scripts/build.mjs --production

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/sgd-package-$TARGET-XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
cp package.json package-lock.json .vscodeignore "$STAGE/"
for f in README.md LICENSE LICENSE.md CHANGELOG.md; do [ -f "$f" ] && cp "$f" "$STAGE/"; done
cp -r dist resources examples "$STAGE/"
(
  cd "$STAGE"
  # --ignore-scripts: esbuild's postinstall would try to run the target's binary here.
  npm ci --omit=dev --ignore-scripts --no-audit --no-fund --os="$os" --cpu="$cpu" "${libc[@]}"
  ls node_modules/@esbuild >&2
  "$REPO/node_modules/.bin/vsce" package --target "$TARGET" --out "$OUT"
)
echo "$OUT"
