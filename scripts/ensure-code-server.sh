#!/usr/bin/env bash
# Installs code-server (the real VS Code workbench + Node extension host, from npm) into a cache
# folder, offline-safe: its postinstall downloads ripgrep, so we install with --ignore-scripts and
# wire Debian's rg and the native modules ourselves. Idempotent: a marker file records success.
# Prints the install directory on stdout (last line).
set -euo pipefail
VERSION="${CODE_SERVER_VERSION:-4.100.3}"   # VS Code 1.100; the last code-server line that runs on Node 20
CACHE="${INCIDENT_DESK_CACHE:-$HOME/.cache/incident-desk}"
DIR="$CACHE/code-server-$VERSION"
MARK="$DIR/.installed"
log() { echo "[ensure-code-server] $*" >&2; }

# The Debian packages are checked on every run (cheap), not only on first install: a cached
# code-server (CI cache, earlier session) does not mean chromium and rg are on this machine.
need_apt=()
command -v rg >/dev/null || need_apt+=(ripgrep)
command -v chromium >/dev/null || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${need_apt[@]}" >&2
fi

if [ -f "$MARK" ]; then echo "$DIR"; exit 0; fi

rm -rf "$DIR"; mkdir -p "$DIR"
log "installing code-server@$VERSION into $DIR (a few minutes the first time)"
npm install --prefix "$DIR" "code-server@$VERSION" --ignore-scripts --no-audit --no-fund --loglevel=error >&2
VS="$DIR/node_modules/code-server/lib/vscode"
( cd "$VS"
  npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  mkdir -p node_modules/@vscode/ripgrep/bin && ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid >&2 || true
  ln -sfn node_modules node_modules.asar
  ( cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2 )
)
( cd "$DIR" && npm rebuild argon2 >&2 )
# node-pty's post-step fails offline but its binary is built; refuse to mark success without it.
if ! find "$VS/node_modules/node-pty" -name 'pty.node' | grep -q .; then
  log "node-pty native module missing after rebuild"; exit 1
fi
touch "$MARK"
echo "$DIR"
