#!/usr/bin/env bash
# npm start: package the extension, install it into a sandboxed code-server (the VS Code workbench
# in your browser) and open a demo workspace. Runs in the foreground until Ctrl-C, then stops the
# code-server it started (by its process group, nothing else).
#   PORT=8080 (default)  listen on 127.0.0.1:$PORT only
# Everything lives in .sandbox/: demo-workspace/ (copied from test/fixtures/demo-workspace once;
# delete it to start over), extensions/, user-data/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${PORT:-8080}
SANDBOX=$ROOT/.sandbox
WORKSPACE=$SANDBOX/demo-workspace
log() { echo "[start] $*"; }

npm run --silent package
VSIX=$ROOT/dist/incident-desk.vsix
CS_DIR=$(bash scripts/ensure-code-server.sh | tail -n 1)
ENTRY=$CS_DIR/node_modules/code-server/out/node/entry.js

mkdir -p "$SANDBOX/extensions" "$SANDBOX/user-data/User"
if [ ! -d "$WORKSPACE" ]; then
  log "creating the demo workspace in $WORKSPACE"
  node scripts/demo-workspace.mjs "$WORKSPACE"
  # A repository, as a real one would be: incidents are reviewed and merged in git.
  git -C "$WORKSPACE" init -q
  git -C "$WORKSPACE" add -A
  git -C "$WORKSPACE" -c user.name="Incident Desk demo" -c user.email=demo@incident-desk.invalid \
    commit -q -m "Demo workspace: runbooks and two incidents"
fi
SETTINGS=$SANDBOX/user-data/User/settings.json
if [ ! -f "$SETTINGS" ]; then
  cat >"$SETTINGS" <<'EOF'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false
}
EOF
fi
# Our own config, so ~/.config/code-server/config.yaml (maybe a password, another port) is not read.
CONFIG=$SANDBOX/code-server.yaml
printf 'auth: none\ncert: false\n' >"$CONFIG"
COMMON=(--config "$CONFIG" --user-data-dir "$SANDBOX/user-data" --extensions-dir "$SANDBOX/extensions")

log "installing $VSIX"
node "$ENTRY" "${COMMON[@]}" --force --install-extension "$VSIX" >/dev/null

# In its own session (process group = its pid), so stopping it also stops the extension host.
setsid node "$ENTRY" "${COMMON[@]}" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-getting-started-override \
  "$WORKSPACE" >"$SANDBOX/code-server.log" 2>&1 &
CS_PID=$!
stop() {
  trap - INT TERM EXIT
  if kill -0 "$CS_PID" 2>/dev/null; then
    log "stopping code-server (pid $CS_PID)"
    kill -TERM -- "-$CS_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$CS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$CS_PID" 2>/dev/null || true
  fi
}
trap 'stop; exit 130' INT TERM
trap stop EXIT

answers() {
  node -e "require('http').get('http://127.0.0.1:$PORT/healthz', (r) => process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => process.exit(1))"
}
for attempt in $(seq 121); do
  answers && break
  if ! kill -0 "$CS_PID" 2>/dev/null || [ "$attempt" -eq 121 ]; then
    log "code-server did not come up on 127.0.0.1:$PORT; its log ($SANDBOX/code-server.log):"
    tail -n 20 "$SANDBOX/code-server.log"
    exit 1
  fi
  sleep 0.5
done

echo ""
echo "Incident Desk is running: http://127.0.0.1:$PORT/?folder=$WORKSPACE"
echo "(code-server pid $CS_PID, log .sandbox/code-server.log; Ctrl-C to stop)"
wait "$CS_PID"
