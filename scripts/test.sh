#!/usr/bin/env bash
# npm test: every check and suite, in order, against real parts (see test/runner/).
#   typecheck, lint, build, clone (the unit suite, in a fresh clone with nothing beside it),
#   integration (code-server extension host), [electron: INCIDENT_DESK_TEST_ELECTRON=1],
#   package (.vsix), e2e (the UI in headless Chromium), setup (npm start from an empty home).
# Each phase's time is printed and held against its budget (scripts/test-summary.mjs).
# Every phase runs even when an earlier one failed, so one run shows everything that is wrong.
# Each test phase writes a PhaseResult JSON to test-results/; the LAST line printed is the
# summary `N passed, N failed` (scripts/test-summary.mjs). Exit 1 if anything failed.
# Services (code-server, Chromium) are started and stopped by the runners, by pid; on Ctrl-C or
# SIGTERM this script stops the running phase, whose runner then stops what it started.
set -uo pipefail
cd "$(dirname "$0")/.."

RESULTS=test-results
PHASES="$RESULTS/phases.tsv"
mkdir -p "$RESULTS"
rm -f "$PHASES" "$RESULTS"/{unit,clone,integration,restricted,electron,e2e,setup}.json
# tsc never deletes output: drop compiled files whose source is gone, or a deleted test still runs.
# (Only those: a whole `rm -rf out` would pull the rug from under a concurrent run in this tree.)
if [ -d out ]; then
  find out -name '*.js' -print0 | while IFS= read -r -d '' js; do
    src=${js#out/}; src=${src%.js}.ts
    [ -f "$src" ] || rm -f "$js" "$js.map"
  done
fi
: >"$PHASES"

CHILD=""
on_signal() {
  echo "[test] interrupted: stopping the running phase" >&2
  if [ -n "$CHILD" ]; then
    kill -TERM "$CHILD" 2>/dev/null
    wait "$CHILD" 2>/dev/null
  fi
  exit 130
}
trap on_signal INT TERM

# phase NAME KIND RESULT_JSON CMD...  (runs CMD in the background so signals reach the trap)
phase() {
  local name=$1 kind=$2 result=$3; shift 3
  echo ""
  echo "[test] ── $name ──"
  local start=$SECONDS rc
  "$@" &
  CHILD=$!
  wait "$CHILD"; rc=$?
  CHILD=""
  local took=$((SECONDS - start))
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$kind" "$rc" "$took" "$result" >>"$PHASES"
  echo "[test] $name: $([ "$rc" -eq 0 ] && echo ok || echo "FAILED (exit $rc)") in ${took}s"
}

# Debian packages when missing (chromium, ripgrep, libkrb5-dev; openssh-server, docker.io,
# busybox-static for the remote-ops suites), and code-server; idempotent. Starts nothing: the suites
# start their own sshd/dockerd (test/services/) and stop them by pid.
services() { bash scripts/ensure-code-server.sh >/dev/null && bash scripts/ensure-remote-services.sh; }
phase services check - services
phase typecheck check - npm run --silent typecheck
phase lint check - npm run --silent lint
# The extension and CLI bundles, and the compiled tests the runners below load.
phase build check - bash -c 'npm run --silent build && npm run --silent compile-tests'
# The unit suite, once, where a user's fresh clone is: a clone in a temporary folder with nothing
# beside it, an empty home and no npm configuration (a test needing CI's surroundings fails here).
phase clone tests "$RESULTS/clone.json" bash scripts/test-clone.sh "$RESULTS/clone.json"
phase integration tests "$RESULTS/integration.json" \
  env INCIDENT_DESK_RESULT_JSON="$RESULTS/integration.json" INCIDENT_DESK_TEST_GREP=@restricted INCIDENT_DESK_TEST_GREP_INVERT=1 \
  node out/test/runner/runIntegration.js
# The same host with Workspace Trust on: the folder opens in Restricted Mode.
phase restricted tests "$RESULTS/restricted.json" \
  env INCIDENT_DESK_RESULT_JSON="$RESULTS/restricted.json" INCIDENT_DESK_TEST_GREP=@restricted INCIDENT_DESK_WORKSPACE_TRUST=1 \
  node out/test/runner/runIntegration.js
if [ "${INCIDENT_DESK_TEST_ELECTRON:-}" = "1" ]; then
  phase electron tests "$RESULTS/electron.json" \
    env INCIDENT_DESK_RESULT_JSON="$RESULTS/electron.json" node out/test/runner/runElectron.js
fi
rm -f dist/incident-desk.vsix   # the e2e phase must never install a stale package
phase package check - npm run --silent package
phase e2e tests "$RESULTS/e2e.json" \
  env INCIDENT_DESK_RESULT_JSON="$RESULTS/e2e.json" INCIDENT_DESK_E2E_SKIP_PACKAGE=1 node out/test/e2e/run.js
# Last: npm start in a fresh clone with an empty HOME installs and rebuilds code-server from scratch
# (minutes of compiling) and serves on a free port; nothing runs beside it, and every product suite
# has reported before it.
phase setup tests "$RESULTS/setup.json" \
  env INCIDENT_DESK_RESULT_JSON="$RESULTS/setup.json" node --enable-source-maps out/test/setup/run.js

node scripts/test-summary.mjs "$PHASES"
