#!/usr/bin/env bash
# Try the extension without a desktop VS Code:
#   bash scripts/start.sh [FOLDER]
# installs the tools (Debian chromium/libkrb5-dev/pkg-config, Node 24 and code-server in a cache
# folder outside the repo; fast after the first time), installs the npm dependencies and builds
# and packages the extension on that Node 24 (whatever the system's Node is), starts code-server
# (VS Code in the browser) on loopback with the extension installed, FOLDER open (default: the
# repo's examples/) and the e2e suite's quiet settings (scripts/vscode-settings.json: no welcome
# page, chat/Copilot, tips, git toasts or telemetry), prints the URL and stays in the foreground
# until Ctrl-C.
#
# Environment: SGD_PORT (default 8080, or a free port when taken), SGD_TRUST_PROMPT=1 to keep
# VS Code's workspace trust on (the folder then opens in Restricted Mode and runs are refused).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
FOLDER="$(cd "${1:-$REPO/examples}" && pwd)"

eval "$(bash scripts/tools.sh)"
# Node 24 first on PATH for npm, the build, vsce and code-server (the tools need Node >= 22).
export PATH="$SGD_NODE_BIN:$PATH"

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run package
VSIX="$REPO/$(node -p 'const p=require("./package.json"); `${p.name}-${p.version}.vsix`')"

STATE="$SGD_TOOLS_DIR/start"
USER_DATA="$STATE/user-data"
EXT_DIR="$STATE/extensions"
mkdir -p "$USER_DATA/User" "$EXT_DIR"
# The quiet settings, added to this code-server's user settings on every start; a value you set
# there yourself is kept.
node -e '
const fs = require("fs");
const [quietFile, userFile] = process.argv.slice(1);
const quiet = JSON.parse(fs.readFileSync(quietFile, "utf8"));
let user = {};
if (fs.existsSync(userFile)) {
  try {
    user = JSON.parse(fs.readFileSync(userFile, "utf8"));
  } catch {
    console.error(`start.sh: ${userFile} is not plain JSON (comments?); left as it is`);
    process.exit(0);
  }
}
fs.writeFileSync(userFile, JSON.stringify({ ...quiet, ...user }, null, 2) + "\n");
' "$REPO/scripts/vscode-settings.json" "$USER_DATA/User/settings.json"
CONFIG="$STATE/config.yaml"
export XDG_CONFIG_HOME="$STATE/xdg-config" XDG_DATA_HOME="$STATE/xdg-data"

port_free() { ! node -e 'const s=require("net").connect(+process.argv[1],"127.0.0.1");s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1))' "$1"; }
PORT="${SGD_PORT:-8080}"
if ! port_free "$PORT"; then
  PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
fi
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" >"$CONFIG"

CS=("$SGD_NODE24" "$SGD_CODE_SERVER" --config "$CONFIG" --user-data-dir "$USER_DATA" --extensions-dir "$EXT_DIR")
"${CS[@]}" --install-extension "$VSIX" --force >/dev/null

TRUST=(--disable-workspace-trust)
[ "${SGD_TRUST_PROMPT:-0}" = 1 ] && TRUST=()

# Own process group (setsid), so Ctrl-C ends code-server and all its children.
setsid "${CS[@]}" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
  --disable-getting-started-override "${TRUST[@]}" "$FOLDER" >"$STATE/code-server.log" 2>&1 &
CS_PID=$!
stop() { kill -TERM -- "-$CS_PID" 2>/dev/null || true; wait "$CS_PID" 2>/dev/null || true; }
trap 'stop; exit 0' INT TERM
trap stop EXIT

for _ in $(seq 1 300); do
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "http://127.0.0.1:$PORT/healthz"; then
    break
  fi
  kill -0 "$CS_PID" 2>/dev/null || { echo "code-server exited; log:" >&2; tail -n 40 "$STATE/code-server.log" >&2; exit 1; }
  sleep 0.2
done

URL="http://127.0.0.1:$PORT/?folder=$(node -p 'encodeURIComponent(process.argv[1])' "$FOLDER")"
cat <<EOF

  SGD Landscape is running in VS Code (code-server $(node -p 'require(process.argv[1]).version' "$(dirname "$(dirname "$(dirname "$SGD_CODE_SERVER")")")/package.json")).

  Open:   $URL
  Folder: $FOLDER
  Then open paper-figure3.ts and click "Run SGD" above a function (or F1 > "SGD Landscape: Run SGD on function").

  The same extension for a desktop VS Code:  code --install-extension $VSIX
  (remote machine? forward the port first:  ssh -L $PORT:127.0.0.1:$PORT <host>)
  Log: $STATE/code-server.log       Stop: Ctrl-C

EOF
wait "$CS_PID"
