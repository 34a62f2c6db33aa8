#!/usr/bin/env bash
# Installs code-server (the real VS Code workbench + Node extension host, from npm) into a cache
# folder, offline-safe: its postinstall downloads ripgrep, so we install with --ignore-scripts and
# wire Debian's rg and the native modules ourselves. Idempotent: a marker file records success.
# Prints the install directory on stdout (last line).
# Needs nothing from the user's npm configuration: the native modules are compiled against this
# Node's own headers (scripts/node-headers.mjs), never downloaded ones.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION="${CODE_SERVER_VERSION:-4.100.3}"   # VS Code 1.100; the last code-server line that runs on Node 20
CACHE="${INCIDENT_DESK_CACHE:-$HOME/.cache/incident-desk}"
DIR="$CACHE/code-server-$VERSION"
MARK="$DIR/.installed"
log() { echo "[ensure-code-server] $*" >&2; }

# The Debian packages are checked on every run (cheap), not only on first install: a cached
# code-server (CI cache, earlier session) does not mean chromium and rg are on this machine.
# make and g++ build the native modules (python3 comes with Node's packages).
need_apt=()
command -v rg >/dev/null || need_apt+=(ripgrep)
command -v chromium >/dev/null || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v make >/dev/null || need_apt+=(make)
command -v g++ >/dev/null || need_apt+=(g++)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${need_apt[@]}" >&2
fi

if [ -f "$MARK" ]; then echo "$DIR"; exit 0; fi

# node-gyp reads npm_config_nodedir from its environment (npm passes it down to install scripts);
# set here, it wins over any nodedir in the user's or the machine's npmrc.
NODEDIR=$(node "$HERE/node-headers.mjs") || { log "cannot build code-server's native modules (see above)"; exit 1; }
export npm_config_nodedir="$NODEDIR"
# Compile with both cores (node-gyp's make -j): the rebuild is most of a first install's time.
export npm_config_jobs=max npm_config_update_notifier=false

# Installed beside the final folder and renamed into place only when complete, so an interrupted
# or failed install never looks like a cache. The temporary folder carries our pid: one left by a
# run that was killed (its pid gone) is removed by the next run.
mkdir -p "$CACHE"
for stale in "$CACHE/.code-server-$VERSION.tmp-"*; do
  [ -d "$stale" ] || continue
  kill -0 "${stale##*.tmp-}" 2>/dev/null || rm -rf "$stale"
done
TMP="$CACHE/.code-server-$VERSION.tmp-$$"
rm -rf "$TMP"; mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "installing code-server@$VERSION into $DIR (a few minutes the first time; Node headers: $NODEDIR)"
npm install --prefix "$TMP" "code-server@$VERSION" --ignore-scripts --no-audit --no-fund --loglevel=error >&2
VS="$TMP/node_modules/code-server/lib/vscode"
( cd "$VS"
  npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  mkdir -p node_modules/@vscode/ripgrep/bin && ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid >&2
  ln -sfn node_modules node_modules.asar
  ( cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2 )
)
( cd "$TMP" && npm rebuild argon2 >&2 )
# A rebuild can report success without its binary (a skipped install script): check each one.
for binary in node-pty/build/Release/pty.node @vscode/spdlog/build/Release/spdlog.node \
  native-watchdog/build/Release/watchdog.node kerberos/build/Release/kerberos.node; do
  [ -f "$VS/node_modules/$binary" ] || { log "native module missing after rebuild: $binary"; exit 1; }
done
[ -f "$TMP/node_modules/argon2/lib/binding/napi-v3/argon2.node" ] || { log "native module missing after rebuild: argon2"; exit 1; }
touch "$TMP/.installed"
if [ -f "$MARK" ]; then
  log "another run finished installing $DIR meanwhile; keeping that one"
else
  rm -rf "$DIR"   # an unmarked folder: an install an older version of this script left unfinished
  mv -T "$TMP" "$DIR"
fi
echo "$DIR"
