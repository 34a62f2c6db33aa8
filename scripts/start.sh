#!/usr/bin/env bash
# npm start: package the extension, install it into a sandboxed code-server (the VS Code workbench
# in your browser) and open a demo workspace. Where the machine can run one (Linux, root, the test
# services' packages), also a demo host (scripts/demo-host.mjs): a loopback sshd and a private
# Docker engine running the demo app at the commit the workspace's deploy ledger says is live.
# Runs in the foreground until Ctrl-C, then stops what it started: code-server (by its process
# group) and the demo host (which stops its containers, ssh-agent, sshd and dockerd by pid).
#   PORT=8080 (default)  listen on 127.0.0.1:$PORT only
#   DEMO_HOST=0          start without the demo host
# Everything lives in .sandbox/: demo-workspace/ (copied from test/fixtures/demo-workspace once,
# with the demo app's git history; delete it to start over), demo-origin.git (its origin),
# demo-host/ (the host key, known_hosts), extensions/, user-data/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${PORT:-8080}
SANDBOX=$ROOT/.sandbox
WORKSPACE=$SANDBOX/demo-workspace
log() { echo "[start] $*"; }
T0=$(date +%s%N)
elapsed() { awk -v t="$(date +%s%N)" -v t0="$T0" 'BEGIN { printf "%.1f", (t - t0) / 1e9 }'; }
ORIGIN=$SANDBOX/demo-origin.git
DEMO_STATE=$SANDBOX/demo-host
mkdir -p "$SANDBOX"

if [ ! -d "$WORKSPACE" ]; then
  log "creating the demo workspace in $WORKSPACE"
  node scripts/demo-workspace.mjs "$WORKSPACE"
  # A repository, as a real one would be: incidents are reviewed and merged in git, and the demo
  # app is deployed from it (its history, tags and deploy ledger; origin: $ORIGIN).
  node scripts/demo-host.mjs repo "$WORKSPACE" "$ORIGIN"
fi

# The demo host starts while the extension is packaged; it stops itself when this script is gone.
DEMO_PID=
if [ "${DEMO_HOST:-1}" != 0 ]; then
  node scripts/demo-host.mjs run "$WORKSPACE" "$ORIGIN" "$DEMO_STATE" &
  DEMO_PID=$!
else
  log "demo host: not started (DEMO_HOST=0)"
fi
stop_demo_host() {
  if [ -n "$DEMO_PID" ] && kill -0 "$DEMO_PID" 2>/dev/null; then
    kill -TERM "$DEMO_PID" 2>/dev/null || true
    for _ in $(seq 600); do kill -0 "$DEMO_PID" 2>/dev/null || break; sleep 0.1; done
  fi
}
trap 'stop_demo_host; exit 130' INT TERM
trap stop_demo_host EXIT

npm run --silent package
log "extension packaged ($(elapsed) s)"
VSIX=$ROOT/dist/incident-desk.vsix
CS_DIR=$(bash scripts/ensure-code-server.sh | tail -n 1)
ENTRY=$CS_DIR/node_modules/code-server/out/node/entry.js

mkdir -p "$SANDBOX/extensions" "$SANDBOX/user-data/User"
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

# The demo host's profile and host key go into the user settings (out again when there is none);
# the extension logs in through the ssh-agent it started (SSH_AUTH_SOCK), never a key file.
AGENT_SOCK=
if [ -n "$DEMO_PID" ]; then
  while [ ! -f "$DEMO_STATE/started.json" ] && kill -0 "$DEMO_PID" 2>/dev/null; do sleep 0.2; done
  if [ -f "$DEMO_STATE/started.json" ]; then
    AGENT_SOCK=$(node -p "require(process.argv[1]).agentSocket" "$DEMO_STATE/started.json")
  else
    wait "$DEMO_PID" || status=$?
    [ "${status:-0}" -eq 3 ] || log "the demo host failed to start (its output is above); starting without it"
    DEMO_PID=
  fi
fi
node scripts/demo-host.mjs settings "$SETTINGS" "$DEMO_STATE"

# In its own session (process group = its pid), so stopping it also stops the extension host.
env ${AGENT_SOCK:+SSH_AUTH_SOCK="$AGENT_SOCK"} setsid node "$ENTRY" "${COMMON[@]}" --bind-addr "127.0.0.1:$PORT" --auth none \
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
  stop_demo_host
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
echo "Incident Desk is running: http://127.0.0.1:$PORT/?folder=$WORKSPACE (ready in $(elapsed) s)"
echo "(code-server pid $CS_PID, log .sandbox/code-server.log; Ctrl-C to stop)"
if [ -n "$DEMO_PID" ]; then
  echo "Demo host: $(node -p "const s = require(process.argv[1]); \`\${s.profile.name} = \${s.profile.user}@127.0.0.1:\${s.profile.port}, checkout-api at \${s.appUrl} (health \${s.profile.healthUrl})\`" "$DEMO_STATE/started.json")"
fi
wait "$CS_PID"
