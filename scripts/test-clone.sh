#!/usr/bin/env bash
# npm test's `clone` phase: the unit suite in a fresh clone of this repository, in a temporary folder
# with nothing beside it, with an empty HOME and no npm configuration. CI's checkout has other
# folders beside it and a configured home; a test that reads either would pass there and fail for
# everyone else. Running the suite here, and only here, is where that shows.
#   bash scripts/test-clone.sh RESULT_JSON
# What is tested is this working tree as it would be committed (scripts/snapshot-clone.sh), like
# every other phase tests the working tree; on CI that is HEAD, so there it is exactly a clone.
# node_modules is a link to this tree's (installed from the same package-lock.json): installing it
# again would test npm, not us, and cost a minute. Everything is removed again on any way out.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RESULT=$(realpath -m "${1:?usage: test-clone.sh RESULT_JSON}")
log() { echo "[clone] $*"; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/incident-desk-clone.XXXXXX")
CHILD=""
cleanup() {
  if [ -n "$CHILD" ]; then
    # The whole group (npm, mocha, what mocha started in it), given 10 s to clean up after itself.
    kill -TERM -- "-$CHILD" 2>/dev/null
    for _ in $(seq 100); do kill -0 -- "-$CHILD" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$CHILD" 2>/dev/null
    wait "$CHILD" 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DEST=$TMP/incident-desk
snapshot=$(bash scripts/snapshot-clone.sh "$DEST")
log "unit suite in $DEST ($snapshot; nothing beside it, empty HOME, no npm configuration)"
ln -s "$ROOT/node_modules" "$DEST/node_modules"

# No npm configuration and an empty home: npm run passes its config down as npm_config_* variables.
while read -r var; do unset "$var"; done < <(compgen -e | grep -i '^npm_')
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_STATE_HOME
mkdir "$TMP/home"
export HOME=$TMP/home

cd "$DEST"
# As npm test does: build first (the CLI's tests run dist/cli.js), then the suite. The suite runs in
# its own process group, in the background, so a signal reaches the trap at once and stops all of it.
npm run --silent build
setsid npm run --silent test:unit -- --reporter out/test/runner/specJsonReporter.js --reporter-option "json=$RESULT" &
CHILD=$!
rc=0
wait "$CHILD" || rc=$?
CHILD=""
exit "$rc"
